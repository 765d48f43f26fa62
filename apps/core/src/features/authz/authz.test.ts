import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertApiKey, insertGrant, insertSession, insertUser } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { DEMO, seedDemo } from "../demo/demo.seed.ts";

const ALICE = {
  user_id: "user_alice",
  member_id: "member_finance_reviewer",
  user_member_id: "um_alice_finance_reviewer",
  space_id: "space_acme",
};
const BOB = { ...ALICE, user_id: "user_bob", user_member_id: "um_bob_finance_reviewer" };
const ALICE_REVOKED = { ...ALICE, user_member_id: "um_alice_finance_reviewer_revoked" };

let t: TestApp;
let key: string;

const check = (
  body: unknown,
  opts: { apiKey?: string; token?: string; headers?: Record<string, string> } = {},
) =>
  t.request("POST", "/api/v1/authz/check", {
    body,
    apiKey: opts.token ? undefined : (opts.apiKey ?? key),
    ...opts,
  });
const explain = (body: unknown, apiKey = key) => t.request("POST", "/api/v1/authz/explain", { body, apiKey });
const invoice = (id: string, action = "approve", actor: object = ALICE) => ({
  actor,
  resource_type: "invoice",
  resource_id: id,
  action,
});

async function auditCount(): Promise<number> {
  const r = await t.deps.db
    .selectFrom("audit_logs")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function auditRow(id: string) {
  return t.deps.db.selectFrom("audit_logs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

const db = () => t.deps.db;

async function addResource(id: string, groupId: string | null, extra: Record<string, unknown> = {}) {
  await db()
    .insertInto("resources")
    .values({
      id,
      resource_type: "invoice",
      space_id: "space_acme",
      group_id: groupId,
      owner_member_id: DEMO.members.creator,
      metadata: "{}",
      ...extra,
    } as never)
    .execute();
}

async function addGroup(id: string, path: string, spaceId = "space_acme") {
  await db()
    .insertInto("groups")
    .values({ id, space_id: spaceId, name: path, path, metadata: "{}" })
    .execute();
}

/** A role with one permission, granted to a member (optionally anchored). */
async function grant(
  name: string,
  perm: { action: string; scope: string },
  memberId: string = DEMO.members.reviewer,
  anchor: string | null = null,
  spaceId = "space_acme",
) {
  const permId = `perm_${name}`;
  const existing = await db()
    .selectFrom("permissions")
    .select("id")
    .where("resource", "=", "invoice")
    .where("action", "=", perm.action)
    .where("scope", "=", perm.scope)
    .executeTakeFirst();
  const pid = existing?.id ?? permId;
  if (!existing) {
    await db()
      .insertInto("permissions")
      .values({ id: permId, resource: "invoice", ...perm, metadata: "{}" })
      .execute();
  }
  await db()
    .insertInto("roles")
    .values({ id: `role_${name}`, space_id: spaceId, key: name, name, metadata: "{}" })
    .execute();
  await db()
    .insertInto("role_permissions")
    .values({
      id: `rp_${name}`,
      role_id: `role_${name}`,
      permission_id: pid,
      space_id: spaceId,
      metadata: "{}",
    })
    .execute();
  await db()
    .insertInto("member_roles")
    .values({
      id: `mr_${name}`,
      member_id: memberId,
      role_id: `role_${name}`,
      space_id: spaceId,
      scope_anchor_group_id: anchor,
      metadata: "{}",
    })
    .execute();
}

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.deps.db);
  key = await insertApiKey(t, { level: "instance", permissionKeys: ["authz:check"] });
});

afterAll(async () => {
  await t.close();
});

