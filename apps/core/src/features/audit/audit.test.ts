import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminToken, insertApiKey, superAdminToken } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { seedDemo } from "../demo/demo.seed.ts";
import { verifyAuditChain } from "./audit.repository.ts";

const ALICE = {
  user_id: "user_alice",
  member_id: "member_finance_reviewer",
  user_member_id: "um_alice_finance_reviewer",
  space_id: "space_acme",
};
const BOB = { ...ALICE, user_id: "user_bob", user_member_id: "um_bob_finance_reviewer" };

let t: TestApp;
let key: string;
let root: string;

const check = (resourceId: string, actor: object = ALICE, headers: Record<string, string> = {}) =>
  t.request("POST", "/api/v1/authz/check", {
    body: { actor, resource_type: "invoice", resource_id: resourceId, action: "approve" },
    apiKey: key,
    headers,
  });
const logs = (query: string, token = root) => t.request("GET", `/api/v1/audit/logs${query}`, { token });

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.deps.db);
  key = await insertApiKey(t, { level: "instance", permissionKeys: ["authz:check"] });
  root = await superAdminToken(t);
  await t.deps.db.insertInto("spaces").values({ id: "space_other", name: "Other", metadata: "{}" }).execute();
});

afterAll(async () => {
  await t.close();
});

