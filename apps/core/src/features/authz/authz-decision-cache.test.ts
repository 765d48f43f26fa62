// The decision-context cache (decision-cache.ts) decides checks from per-process memory and lets
// the audit flush confirm the decision versions (migration 007) before anyone is answered. These
// tests pin what must never change because of it: a revoke, disable or expiry made anywhere (another
// instance's API, plain SQL) is denied on every instance on the very next check; a re-decided check
// gets exactly one audit row, holding the fresh decision the caller was answered with; the chain
// verifies; and every table the check reads moves a version the cached data recorded.
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { demoOnTwoInstances } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { verifyAuditChain } from "../audit/audit.repository.ts";
import { DEMO, demoAlice } from "../demo/demo.seed.ts";
import { getDecisionCache } from "./decision-cache.ts";

const ALICE = demoAlice();
const APPROVE = {
  actor: ALICE,
  resource_type: "invoice",
  resource_id: DEMO.invoices.apac,
  action: "approve",
};

/** A manages (and checks); B is a second Core process on the same database that caches too. */
let a: TestApp;
let b: TestApp;
let root: string;
let apiKey: string;

beforeAll(async () => {
  ({ a, b, root } = await demoOnTwoInstances());
  const res = await a.request("POST", "/api/v1/api-keys", {
    token: root,
    body: { name: "cache-test", level: "instance", permission_keys: ["authz:check"] },
  });
  expect(res.status).toBe(201);
  apiKey = res.body.data.api_key;
});

afterAll(async () => {
  await b?.close();
  await a?.close();
});

const check = (t: TestApp, body: unknown = APPROVE) =>
  t.request("POST", "/api/v1/authz/check", { body, apiKey });

async function cacheCount(t: TestApp, result: "hit" | "miss" | "stale"): Promise<number> {
  const m = await t.deps.metrics.authzContextCache.get();
  return m.values.find((v) => v.labels.result === result)?.value ?? 0;
}

async function auditRow(id: string) {
  return a.deps.db
    .selectFrom("audit_logs")
    .select(["decision", "deny_code", "trace"])
    .where("id", "=", id)
    .executeTakeFirst();
}