describe("demo cases (AZ-1..AZ-4, AZ-25)", () => {
  it("AZ-1 alice may approve invoice_001 (group_tree from finance)", async () => {
    const res = await check(invoice("invoice_001"));
    expect(res.status).toBe(200);
    const d = res.body.data;
    expect(d).toMatchObject({ allow: true, decision: "allow", deny_code: null });
    expect(d.reason).toBe("at least one matching permission grant covers the target resource");
    expect(d.trace_id).toMatch(/^trace_/);
    expect(d.audit_log_id).toMatch(/^audit_/);
    expect(res.headers.get("x-plystra-trace-id")).toBe(d.trace_id);
    expect(res.headers.get("x-plystra-audit-log-id")).toBe(d.audit_log_id);
    expect(d.audit).toMatchObject({
      audit_log_id: d.audit_log_id,
      actor_user_id: "user_alice",
      action: "invoice.approve",
      decision: "allow",
    });
    expect(d.explanation).toEqual({
      actor: ALICE,
      resource: { type: "invoice", id: "invoice_001", group_path: "finance.apac" },
      candidate: {
        role_key: "finance_approver",
        permission: { resource: "invoice", action: "approve", scope: "group_tree" },
        anchor_path: "finance",
        scope_check: expect.objectContaining({ covered: true }),
      },
    });
    expect(d.trace).toBeUndefined();
    const row = await auditRow(d.audit_log_id);
    expect(row).toMatchObject({
      decision: "allow",
      deny_code: null,
      action: "invoice.approve",
      resource_id: "invoice_001",
    });
    expect(row.actor_api_key_id).toMatch(/^ak_/);
  });

  it("AZ-2/AZ-25 alice may not approve invoice_002 (legal.emea): a 200 deny", async () => {
    const res = await check(invoice("invoice_002"));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ allow: false, decision: "deny", deny_code: "SCOPE_OUT_OF_BOUNDS" });
    expect(res.body.data.explanation.candidate.scope_check.covered).toBe(false);
    const row = await auditRow(res.body.data.audit_log_id);
    expect(row).toMatchObject({ decision: "deny", deny_code: "SCOPE_OUT_OF_BOUNDS" });
  });

  it("AZ-3 bob via the same member is allowed and audited as bob", async () => {
    const res = await check(invoice("invoice_001", "approve", BOB));
    expect(res.body.data.decision).toBe("allow");
    const row = await auditRow(res.body.data.audit_log_id);
    expect(row).toMatchObject({
      actor_user_id: "user_bob",
      actor_member_id: "member_finance_reviewer",
      actor_user_member_id: "um_bob_finance_reviewer",
    });
    expect((row.trace as any).actor.user.id).toBe("user_bob");
  });

  it("AZ-4 the revoked binding denies USER_MEMBER_REVOKED", async () => {
    const res = await check(invoice("invoice_001", "approve", ALICE_REVOKED));
    expect(res.body.data).toMatchObject({ decision: "deny", deny_code: "USER_MEMBER_REVOKED" });
  });

  it("AZ-18 explain returns the full decision for every demo case", async () => {
    const cases: Array<[object, string, string | null]> = [
      [ALICE, "invoice_001", null],
      [ALICE, "invoice_002", "SCOPE_OUT_OF_BOUNDS"],
      [BOB, "invoice_001", null],
      [ALICE_REVOKED, "invoice_001", "USER_MEMBER_REVOKED"],
    ];
    for (const [actor, id, code] of cases) {
      const res = await explain(invoice(id, "approve", actor));
      expect(res.status).toBe(200);
      const d = res.body.data;
      expect(d.trace_version).toBe("1.0");
      expect(d.deny_code).toBe(code);
      expect(d.actor.user.id).toBe((actor as typeof ALICE).user_id);
      expect(d.actor.member).toMatchObject({
        id: "member_finance_reviewer",
        display_name: "Finance Reviewer",
      });
      expect(d.actor.user_member.id).toBe((actor as typeof ALICE).user_member_id);
      expect(d.space).toEqual({ id: "space_acme", name: "Acme", status: "active" });
      expect(d.target.resource).toMatchObject({ id, type: "invoice", space_id: "space_acme" });
      expect(d.resource_registry.resource_type.key).toBe("invoice");
      expect(d.matched_candidates.length).toBeGreaterThan(0);
      expect(d.matched_candidates[0].scope_check).toHaveProperty("covered");
      expect(typeof d.reason).toBe("string");
      expect(d.audit.audit_log_id).toBe(res.headers.get("x-plystra-audit-log-id"));
      const row = await auditRow(d.audit.audit_log_id);
      expect((row.trace as any).trace_id).toBe(d.trace_id);
    }
  });

  it("check with explain:true carries the trace; one audit row per decision", async () => {
    const before = await auditCount();
    const res = await check({ ...invoice("invoice_001"), explain: true });
    expect(res.body.data.trace.trace_id).toBe(res.body.data.trace_id);
    expect(res.body.data.trace.matched_candidates[0].role.key).toBe("finance_approver");
    await explain(invoice("invoice_002"));
    expect(await auditCount()).toBe(before + 2);
  });
});