describe("audit log API", () => {
  let allowId: string;
  let denyId: string;

  it("AU-1/AU-7 allow and deny are both logged with the request id", async () => {
    const a = await check("invoice_001", ALICE, { "x-request-id": "req_au7_allow" });
    const d = await check("invoice_002", BOB, { "x-request-id": "req_au7_deny" });
    allowId = a.body.data.audit_log_id;
    denyId = d.body.data.audit_log_id;
    expect(a.headers.get("x-request-id")).toBe("req_au7_allow");
    const detail = await t.request("GET", `/api/v1/audit/logs/${allowId}`, { token: root });
    expect(detail.status).toBe(200);
    expect(detail.body.data).toMatchObject({
      id: allowId,
      decision: "allow",
      request_id: "req_au7_allow",
      action: "invoice.approve",
      space_id: "space_acme",
    });
    const deny = await t.request("GET", `/api/v1/audit/logs/${denyId}`, { token: root });
    expect(deny.body.data).toMatchObject({ decision: "deny", deny_code: "SCOPE_OUT_OF_BOUNDS" });
  });

  it("AU-3/AU-6 the stored trace holds snapshots, candidates and the deny code", async () => {
    const res = await t.request("GET", `/api/v1/audit/logs/${denyId}`, { token: root });
    const tr = res.body.data.trace;
    expect(tr.trace_version).toBe("1.0");
    expect(tr.decision).toBe("deny");
    expect(tr.deny_code).toBe("SCOPE_OUT_OF_BOUNDS");
    expect(tr.actor.user).toMatchObject({ id: "user_bob", email: "bob@example.com", status: "active" });
    expect(tr.actor.member.display_name).toBe("Finance Reviewer");
    expect(tr.actor.user_member).toMatchObject({ id: "um_bob_finance_reviewer", relation_type: "login" });
    expect(tr.space).toMatchObject({ id: "space_acme", name: "Acme" });
    expect(tr.target.resource).toMatchObject({ id: "invoice_002", group_path: "legal.emea" });
    expect(tr.target.group).toMatchObject({ path: "legal.emea" });
    const c = tr.matched_candidates[0];
    expect(c.role.key).toBe("finance_approver");
    expect(c.permission).toMatchObject({ resource: "invoice", action: "approve", scope: "group_tree" });
    expect(c.scope_anchor.path).toBe("finance");
    expect(c.scope_check).toMatchObject({ covered: false, deny_code: "SCOPE_OUT_OF_BOUNDS" });
    expect(typeof tr.reason).toBe("string");
    expect(tr.resource_registry.action.key).toBe("approve");
  });

  it("AU-5/RR-4 traces stay readable after live data changes", async () => {
    await t.deps.db
      .updateTable("members")
      .set({ display_name: "Renamed" })
      .where("id", "=", ALICE.member_id)
      .execute();
    await t.deps.db
      .updateTable("resource_actions")
      .set({ display_name: "Changed" })
      .where("id", "=", "ra_invoice_approve")
      .execute();
    const res = await t.request("GET", `/api/v1/audit/logs/${denyId}`, { token: root });
    expect(res.body.data.trace.actor.member.display_name).toBe("Finance Reviewer");
    expect(res.body.data.trace.resource_registry.action.display_name).toBe("Approve invoice");
    await t.deps.db
      .updateTable("members")
      .set({ display_name: "Finance Reviewer" })
      .where("id", "=", ALICE.member_id)
      .execute();
  });

  it("AU-2 every filter narrows the list", async () => {
    await check("invoice_001", BOB, { "x-request-id": "req_au2_bob" });
    const cases: Array<[string, (r: any) => boolean]> = [
      ["?decision=deny", (r) => r.decision === "deny"],
      ["?deny_code=SCOPE_OUT_OF_BOUNDS", (r) => r.deny_code === "SCOPE_OUT_OF_BOUNDS"],
      ["?actor_user_id=user_bob", (r) => r.actor_user_id === "user_bob"],
      ["?actor_member_id=member_finance_reviewer", (r) => r.actor_member_id === "member_finance_reviewer"],
      [
        "?actor_user_member_id=um_bob_finance_reviewer",
        (r) => r.actor_user_member_id === "um_bob_finance_reviewer",
      ],
      ["?resource_type=invoice", (r) => r.resource_type === "invoice"],
      ["?resource_id=invoice_002", (r) => r.resource_id === "invoice_002"],
      ["?request_id=req_au2_bob", (r) => r.request_id === "req_au2_bob"],
      ["?space_id=space_acme", (r) => r.space_id === "space_acme"],
    ];
    for (const [q, pred] of cases) {
      const res = await logs(q);
      expect(res.status, q).toBe(200);
      expect(res.body.data.length, q).toBeGreaterThan(0);
      expect(res.body.data.every(pred), q).toBe(true);
      expect(res.body.data[0].trace, "lists omit the trace").toBeUndefined();
    }
    expect((await logs("?request_id=req_au2_bob")).body.data).toHaveLength(1);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await logs(`?created_at_from=${future}`)).body.data).toHaveLength(0);
    const past = new Date(Date.now() - 86_400_000).toISOString();
    expect((await logs(`?created_at_from=${past}&created_at_to=${future}`)).body.data.length).toBeGreaterThan(
      2,
    );
    expect((await logs(`?created_at_to=${past}`)).body.data).toHaveLength(0);
  });

  it("bad filters are a 400 naming the field", async () => {
    for (const [q, field] of [
      ["?created_at_from=yesterday", "created_at_from"],
      ["?created_at_to=2025-13-01", "created_at_to"],
      ["?decision=maybe", "decision"],
      ["?deny_code=NOPE", "deny_code"],
      ["?limit=0", "limit"],
      ["?cursor=garbage", "cursor"],
    ]) {
      const res = await logs(q);
      expect(res.status, q).toBe(400);
      expect(res.body.error.message, q).toContain(field);
    }
  });

  it("keyset pagination walks newest first without overlap", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await logs(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.body.pagination.limit).toBe(2);
      seen.push(...res.body.data.map((r: any) => r.id));
      const seqs = res.body.data.map((r: any) => r.seq);
      expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
      cursor = res.body.pagination.has_more ? res.body.pagination.cursor : null;
      pages++;
    } while (cursor && pages < 50);
    const all = await logs("?limit=200");
    expect(seen).toEqual(all.body.data.map((r: any) => r.id));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("404 for an unknown id; the Space-scoped pair only sees its Space", async () => {
    const missing = await t.request("GET", "/api/v1/audit/logs/audit_nope", { token: root });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("AUDIT_LOG_NOT_FOUND");
    const list = await t.request("GET", "/api/v1/spaces/space_acme/audit-logs?decision=deny", {
      token: root,
    });
    expect(list.body.data.every((r: any) => r.space_id === "space_acme" && r.decision === "deny")).toBe(true);
    const one = await t.request("GET", `/api/v1/spaces/space_acme/audit-logs/${allowId}`, { token: root });
    expect(one.body.data.trace.trace_version).toBe("1.0");
    const wrong = await t.request("GET", `/api/v1/spaces/space_other/audit-logs/${allowId}`, { token: root });
    expect(wrong.status).toBe(404);
    const noSpace = await t.request("GET", "/api/v1/spaces/space_nope/audit-logs", { token: root });
    expect(noSpace.status).toBe(404);
  });

  it("visibility: scoped credentials see only their Space; unscoped rows need instance reach", async () => {
    // An instance-level mutation row (no Space).
    await t.deps.db
      .insertInto("audit_logs")
      .values({
        id: "audit_instance_row",
        space_id: null,
        actor_user_id: "user_root",
        action: "resource_type.upserted",
        resource_type: "resource_type",
        resource_id: "rt_x",
        decision: "allow",
        trace: "{}",
      })
      .execute();
    await t.deps.db
      .insertInto("audit_logs")
      .values({
        id: "audit_other_space_row",
        space_id: "space_other",
        actor_user_id: "user_root",
        action: "space.updated",
        resource_type: "space",
        resource_id: "space_other",
        decision: "allow",
        trace: "{}",
      })
      .execute();
    const spaceKey = await insertApiKey(t, {
      level: "space",
      spaceId: "space_acme",
      permissionKeys: ["audit:read"],
    });
    const res = await t.request("GET", "/api/v1/audit/logs?limit=200", { apiKey: spaceKey });
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeGreaterThan(0);
    expect(res.body.data.every((r: any) => r.space_id === "space_acme")).toBe(true);
    expect(
      (await t.request("GET", "/api/v1/audit/logs?space_id=space_other", { apiKey: spaceKey })).status,
    ).toBe(403);
    expect(
      (await t.request("GET", "/api/v1/audit/logs/audit_instance_row", { apiKey: spaceKey })).status,
    ).toBe(403);
    expect(
      (await t.request("GET", "/api/v1/audit/logs/audit_other_space_row", { apiKey: spaceKey })).status,
    ).toBe(403);
    expect((await t.request("GET", `/api/v1/audit/logs/${allowId}`, { apiKey: spaceKey })).status).toBe(200);
    const admin = await adminToken(t, "user_space_admin", "space_admin", "audit:read", {
      spaceId: "space_other",
    });
    const own = await t.request("GET", "/api/v1/audit/logs?limit=200", { token: admin });
    expect(own.body.data.map((r: any) => r.id)).toEqual(["audit_other_space_row"]);
    const all = await logs("?limit=200");
    expect(all.body.data.some((r: any) => r.id === "audit_instance_row")).toBe(true);
    const none = await insertApiKey(t, {
      level: "space",
      spaceId: "space_acme",
      permissionKeys: ["authz:check"],
    });
    expect((await t.request("GET", "/api/v1/audit/logs", { apiKey: none })).status).toBe(403);
  });

  it("AU-4 no route changes audit rows and the database refuses UPDATE/DELETE/TRUNCATE", async () => {
    for (const method of ["PATCH", "PUT", "DELETE"]) {
      const res = await t.request(method, `/api/v1/audit/logs/${allowId}`, { token: root });
      expect(res.status).toBe(405);
    }
    await expect(
      t.deps.db.updateTable("audit_logs").set({ decision: "allow" }).where("id", "=", denyId).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(t.deps.db.deleteFrom("audit_logs").where("id", "=", denyId).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`TRUNCATE audit_logs`.execute(t.deps.db)).rejects.toThrow(/append-only/);
    const row = await t.deps.db
      .selectFrom("audit_logs")
      .select("decision")
      .where("id", "=", denyId)
      .executeTakeFirstOrThrow();
    expect(row.decision).toBe("deny");
  });

  it("50 concurrent checks each get their own audit row and the chain verifies", async () => {
    const before = await t.deps.db
      .selectFrom("audit_logs")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => check(i % 2 ? "invoice_001" : "invoice_002", i % 3 ? ALICE : BOB)),
    );
    const ids = results.map((r) => r.body.data.audit_log_id);
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(new Set(ids).size).toBe(50);
    const rows = await t.deps.db.selectFrom("audit_logs").select("id").where("id", "in", ids).execute();
    expect(rows).toHaveLength(50);
    const after = await t.deps.db
      .selectFrom("audit_logs")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(50);
    const verdict = await verifyAuditChain(t.deps.db);
    expect(verdict).toMatchObject({ ok: true, broken: null });
    expect(verdict.rows).toBe(Number(after.n));
  });
});

