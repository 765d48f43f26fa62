// In-process micro-benchmark of the decision engine. Run: pnpm --filter @plystra/engine bench
// Numbers are for comparing engine changes on one machine, not a service-level claim: the HTTP path
// adds the context load and the audit write.
import { buildInlineContext, compactExplanation, decide } from "../src/index.ts";
import type { DecisionContext, GroupSnap, InlineCheckInput } from "../src/index.ts";
import { candidate, registry } from "../src/test-fixtures.ts";

const SPACE = "space_acme";
const group = (id: string, path: string): GroupSnap => ({ id, space_id: SPACE, path, status: "active" });
const ANCHOR_DEEP = group("group_emea_fin", "corp.emea.finance");
const TARGET = group("group_emea_fin_ap_team7", "corp.emea.finance.payables.accounts.team7");

/** Four candidates, the covering one last, deep group_tree path, binding with an expiry. */
const ctx: DecisionContext = {
  request: {
    actor: { user_id: "user_alice", member_id: "member_fr", user_member_id: "um_alice_fr", space_id: SPACE },
    resource_type: "invoice",
    resource_id: "invoice_001",
    action: "approve",
    request_id: "req_01JZBENCH",
    ip: "203.0.113.7",
    user_agent: "bench/1.0",
  },
  actor: {
    user: { id: "user_alice", email: "alice@example.com", status: "active" },
    member: { id: "member_fr", space_id: SPACE, display_name: "Finance Reviewer", status: "active" },
    user_member: {
      id: "um_alice_fr",
      user_id: "user_alice",
      member_id: "member_fr",
      space_id: SPACE,
      relation_type: "login",
      status: "active",
      is_primary: true,
      expires_at: "2099-01-01T00:00:00.000Z",
    },
    space: { id: SPACE, name: "Acme", status: "active" },
  },
  registry: registry(),
  target: {
    resource: {
      id: "invoice_001",
      external_id: "INV-001",
      type: "invoice",
      space_id: SPACE,
      group_id: TARGET.id,
      group_path: TARGET.path,
      owner_member_id: "member_clerk",
      display_name: "Invoice 001",
      visibility: "private",
      status: "active",
      metadata: { amount: 1200, currency: "EUR" },
    },
    group: TARGET,
  },
  candidates: [
    candidate("group", group("group_legal", "corp.emea.legal"), "auditor"),
    candidate("self", null, "clerk"),
    candidate("group_tree", group("group_apac_fin", "corp.apac.finance"), "lead"),
    candidate("group_tree", ANCHOR_DEEP, "reviewer"),
  ],
  now: new Date("2025-06-01T12:00:00.000Z"),
  trace_id: "trace_01JZBENCH",
  audit_log_id: "audit_01JZBENCH",
};

const inline: InlineCheckInput = {
  actor: { user_id: "user_ext", member_id: "member_ext", binding_id: "b_ext", space_id: SPACE },
  resource_type: "invoice",
  action: "approve",
  resource: { external_id: "INV-9001", space_id: SPACE, group_path: TARGET.path },
  grants: [
    { role_key: "auditor", scope: "group", scope_anchor_group_path: "corp.emea.legal" },
    { role_key: "reviewer", scope: "group_tree", scope_anchor_group_path: ANCHOR_DEEP.path },
  ],
  registry: registry(),
  now: new Date("2025-06-01T12:00:00.000Z"),
  trace_id: "trace_inline",
  audit_log_id: "audit_inline",
};

let sink = 0;

function run(name: string, fn: () => number, seconds = 3): void {
  const warmUntil = performance.now() + 500;
  while (performance.now() < warmUntil) for (let i = 0; i < 1000; i++) sink += fn();
  const batch = 10_000;
  let n = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < batch; i++) sink += fn();
    n += batch;
    elapsed = process.hrtime.bigint() - start;
  }
  const ns = Number(elapsed) / n;
  const perSec = 1e9 / ns;
  console.log(
    `${name.padEnd(52)} ${Math.round(perSec).toLocaleString("en-US").padStart(12)} decisions/s ${ns.toFixed(0).padStart(7)} ns/decision  (n=${n.toLocaleString("en-US")})`,
  );
}

const check = decide(ctx);
if (check.decision !== "allow" || check.matched_candidates?.length !== 4)
  throw new Error("bench context must allow");

console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
run("decide (4 candidates, deep group_tree; builds trace)", () => (decide(ctx).decision === "allow" ? 1 : 0));
run("decide + compactExplanation", () => (compactExplanation(decide(ctx)).candidate === null ? 0 : 1));
run("decide + compactExplanation + JSON.stringify(trace)", () => {
  const d = decide(ctx);
  return JSON.stringify(d).length + (compactExplanation(d).candidate === null ? 0 : 1);
});
run("Context Mode: buildInlineContext + decide", () => {
  const built = buildInlineContext(inline);
  return built.ok && decide(built.context).decision === "allow" ? 1 : 0;
});
if (sink === 0) console.log("(sink)");