describe("actor state, registry and target (AZ-5, AZ-6, AZ-16, fail-closed)", () => {
  it("AZ-5 an expired binding denies USER_MEMBER_EXPIRED", async () => {
    await db()
      .updateTable("user_members")
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where("id", "=", "um_bob_finance_reviewer")
      .execute();
    const res = await check(invoice("invoice_001", "approve", BOB));
    expect(res.body.data.deny_code).toBe("USER_MEMBER_EXPIRED");
    await db()
      .updateTable("user_members")
      .set({ expires_at: null })
      .where("id", "=", "um_bob_finance_reviewer")
      .execute();
    expect((await check(invoice("invoice_001", "approve", BOB))).body.data.decision).toBe("allow");
  });

  it("AZ-6 inactive user, member and space deny with their codes", async () => {
    const cases: Array<["users" | "members" | "spaces", string, string]> = [
      ["users", "user_alice", "ACTOR_USER_INACTIVE"],
      ["members", "member_finance_reviewer", "ACTOR_MEMBER_INACTIVE"],
      ["spaces", "space_acme", "SPACE_INACTIVE"],
    ];
    for (const [table, id, code] of cases) {
      await db().updateTable(table).set({ status: "disabled" }).where("id", "=", id).execute();
      const res = await check(invoice("invoice_001"));
      await db().updateTable(table).set({ status: "active" }).where("id", "=", id).execute();
      expect(res.body.data.deny_code).toBe(code);
    }
  });

  it("AZ-16 unregistered type or action denies INVALID_RESOURCE_*", async () => {
    const type = await check({ actor: ALICE, resource_type: "widget", resource_id: "w1", action: "approve" });
    expect(type.body.data.deny_code).toBe("INVALID_RESOURCE_TYPE");
    const action = await check(invoice("invoice_001", "archive"));
    expect(action.body.data.deny_code).toBe("INVALID_RESOURCE_ACTION");
    // Actor state wins over a registry miss.
    const both = await check({
      actor: ALICE_REVOKED,
      resource_type: "widget",
      resource_id: "w1",
      action: "x",
    });
    expect(both.body.data.deny_code).toBe("USER_MEMBER_REVOKED");
  });

  it("unknown actor ids and unknown or archived resources are audited denies, never 500", async () => {
    const ghost = await check(invoice("invoice_001", "approve", { ...ALICE, user_id: "user_ghost" }));
    expect(ghost.status).toBe(200);
    expect(ghost.body.data.deny_code).toBe("ACTOR_NOT_FOUND");
    await auditRow(ghost.body.data.audit_log_id);
    const missing = await check(invoice("invoice_404"));
    expect(missing.body.data.deny_code).toBe("RESOURCE_NOT_FOUND");
    await auditRow(missing.body.data.audit_log_id);
    await addResource("invoice_archived", DEMO.groups.financeApac, { status: "archived" });
    const archived = await check(invoice("invoice_archived"));
    expect(archived.body.data.deny_code).toBe("RESOURCE_NOT_FOUND");
  });

  it("a binding whose ids do not match each other is not found (fail closed)", async () => {
    const res = await check(
      invoice("invoice_001", "approve", { ...ALICE, user_member_id: "um_bob_finance_reviewer" }),
    );
    expect(res.body.data.deny_code).toBe("ACTOR_NOT_FOUND");
  });
});