async function decisionRowCount(): Promise<number> {
  const r = await a.deps.db
    .selectFrom("audit_logs")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("resource_type", "=", "invoice")
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Checks on `t` until one is answered from its cache: the first fills it; a key seen for the first
 * time is looked up in full and its liveness is cached by the next check's statement.
 */
async function warm(t: TestApp, body: unknown = APPROVE) {
  const hits = await cacheCount(t, "hit");
  for (let i = 0; i < 3; i++) {
    const res = await check(t, body);
    if ((await cacheCount(t, "hit")) > hits) return res;
  }
  throw new Error("no cache hit after three checks");
}

async function version(scope: string): Promise<number> {
  const r = await sql<{
    version: string;
  }>`SELECT version FROM decision_versions WHERE scope = ${scope}`.execute(a.deps.db);
  return Number(r.rows[0]?.version ?? 0);
}

beforeEach(() => {
  getDecisionCache(a.deps).clear();
  getDecisionCache(b.deps).clear();
});

describe("decision-context cache", () => {
  it("answers a repeated check from the cache, one confirmed audit row per decision", async () => {
    const before = await decisionRowCount();
    const first = await check(b);
    expect(first.status).toBe(200);
    expect(first.body.data.allow).toBe(true);
    const res = await warm(b);
    expect(res.body.data.allow).toBe(true);
    expect(await decisionRowCount()).toBe(before + 3);
    const row = await auditRow(res.body.data.audit_log_id);
    expect(row?.decision).toBe("allow");
  });

  it("a role binding revoked through instance A's API denies on instance B's very next check", async () => {
    await warm(b);
    await warm(a);
    const stale = await cacheCount(b, "stale");
    const rows = await decisionRowCount();
    const revoked = await a.request(
      "POST",
      `/api/v1/spaces/${DEMO.space}/member-roles/${DEMO.memberRole}/revoke`,
      { token: root, body: {} },
    );
    expect(revoked.status).toBe(200);
    try {
      for (const t of [b, a]) {
        const res = await check(t);
        expect(res.status).toBe(200);
        expect(res.body.data.allow).toBe(false);
        expect(res.body.data.deny_code).toBe("NO_MATCHING_PERMISSION");
        // The answer's audit row holds the same fresh decision; the cached one was never written.
        const row = await auditRow(res.body.data.audit_log_id);
        expect(row?.decision).toBe("deny");
        expect(row?.deny_code).toBe("NO_MATCHING_PERMISSION");
      }
      expect(await cacheCount(b, "stale")).toBe(stale + 1);
      expect(await decisionRowCount()).toBe(rows + 2);
    } finally {
      await sql`UPDATE member_roles SET status = 'active', revoked_at = NULL WHERE id = ${DEMO.memberRole}`.execute(
        a.deps.db,
      );
    }
    expect((await check(b)).body.data.allow).toBe(true);
  });

  it("an API key revoked on instance A is refused (401, no audit row) by B's next check decided from cache", async () => {
    const created = await a.request("POST", "/api/v1/api-keys", {
      token: root,
      body: { name: "cache-revoke", level: "instance", permission_keys: ["authz:check"] },
    });
    const k = created.body.data as { id: string; api_key: string };
    const hits = await cacheCount(b, "hit");
    for (let i = 0; i < 3; i++)
      await b.request("POST", "/api/v1/authz/check", { body: APPROVE, apiKey: k.api_key });
    expect(await cacheCount(b, "hit")).toBeGreaterThan(hits);
    const rows = await decisionRowCount();
    const revoked = await a.request("POST", `/api/v1/api-keys/${k.id}/revoke`, { token: root, body: {} });
    expect(revoked.status).toBe(200);
    const res = await b.request("POST", "/api/v1/authz/check", { body: APPROVE, apiKey: k.api_key });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("AUTHENTICATION_REQUIRED");
    expect(await decisionRowCount()).toBe(rows);
  });

  it("a member disabled with plain SQL (no Core involved) denies on the next check of both instances", async () => {
    await warm(a);
    await warm(b);
    await sql`UPDATE members SET status = 'disabled' WHERE id = ${DEMO.members.reviewer}`.execute(a.deps.db);
    try {
      for (const t of [a, b]) {
        const res = await check(t);
        expect(res.body.data.allow).toBe(false);
        expect(res.body.data.deny_code).toBe("ACTOR_MEMBER_INACTIVE");
        expect((await auditRow(res.body.data.audit_log_id))?.deny_code).toBe("ACTOR_MEMBER_INACTIVE");
      }
    } finally {
      await sql`UPDATE members SET status = 'active' WHERE id = ${DEMO.members.reviewer}`.execute(a.deps.db);
    }
    expect((await check(a)).body.data.allow).toBe(true);
  });

  it("a user disabled elsewhere denies at once (instance-wide scope u:<id>)", async () => {
    await warm(b);
    await sql`UPDATE users SET status = 'disabled' WHERE id = ${DEMO.users.alice}`.execute(a.deps.db);
    try {
      const res = await check(b);
      expect(res.body.data.allow).toBe(false);
      expect(res.body.data.deny_code).toBe("ACTOR_USER_INACTIVE");
    } finally {
      await sql`UPDATE users SET status = 'active' WHERE id = ${DEMO.users.alice}`.execute(a.deps.db);
    }
  });

  it("expiry is judged at decision time: a cached binding denies once its expires_at passes, with no write", async () => {
    const at = new Date(b.clock.now.getTime() + 60 * 60_000);
    await sql`UPDATE user_members SET expires_at = ${at} WHERE id = ${DEMO.bindings.alice}`.execute(
      a.deps.db,
    );
    try {
      await warm(b);
      const hits = await cacheCount(b, "hit");
      b.clock.advance(2 * 60 * 60_000);
      const res = await check(b);
      expect(res.body.data.allow).toBe(false);
      expect(res.body.data.deny_code).toBe("USER_MEMBER_EXPIRED");
      // Decided from the cache (nothing changed in the database) and confirmed as such.
      expect(await cacheCount(b, "hit")).toBe(hits + 1);
      expect((await auditRow(res.body.data.audit_log_id))?.deny_code).toBe("USER_MEMBER_EXPIRED");
    } finally {
      b.clock.advance(-2 * 60 * 60_000);
      await sql`UPDATE user_members SET expires_at = NULL WHERE id = ${DEMO.bindings.alice}`.execute(
        a.deps.db,
      );
    }
  });

  it("a resource moved out of the grant's subtree is decided on its new group", async () => {
    await warm(b);
    await sql`UPDATE resources SET group_id = ${DEMO.groups.legal} WHERE id = ${DEMO.invoices.apac}`.execute(
      a.deps.db,
    );
    try {
      const res = await check(b);
      expect(res.body.data.allow).toBe(false);
      expect(res.body.data.deny_code).toBe("SCOPE_OUT_OF_BOUNDS");
    } finally {
      await sql`UPDATE resources SET group_id = ${DEMO.groups.financeApac} WHERE id = ${DEMO.invoices.apac}`.execute(
        a.deps.db,
      );
    }
    expect((await check(b)).body.data.allow).toBe(true);
  });

  it("concurrent checks racing a revoke: every answer matches its audit row, one row each", async () => {
    await warm(b);
    const rows = await decisionRowCount();
    const inflight = Array.from({ length: 20 }, () => check(b));
    await sql`UPDATE member_roles SET status = 'revoked' WHERE id = ${DEMO.memberRole}`.execute(a.deps.db);
    const after = await check(b);
    const answers = [...(await Promise.all(inflight)), after];
    try {
      expect(after.body.data.allow).toBe(false);
      for (const res of answers) {
        expect(res.status).toBe(200);
        const row = await auditRow(res.body.data.audit_log_id);
        expect(row?.decision).toBe(res.body.data.decision);
      }
      expect(await decisionRowCount()).toBe(rows + answers.length);
    } finally {
      await sql`UPDATE member_roles SET status = 'active' WHERE id = ${DEMO.memberRole}`.execute(a.deps.db);
    }
    const verdict = await verifyAuditChain(a.deps.db);
    expect(verdict.ok).toBe(true);
  });

  it("every table the check reads moves a version its cached data recorded", async () => {
    // [write, scope it must move]
    const writes: Array<[string, ReturnType<typeof sql>, string]> = [
      ["spaces", sql`UPDATE spaces SET name = name WHERE id = ${DEMO.space}`, DEMO.space],
      ["members", sql`UPDATE members SET status = status WHERE id = ${DEMO.members.reviewer}`, DEMO.space],
      [
        "user_members",
        sql`UPDATE user_members SET status = status WHERE id = ${DEMO.bindings.alice}`,
        DEMO.space,
      ],
      ["roles", sql`UPDATE roles SET status = status WHERE id = ${DEMO.role}`, DEMO.space],
      [
        "role_permissions",
        sql`UPDATE role_permissions SET status = status WHERE role_id = ${DEMO.role}`,
        DEMO.space,
      ],
      [
        "member_roles",
        sql`UPDATE member_roles SET status = status WHERE id = ${DEMO.memberRole}`,
        DEMO.space,
      ],
      ["groups", sql`UPDATE groups SET status = status WHERE id = ${DEMO.groups.finance}`, DEMO.space],
      ["resources", sql`UPDATE resources SET status = status WHERE id = ${DEMO.invoices.apac}`, DEMO.space],
      ["permissions", sql`UPDATE permissions SET status = status WHERE resource = 'invoice'`, "*"],
      ["resource_types", sql`UPDATE resource_types SET status = status WHERE key = 'invoice'`, "*"],
      ["resource_actions", sql`UPDATE resource_actions SET risk_level = risk_level`, "*"],
      ["resource_mappings", sql`UPDATE resource_mappings SET status = status`, "*"],
      ["users", sql`UPDATE users SET email = email || '.x' WHERE id = ${DEMO.users.alice}`, "u:user_alice"],
      ["users", sql`UPDATE users SET email = left(email, -2) WHERE id = ${DEMO.users.alice}`, "u:user_alice"],
    ];
    const res = await check(b);
    const trace = (await auditRow(res.body.data.audit_log_id))?.trace as Record<string, unknown>;
    expect(trace).toBeTruthy();
    for (const [table, write, scope] of writes) {
      const before = await version(scope);
      await write.execute(a.deps.db);
      expect(await version(scope), `${table} moves ${scope}`).toBeGreaterThan(before);
    }
    // Bookkeeping columns do not throw a user's or key's cached decisions away.
    const user = await version("u:user_alice");
    await sql`UPDATE users SET last_login_at = now() WHERE id = ${DEMO.users.alice}`.execute(a.deps.db);
    expect(await version("u:user_alice")).toBe(user);
  });

  it("versions never move back (a reset could confirm a stale cached decision)", async () => {
    await check(b); // at least one version row exists
    await expect(sql`UPDATE decision_versions SET version = 0`.execute(a.deps.db)).rejects.toThrow(
      /only grow/,
    );
    await expect(sql`DELETE FROM decision_versions`.execute(a.deps.db)).rejects.toThrow(/only grow/);
    await expect(sql`TRUNCATE decision_versions`.execute(a.deps.db)).rejects.toThrow(/only grow/);
  });

  it("is off with AUTHZ_CONTEXT_CACHE_ENTRIES=0", async () => {
    const off = await createTestApp({ database: a.db, env: { AUTHZ_CONTEXT_CACHE_ENTRIES: "0" } });
    try {
      for (let i = 0; i < 3; i++) expect((await check(off)).body.data.allow).toBe(true);
      expect(await cacheCount(off, "hit")).toBe(0);
      expect(await cacheCount(off, "miss")).toBe(0);
    } finally {
      await off.close();
    }
  });
});
