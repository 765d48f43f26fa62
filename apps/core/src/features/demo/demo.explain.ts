import type { DB } from "@plystra/db";
import { type ActorRef, type Decision, decide } from "@plystra/engine";
import type { Kysely } from "kysely";
import { newId } from "../../lib/ids.ts";
import { loadDecisionContext } from "../authz/authz.repository.ts";
import { DEMO, demoAlice as alice } from "./demo.seed.ts";

export interface DemoCase {
  title: string;
  actor: ActorRef;
  resourceId: string;
  action: string;
  expected: string;
}

/** The four Finance Reviewer cases of the getting-started guide. */
export const DEMO_CASES: DemoCase[] = [
  {
    title: "Alice approves invoice_001 (finance.apac)",
    actor: alice(DEMO.bindings.alice),
    resourceId: DEMO.invoices.apac,
    action: "approve",
    expected: "allow",
  },
  {
    title: "Alice approves invoice_002 (legal.emea)",
    actor: alice(DEMO.bindings.alice),
    resourceId: DEMO.invoices.emea,
    action: "approve",
    expected: "deny SCOPE_OUT_OF_BOUNDS",
  },
  {
    title: "Bob approves invoice_001 through the same Member",
    actor: { ...alice(DEMO.bindings.bob), user_id: DEMO.users.bob },
    resourceId: DEMO.invoices.apac,
    action: "approve",
    expected: "allow",
  },
  {
    title: "Alice approves invoice_001 through her revoked binding",
    actor: alice(DEMO.bindings.aliceRevoked),
    resourceId: DEMO.invoices.apac,
    action: "approve",
    expected: "deny USER_MEMBER_REVOKED",
  },
];

/** Runs the engine on a context loaded from the database. Nothing is audited: this only explains. */
export async function explainCase(db: Kysely<DB>, c: DemoCase, now = new Date()): Promise<Decision> {
  const loaded = await loadDecisionContext(db, {
    userId: c.actor.user_id,
    memberId: c.actor.member_id,
    userMemberId: c.actor.user_member_id,
    spaceId: c.actor.space_id,
    resourceType: "invoice",
    resourceId: c.resourceId,
    action: c.action,
    loadTarget: true,
    loadCandidates: true,
    groupIds: [],
  });
  return decide({
    request: { actor: c.actor, resource_type: "invoice", resource_id: c.resourceId, action: c.action },
    actor: loaded.actor,
    registry: loaded.registry,
    target: loaded.target,
    candidates: loaded.candidates,
    now,
    trace_id: newId("trace"),
    audit_log_id: newId("audit"),
  });
}

/** Human-readable rendering of a decision: outcome, reason, target and every candidate's scope check. */
export function formatDecision(n: number, c: DemoCase, d: Decision): string {
  const lines: string[] = [];
  const outcome = d.decision === "allow" ? "ALLOW" : `DENY ${d.deny_code}`;
  lines.push(`Case ${n}: ${c.title}`);
  lines.push(
    `  actor     ${c.actor.user_id} via ${c.actor.user_member_id} as ${c.actor.member_id} in ${c.actor.space_id}`,
  );
  const target = d.target.resource;
  lines.push(
    `  request   ${c.action} invoice/${c.resourceId}` +
      (target ? ` (group ${target.group_path ?? d.target.group?.path ?? "none"})` : " (not found)"),
  );
  lines.push(`  decision  ${outcome}   (expected: ${c.expected})`);
  lines.push(`  reason    ${d.reason}`);
  const cands = d.matched_candidates ?? [];
  if (cands.length === 0) lines.push("  candidates: none");
  else lines.push("  candidates:");
  for (const m of cands) {
    const p = m.permission;
    lines.push(
      `    - role ${m.role.key}: ${p.resource}:${p.action}:${p.scope}, anchor ${m.scope_anchor?.path ?? "none"}`,
    );
    const sc = m.scope_check;
    lines.push(`      ${sc.covered ? "covered" : `not covered (${sc.deny_code})`}: ${sc.reason}`);
    lines.push(`      rule: ${sc.rule}`);
  }
  return lines.join("\n");
}