describe("scopes and candidates (AZ-7..AZ-15, AZ-17)", () => {
  it("AZ-7 a registered action without a grant denies NO_MATCHING_PERMISSION", async () => {
    const res = await check(invoice("invoice_001", "create"));
    expect(res.body.data.deny_code).toBe("NO_MATCHING_PERMISSION");
    expect(res.body.data.explanation.candidate).toBeNull();
  });

  it("AZ-8 union semantics: one covering candidate of several allows; all are traced", async () => {
    await grant(
      "legal_approver",
      { action: "approve", scope: "group_tree" },
      DEMO.members.reviewer,
      DEMO.groups.legal,
    );
    const res = await explain(invoice("invoice_001"));
    expect(res.body.data.decision).toBe("allow");
    const cands = res.body.data.matched_candidates;
    expect(cands.map((c: any) => c.role.key)).toEqual(["finance_approver", "legal_approver"]);
    expect(cands.map((c: any) => c.scope_check.covered)).toEqual([true, false]);
    // And legal.emea is now covered by the second grant.
    expect((await check(invoice("invoice_002"))).body.data.decision).toBe("allow");
  });

  it("AZ-17 candidates are filtered by resource type and action before scope evaluation", async () => {
    const res = await explain(invoice("invoice_001", "read"));
    expect(res.body.data.decision).toBe("allow");
    for (const c of res.body.data.matched_candidates) {
      expect(c.permission).toMatchObject({ resource: "invoice", action: "read" });
    }
  });

  it("AZ-9 a global grant denies GLOBAL_SCOPE_DISABLED (Context Mode)", async () => {
    const res = await check({
      actor: { ...ALICE, user_email: "alice@example.com" },
      resource_type: "invoice",
      resource_id: "inv_g",
      action: "approve",
      resource: { space_id: "space_acme", group_path: "finance" },
      grants: [{ scope: "global" }],
    });
    expect(res.body.data.deny_code).toBe("GLOBAL_SCOPE_DISABLED");
  });

  it("AZ-10 missing anchor and missing target group", async () => {
    await grant("rejecter_no_anchor", { action: "reject", scope: "group" });
    const noAnchor = await check(invoice("invoice_001", "reject"));
    expect(noAnchor.body.data.deny_code).toBe("SCOPE_ANCHOR_MISSING");
    await addResource("invoice_nogroup", null);
    const noGroup = await check(invoice("invoice_nogroup"));
    expect(noGroup.body.data.deny_code).toBe("TARGET_GROUP_MISSING");
  });

  it("AZ-11 group_tree is a path rule, never a bare prefix", async () => {
    await addGroup("group_financeops", "financeops");
    await addGroup("group_finance_old", "finance-old");
    await addResource("invoice_financeops", "group_financeops");
    await addResource("invoice_finance_old", "group_finance_old");
    await addResource("invoice_finance_root", DEMO.groups.finance);
    expect((await check(invoice("invoice_financeops"))).body.data.deny_code).toBe("SCOPE_OUT_OF_BOUNDS");
    expect((await check(invoice("invoice_finance_old"))).body.data.deny_code).toBe("SCOPE_OUT_OF_BOUNDS");
    expect((await check(invoice("invoice_finance_root"))).body.data.decision).toBe("allow");
    expect((await check(invoice("invoice_001"))).body.data.decision).toBe("allow");
  });

  it("AZ-12 group scope covers only the exact anchor group", async () => {
    await db()
      .updateTable("member_roles")
      .set({ status: "revoked" })
      .where("id", "=", "mr_rejecter_no_anchor")
      .execute();
    await grant(
      "rejecter_finance",
      { action: "reject", scope: "group" },
      DEMO.members.reviewer,
      DEMO.groups.finance,
    );
    expect((await check(invoice("invoice_finance_root", "reject"))).body.data.decision).toBe("allow");
    expect((await check(invoice("invoice_001", "reject"))).body.data.deny_code).toBe("SCOPE_OUT_OF_BOUNDS");
  });

  it("AZ-13 self scope covers only resources owned by the actor member", async () => {
    await insertUser(t, "user_carol");
    await db()
      .insertInto("user_members")
      .values({
        id: "um_carol_creator",
        user_id: "user_carol",
        member_id: DEMO.members.creator,
        space_id: "space_acme",
        metadata: "{}",
      })
      .execute();
    await grant("owner_deleter", { action: "delete", scope: "self" }, DEMO.members.creator);
    const carol = {
      user_id: "user_carol",
      member_id: DEMO.members.creator,
      user_member_id: "um_carol_creator",
      space_id: "space_acme",
    };
    expect((await check(invoice("invoice_001", "delete", carol))).body.data.decision).toBe("allow");
    await addResource("invoice_owned_by_reviewer", DEMO.groups.finance, {
      owner_member_id: DEMO.members.reviewer,
    });
    const other = await check(invoice("invoice_owned_by_reviewer", "delete", carol));
    expect(other.body.data.deny_code).toBe("SCOPE_OUT_OF_BOUNDS");
  });

  it("AZ-14 space scope covers any resource in the actor's Space", async () => {
    await grant("space_creator", { action: "create", scope: "space" });
    expect((await check(invoice("invoice_002", "create"))).body.data.decision).toBe("allow");
    expect((await check(invoice("invoice_nogroup", "create"))).body.data.decision).toBe("allow");
  });

  it("AZ-15 cross-space target, anchor or grant denies CROSS_SPACE_VIOLATION", async () => {
    await db().insertInto("spaces").values({ id: "space_other", name: "Other", metadata: "{}" }).execute();
    await addGroup("group_other_finance", "finance", "space_other");
    await addResource("invoice_other", "group_other_finance", {
      space_id: "space_other",
      owner_member_id: null,
    });
    expect((await check(invoice("invoice_other"))).body.data.deny_code).toBe("CROSS_SPACE_VIOLATION");
    // A grant anchored in another Space poisons every decision for that action.
    await grant(
      "foreign_anchor",
      { action: "read", scope: "group_tree" },
      DEMO.members.reviewer,
      "group_other_finance",
    );
    expect((await check(invoice("invoice_001", "read"))).body.data.deny_code).toBe("CROSS_SPACE_VIOLATION");
  });
});