describe("tamper detection", () => {
  it("a row altered with the trigger disabled is reported at its seq", async () => {
    const t2 = await createTestApp();
    try {
      await seedDemo(t2.deps.db);
      const k = await insertApiKey(t2, { level: "instance", permissionKeys: ["authz:check"] });
      for (let i = 0; i < 5; i++) {
        await t2.request("POST", "/api/v1/authz/check", {
          body: { actor: ALICE, resource_type: "invoice", resource_id: "invoice_002", action: "approve" },
          apiKey: k,
        });
      }
      expect((await verifyAuditChain(t2.deps.db)).ok).toBe(true);
      const target = await t2.deps.db
        .selectFrom("audit_logs")
        .select(["id", "seq"])
        .where("seq", "=", 3 as never)
        .executeTakeFirstOrThrow();
      await sql`ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_no_update`.execute(t2.deps.db);
      await sql`UPDATE audit_logs SET decision = 'allow', deny_code = NULL WHERE seq = 3`.execute(t2.deps.db);
      await sql`ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_no_update`.execute(t2.deps.db);
      const verdict = await verifyAuditChain(t2.deps.db);
      expect(verdict.ok).toBe(false);
      expect(verdict.broken).toMatchObject({ seq: 3, id: target.id });
      expect(verdict.rows).toBe(2);
    } finally {
      await t2.close();
    }
  });
});