describe("request handling (AZ-19..AZ-23)", () => {
  it("AZ-19 body request_id/ip/user_agent are ignored; stored values come from the server", async () => {
    const res = await check(
      { ...invoice("invoice_001"), request_id: "req_forged", ip: "6.6.6.6", user_agent: "forged" },
      { headers: { "x-request-id": "req_from_header_1", "user-agent": "plystra-test/1.0" } },
    );
    expect(res.status).toBe(200);
    const row = await auditRow(res.body.data.audit_log_id);
    expect(row).toMatchObject({
      request_id: "req_from_header_1",
      user_agent: "plystra-test/1.0",
      ip_address: "127.0.0.1",
    });
    expect(res.body.data.audit.request_id).toBe("req_from_header_1");
    expect((row.trace as any).request).toEqual({
      request_id: "req_from_header_1",
      ip: "127.0.0.1",
      user_agent: "plystra-test/1.0",
    });
  });

  it("rejects unknown top-level and actor keys (strict body) and a missing action", async () => {
    const flat = await check({
      actor_user_id: "user_alice",
      resource_type: "invoice",
      resource_id: "x",
      action: "approve",
    });
    expect(flat.status).toBe(400);
    expect(flat.body.error.code).toBe("VALIDATION_FAILED");
    expect(flat.body.error.message).toContain("actor_user_id");
    const nested = await check({ ...invoice("invoice_001"), actor: { ...ALICE, role: "x" } });
    expect(nested.status).toBe(400);
    const noAction = await check({ actor: ALICE, resource_type: "invoice", resource_id: "invoice_001" });
    expect(noAction.status).toBe(400);
    expect(noAction.body.error.message).toContain("action");
    const noId = await check({ actor: ALICE, resource_type: "invoice", action: "approve" });
    expect(noId.body.error.message).toContain("resource_id");
    const partial = await check(
      invoice("invoice_001", "approve", { user_id: "user_alice", space_id: "space_acme" }),
    );
    expect(partial.status).toBe(400);
    expect(partial.body.error.message).toContain("actor.member_id");
  });

  it("AZ-20 an API key must send an actor; a session falls back to its active binding", async () => {
    const res = await check({ resource_type: "invoice", resource_id: "invoice_001", action: "approve" });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("actor is required when using an API key.");
    const token = await insertSession(t, "user_alice");
    const s = await check(
      { resource_type: "invoice", resource_id: "invoice_001", action: "approve" },
      { token },
    );
    expect(s.status).toBe(200);
    expect(s.body.data.audit).toMatchObject({
      actor_user_id: "user_alice",
      actor_user_member_id: "um_alice_finance_reviewer",
    });
  });

  it("a session may name only its own live bindings", async () => {
    const token = await insertSession(t, "user_alice");
    const own = await check(invoice("invoice_001"), { token });
    expect(own.body.data.decision).toBe("allow");
    const revoked = await check(invoice("invoice_001", "approve", ALICE_REVOKED), { token });
    expect(revoked.status).toBe(403);
    expect(revoked.body.error.code).toBe("ACTIVE_MEMBER_REQUIRED");
    const asBob = await check(invoice("invoice_001", "approve", BOB), { token });
    expect(asBob.status).toBe(403);
    // By member id only: resolved to alice's own binding.
    const byMember = await check(
      invoice("invoice_001", "approve", { member_id: "member_finance_reviewer" }),
      { token },
    );
    expect(byMember.body.data.audit.actor_user_member_id).toBe("um_alice_finance_reviewer");
  });

  it("a session user without any live binding gets 403 ACTIVE_MEMBER_REQUIRED", async () => {
    await insertUser(t, "user_unbound");
    await insertGrant(t, "user_unbound", "instance_admin", "authz:check");
    const token = await insertSession(t, "user_unbound");
    const res = await check(
      { resource_type: "invoice", resource_id: "invoice_001", action: "approve" },
      { token },
    );
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("ACTIVE_MEMBER_REQUIRED");
  });

  it("AZ-21 after switching the session's active member, checks use the new member", async () => {
    await db()
      .insertInto("members")
      .values({
        id: "member_alice_legal",
        space_id: "space_acme",
        display_name: "Legal Counsel",
        metadata: "{}",
      })
      .execute();
    await db()
      .insertInto("user_members")
      .values({
        id: "um_alice_legal",
        user_id: "user_alice",
        member_id: "member_alice_legal",
        space_id: "space_acme",
        metadata: "{}",
      })
      .execute();
    const token = await insertSession(t, "user_alice");
    const body = { resource_type: "invoice", resource_id: "invoice_001", action: "approve" };
    expect((await check(body, { token })).body.data.audit.actor_member_id).toBe("member_finance_reviewer");
    // What POST /actor/switch-member stores.
    await db()
      .updateTable("sessions")
      .set({
        active_member_id: "member_alice_legal",
        active_user_member_id: "um_alice_legal",
        active_space_id: "space_acme",
      })
      .where("user_id", "=", "user_alice")
      .execute();
    const after = await check(body, { token });
    expect(after.body.data.audit.actor_member_id).toBe("member_alice_legal");
    expect(after.body.data.deny_code).toBe("NO_MATCHING_PERMISSION");
  });

  it("AZ-22 inline context with a session is refused and nothing is audited", async () => {
    const token = await insertSession(t, "user_alice");
    const before = await auditCount();
    for (const body of [
      { ...invoice("invoice_001"), resource: { space_id: "space_acme", group_path: "finance" } },
      { ...invoice("invoice_001"), grants: [{ scope: "space" }] },
      { ...invoice("invoice_001"), actor: { ...ALICE, user_email: "a@example.com" } },
    ]) {
      const res = await check(body, { token });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("INLINE_CONTEXT_REQUIRES_API_KEY");
    }
    expect(await auditCount()).toBe(before);
  });

  it("AZ-23 an API key without authz:check on the inline Space/Group is refused", async () => {
    await db().insertInto("spaces").values({ id: "space_third", name: "Third", metadata: "{}" }).execute();
    const foreign = await insertApiKey(t, {
      level: "space",
      spaceId: "space_third",
      permissionKeys: ["authz:check"],
    });
    const body = {
      actor: { ...ALICE, user_email: "alice@example.com" },
      resource_type: "invoice",
      resource_id: "inv_x",
      action: "approve",
      resource: { space_id: "space_acme", group_path: "finance.apac" },
      grants: [{ scope: "group_tree", scope_anchor_group_path: "finance" }],
    };
    const res = await check(body, { apiKey: foreign });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      code: "ADMIN_PERMISSION_REQUIRED",
      details: { permission: "authz:check" },
    });
    const own = await insertApiKey(t, {
      level: "space",
      spaceId: "space_acme",
      permissionKeys: ["authz:check"],
    });
    expect((await check(body, { apiKey: own })).body.data.decision).toBe("allow");
    // A group-level key never reaches the actor's whole Space.
    const groupKey = await insertApiKey(t, {
      level: "group",
      groupId: DEMO.groups.finance,
      permissionKeys: ["authz:check"],
    });
    expect((await check(body, { apiKey: groupKey })).status).toBe(403);
  });

  it("managed-mode scope gate: stored resource's Space/Group decide a scoped key's reach", async () => {
    const groupKey = await insertApiKey(t, {
      level: "group",
      groupId: DEMO.groups.finance,
      permissionKeys: ["authz:check"],
    });
    expect((await check(invoice("invoice_001"), { apiKey: groupKey })).body.data.decision).toBe("allow");
    const out = await check(invoice("invoice_002"), { apiKey: groupKey });
    expect(out.status).toBe(403);
    expect(out.body.error.code).toBe("ADMIN_PERMISSION_REQUIRED");
    expect((await check(invoice("invoice_unknown"), { apiKey: groupKey })).status).toBe(403);
    const otherSpace = await insertApiKey(t, {
      level: "space",
      spaceId: "space_third",
      permissionKeys: ["authz:check"],
    });
    expect((await check(invoice("invoice_001"), { apiKey: otherSpace })).status).toBe(403);
    const noKey = await insertApiKey(t, { level: "instance", permissionKeys: ["audit:read"] });
    expect((await check(invoice("invoice_001"), { apiKey: noKey })).status).toBe(403);
  });
});

describe("Context Mode (AZ-24)", () => {
  const base = {
    actor: {
      user_id: "user_external_alice",
      member_id: "member_external_finance_reviewer",
      binding_id: "binding_external_alice_finance",
      space_id: "space_acme",
      user_email: "alice@example.com",
    },
    resource_type: "invoice",
    resource_id: "inv_ext_001",
    action: "approve",
    resource: { external_id: "inv_ext_001", space_id: "space_acme", group_path: "finance.apac" },
    grants: [
      {
        role_key: "finance_approver",
        resource: "invoice",
        action: "approve",
        scope: "group_tree",
        scope_anchor_group_path: "finance",
      },
    ],
  };

  it("allows the getting-started case and audits it", async () => {
    const res = await check(base);
    expect(res.body.data).toMatchObject({ allow: true, deny_code: null });
    const row = await auditRow(res.body.data.audit_log_id);
    expect(row.actor_user_id).toBe("user_external_alice");
    expect((row.trace as any).actor.user.email).toBe("alice@example.com");
  });

  it("denies outside the anchor, for another action, and across Spaces", async () => {
    const outside = await check({ ...base, resource: { ...base.resource, group_path: "legal.emea" } });
    expect(outside.body.data.deny_code).toBe("SCOPE_OUT_OF_BOUNDS");
    const otherAction = await check({ ...base, grants: [{ ...base.grants[0], action: "read" }] });
    expect(otherAction.body.data.deny_code).toBe("NO_MATCHING_PERMISSION");
    const cross = await check({ ...base, resource: { ...base.resource, space_id: "space_other" } });
    expect(cross.body.data.deny_code).toBe("CROSS_SPACE_VIOLATION");
  });

  it("invalid inline context is a 400 with the reason", async () => {
    const res = await check({ ...base, grants: [{ scope: "planet" }] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Inline authorization context is invalid.");
    expect(res.body.error.details.reason).toContain("unsupported scope");
  });

  it("secret-looking metadata keys are dropped from the trace instead of failing the check", async () => {
    const res = await explain({
      ...base,
      resource: {
        ...base.resource,
        metadata: { number: "INV-9", api_token: "s3cr3t", nested: { password: "x" } },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.target.resource.metadata).toEqual({ number: "INV-9", nested: {} });
    const row = await auditRow(res.body.data.audit.audit_log_id);
    expect(JSON.stringify(row.trace)).not.toContain("s3cr3t");
  });

  it("resource-only inline context keeps the stored actor and grants (proposed target)", async () => {
    const res = await check({
      ...invoice("inv_proposed"),
      resource: { space_id: "space_acme", group_id: DEMO.groups.financeApac },
    });
    expect(res.body.data.decision).toBe("allow");
    const res2 = await check({
      ...invoice("inv_proposed"),
      resource: { space_id: "space_acme", group_path: "hr.payroll" },
    });
    expect(res2.body.data.deny_code).toBe("SCOPE_OUT_OF_BOUNDS");
  });
});

describe("AUDIT_WRITE_MODE", () => {
  it("deny_only writes denies only; manual writes nothing; ids are still returned", async () => {
    for (const [mode, allowWritten, denyWritten] of [
      ["deny_only", false, true],
      ["manual", false, false],
    ] as const) {
      const t2 = await createTestApp({ env: { AUDIT_WRITE_MODE: mode } });
      try {
        await seedDemo(t2.deps.db);
        const k = await insertApiKey(t2, { level: "instance", permissionKeys: ["authz:check"] });
        const allow = await t2.request("POST", "/api/v1/authz/check", {
          body: invoice("invoice_001"),
          apiKey: k,
        });
        const deny = await t2.request("POST", "/api/v1/authz/check", {
          body: invoice("invoice_002"),
          apiKey: k,
        });
        expect(allow.body.data.audit_log_id).toMatch(/^audit_/);
        const ids = [allow.body.data.audit_log_id, deny.body.data.audit_log_id];
        const rows = await t2.deps.db.selectFrom("audit_logs").select("id").where("id", "in", ids).execute();
        expect(rows.some((r) => r.id === ids[0])).toBe(allowWritten);
        expect(rows.some((r) => r.id === ids[1])).toBe(denyWritten);
      } finally {
        await t2.close();
      }
    }
  });
});
