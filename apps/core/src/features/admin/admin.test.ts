import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  adminToken,
  insertApiKey,
  insertGrant,
  insertSession,
  insertUser,
  superAdminToken,
  waitForLockWaiters,
} from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import {
  bindMember,
  ensureSpace,
  expectNoSecretsLeaked,
  insertGroup,
  trackResponses,
} from "../../../test/accounts.ts";
import { BootstrapError, bootstrapSuperAdmin, defaultSuperAdminGrantId } from "./bootstrap-super-admin.ts";

let t: TestApp;
let seen: string[];
let root: string;

beforeAll(async () => {
  t = await createTestApp();
  seen = trackResponses(t);
  await ensureSpace(t, "space_a");
  await ensureSpace(t, "space_b");
  await insertGroup(t, "grp_fin", "space_a", "finance");
  await insertGroup(t, "grp_fin_apac", "space_a", "finance.apac");
  await insertGroup(t, "grp_fin_emea", "space_a", "finance.emea");
  for (const u of ["user_target", "user_target2"]) await insertUser(t, u);
  root = await superAdminToken(t);
  await bindMember(t, "user_root", "space_a", "member_root", { isPrimary: true });
});
afterAll(async () => {
  await expectNoSecretsLeaked(t, seen);
  await t.close();
});

const grant = (token: string, body: Record<string, unknown>, apiKey = false) =>
  t.request("POST", "/api/v1/admin/grants", apiKey ? { apiKey: token, body } : { token, body });

describe("admin me", () => {
  it("describes a super admin session", async () => {
    const res = await t.request("GET", "/api/v1/admin/me", { token: root });
    expect(res.status).toBe(200);
    const d = res.body.data;
    expect(d.credential_type).toBe("session");
    expect(d.user_id).toBe("user_root");
    expect(d.session_id).toMatch(/^sess_/);
    expect(d.active_space).toBe("space_a");
    expect(d.active_member).toBe("member_root");
    expect(d.capabilities["*"]).toBe(true);
    expect(d.grants.some((g: { level: string }) => g.level === "instance_super_admin")).toBe(true);
    expect(d.api_key).toBeNull();
  });

  it("describes an API key without its secret", async () => {
    const key = await insertApiKey(t, { level: "instance", permissionKeys: ["instance:read", "users:read"] });
    const res = await t.request("GET", "/api/v1/admin/me", { apiKey: key });
    expect(res.status).toBe(200);
    const d = res.body.data;
    expect(d.credential_type).toBe("api_key");
    expect(d.session_id).toBeNull();
    expect(d.grants).toEqual([]);
    expect(d.capabilities).toEqual({ "instance:read": true, "users:read": true });
    expect(d.api_key.id).toBe(key.slice("ply_ak_".length, key.indexOf(".")));
    expect(d.api_key).not.toHaveProperty("key_hash");
  });

  it("needs instance:read and a credential", async () => {
    expect((await t.request("GET", "/api/v1/admin/me")).status).toBe(401);
    const sa = await adminToken(t, "user_me_sa", "space_admin", "*", { spaceId: "space_a" });
    const res = await t.request("GET", "/api/v1/admin/me", { token: sa });
    expect(res.status).toBe(403);
    expect(res.body.error.details.permission).toBe("instance:read");
  });
});

describe("create grants", () => {
  it("a super admin creates any grant; the row and audit attribute the granter", async () => {
    const res = await grant(root, {
      user_id: "user_target",
      level: "space_admin",
      space_id: "space_a",
      permission_key: "users:read",
      metadata: { ticket: "OPS-1" },
    });
    expect(res.status).toBe(201);
    const d = res.body.data;
    expect(d).toMatchObject({
      user_id: "user_target",
      level: "space_admin",
      space_id: "space_a",
      group_id: null,
      permission_key: "users:read",
      status: "active",
      granted_by_user_id: "user_root",
      granted_by_member_id: "member_root",
      metadata: { ticket: "OPS-1" },
    });
    const audit = await t.deps.db
      .selectFrom("audit_logs")
      .selectAll()
      .where("action", "=", "admin_grant.created")
      .where("resource_id", "=", d.id)
      .executeTakeFirstOrThrow();
    expect(audit.actor_user_id).toBe("user_root");
    expect(audit.space_id).toBe("space_a");

    const inst = await grant(root, {
      user_id: "user_target",
      level: "instance_admin",
      permission_key: "audit:read",
    });
    expect(inst.status).toBe(201);
    const dup = await grant(root, {
      id: inst.body.data.id,
      user_id: "user_target",
      level: "instance_admin",
      permission_key: "audit:read",
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("ADMIN_GRANT_CREATE_FAILED");
  });

  it.each([
    [{ level: "space_admin", space_id: "space_a", permission_key: "users:read" }, "user_id"],
    [{ user_id: "user_nobody", level: "instance_admin", permission_key: "users:read" }, "user_id"],
    [{ user_id: "user_target", level: "instance_admin", permission_key: "users" }, "permission_key"],
    [
      { user_id: "user_target", level: "instance_super_admin", permission_key: "users:read" },
      "permission_key",
    ],
    [{ user_id: "user_target", level: "space_admin", permission_key: "users:read" }, "space_id"],
    [
      { user_id: "user_target", level: "instance_admin", space_id: "space_a", permission_key: "a:b" },
      "space_id",
    ],
    [
      { user_id: "user_target", level: "group_admin", space_id: "space_a", permission_key: "a:b" },
      "group_id",
    ],
    [
      {
        user_id: "user_target",
        level: "group_admin",
        group_id: "grp_fin",
        space_id: "space_b",
        permission_key: "a:b",
      },
      "space_id",
    ],
    [
      {
        user_id: "user_target",
        level: "space_admin",
        space_id: "space_a",
        member_id: "member_nobody",
        permission_key: "a:b",
      },
      "member_id",
    ],
    [{ user_id: "user_target", level: "root", permission_key: "a:b" }, "level"],
    [
      {
        user_id: "user_target",
        level: "instance_admin",
        permission_key: "a:b",
        expires_at: "2000-01-01T00:00:00Z",
      },
      "expires_at",
    ],
    [{ user_id: "user_target", level: "instance_admin", permission_key: "a:b", colour: "red" }, "colour"],
  ])("rejects %j with a 400 naming %s", async (body, field) => {
    const res = await grant(root, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.message).toContain(field);
  });

  it("API keys cannot create or revoke admin grants, even with admin_grants:manage (SE-7)", async () => {
    const key = await insertApiKey(t, { level: "instance", permissionKeys: ["admin_grants:manage", "*"] });
    const res = await grant(
      key,
      { user_id: "user_target", level: "instance_admin", permission_key: "users:read" },
      true,
    );
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("ADMIN_PERMISSION_REQUIRED");
    const target = await insertGrant(t, "user_target", "space_admin", "users:read", { spaceId: "space_a" });
    const revoke = await t.request("POST", `/api/v1/admin/grants/${target}/revoke`, { apiKey: key });
    expect(revoke.status).toBe(403);
    const row = await t.deps.db
      .selectFrom("admin_grants")
      .select("status")
      .where("id", "=", target)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("active");
  });

  it("a non-super instance_admin cannot create or revoke instance-level grants (SE-12)", async () => {
    const ia = await adminToken(t, "user_inst_admin", "instance_admin", "*");
    for (const level of ["instance_admin", "instance_super_admin"]) {
      const res = await grant(ia, { user_id: "user_target", level, permission_key: "*" });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("ADMIN_PERMISSION_REQUIRED");
    }
    const inst = await insertGrant(t, "user_target", "instance_admin", "users:read");
    const revoke = await t.request("POST", `/api/v1/admin/grants/${inst}/revoke`, { token: ia });
    expect(revoke.status).toBe(403);
    // It can still manage space-level grants with keys it holds.
    const ok = await grant(ia, {
      user_id: "user_target",
      level: "space_admin",
      space_id: "space_b",
      permission_key: "users:read",
    });
    expect(ok.status).toBe(201);
  });

  it("a space admin is confined to its Space and to keys it holds (SE-8)", async () => {
    const sa = await adminToken(t, "user_sa_grants", "space_admin", "admin_grants:manage", {
      spaceId: "space_a",
    });
    await insertGrant(t, "user_sa_grants", "space_admin", "users:read", { spaceId: "space_a" });
    const ok = await grant(sa, {
      user_id: "user_target2",
      level: "space_admin",
      space_id: "space_a",
      permission_key: "users:read",
    });
    expect(ok.status).toBe(201);
    const inGroup = await grant(sa, {
      user_id: "user_target2",
      level: "group_admin",
      group_id: "grp_fin",
      permission_key: "users:read",
    });
    expect(inGroup.status).toBe(201);
    expect(inGroup.body.data.space_id).toBe("space_a");

    const otherSpace = await grant(sa, {
      user_id: "user_target2",
      level: "space_admin",
      space_id: "space_b",
      permission_key: "users:read",
    });
    expect(otherSpace.status).toBe(403);
    expect(otherSpace.body.error.details.permission).toBe("admin_grants:manage");
    const instance = await grant(sa, {
      user_id: "user_target2",
      level: "instance_admin",
      permission_key: "users:read",
    });
    expect(instance.status).toBe(403);
    const unheld = await grant(sa, {
      user_id: "user_target2",
      level: "space_admin",
      space_id: "space_a",
      permission_key: "users:manage",
    });
    expect(unheld.status).toBe(403);
    expect(unheld.body.error.details.permission).toBe("users:manage");
    const star = await grant(sa, {
      user_id: "user_target2",
      level: "space_admin",
      space_id: "space_a",
      permission_key: "*",
    });
    expect(star.status).toBe(403);
    expect(star.body.error.details.permission).toBe("*");
  });
});

describe("read grants", () => {
  it("a space admin sees neither instance-level nor foreign-Space grants (SE-8)", async () => {
    const inst = await insertGrant(t, "user_target", "instance_admin", "spaces:read");
    const foreign = await insertGrant(t, "user_target", "space_admin", "spaces:read", { spaceId: "space_b" });
    const mine = await insertGrant(t, "user_target", "space_admin", "spaces:read", { spaceId: "space_a" });
    const sa = await adminToken(t, "user_sa_reader", "space_admin", "admin_grants:read", {
      spaceId: "space_a",
    });
    const list = await t.request("GET", "/api/v1/admin/grants?limit=200", { token: sa });
    expect(list.status).toBe(200);
    const ids = list.body.data.map((g: { id: string }) => g.id);
    expect(ids).toContain(mine);
    expect(ids).not.toContain(inst);
    expect(ids).not.toContain(foreign);
    for (const g of list.body.data) expect(g.space_id).toBe("space_a");
    for (const id of [inst, foreign]) {
      const res = await t.request("GET", `/api/v1/admin/grants/${id}`, { token: sa });
      expect(res.status).toBe(403);
      expect(res.body.error.details.permission).toBe("admin_grants:read");
    }
    expect((await t.request("GET", `/api/v1/admin/grants/${mine}`, { token: sa })).status).toBe(200);
    const missing = await t.request("GET", "/api/v1/admin/grants/ag_missing", { token: root });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("ADMIN_GRANT_NOT_FOUND");
  });

  it("a group admin cannot reach a sibling group's grants", async () => {
    const apac = await insertGrant(t, "user_target", "group_admin", "resources:read", {
      groupId: "grp_fin_apac",
    });
    const emea = await insertGrant(t, "user_target", "group_admin", "resources:read", {
      groupId: "grp_fin_emea",
    });
    const ga = await adminToken(t, "user_ga_apac", "group_admin", "admin_grants:read", {
      groupId: "grp_fin_apac",
    });
    const ids = (await t.request("GET", "/api/v1/admin/grants?limit=200", { token: ga })).body.data.map(
      (g: { id: string }) => g.id,
    );
    expect(ids).toContain(apac);
    expect(ids).not.toContain(emea);
    expect((await t.request("GET", `/api/v1/admin/grants/${emea}`, { token: ga })).status).toBe(403);
    expect((await t.request("GET", `/api/v1/admin/grants/${apac}`, { token: ga })).status).toBe(200);
  });

  it("filters and paginates", async () => {
    for (let i = 0; i < 3; i++)
      await insertGrant(t, "user_target2", "space_admin", `p${i}:read`, { spaceId: "space_b" });
    const first = await t.request(
      "GET",
      "/api/v1/admin/grants?user_id=user_target2&space_id=space_b&limit=2",
      {
        token: root,
      },
    );
    expect(first.body.data).toHaveLength(2);
    expect(first.body.pagination.has_more).toBe(true);
    const second = await t.request(
      "GET",
      `/api/v1/admin/grants?user_id=user_target2&space_id=space_b&limit=2&cursor=${encodeURIComponent(first.body.pagination.cursor)}`,
      { token: root },
    );
    expect(second.body.pagination.has_more).toBe(false);
    const all = [...first.body.data, ...second.body.data].map((g: { id: string }) => g.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(3);
    const lvl = await t.request("GET", "/api/v1/admin/grants?level=group_admin&limit=200", { token: root });
    for (const g of lvl.body.data) expect(g.level).toBe("group_admin");
    expect((await t.request("GET", "/api/v1/admin/grants?level=boss", { token: root })).status).toBe(400);
  });
});

describe("revoke grants", () => {
  it("revokes with a reason, idempotently, and writes one audit row", async () => {
    const id = await insertGrant(t, "user_target", "space_admin", "roles:read", { spaceId: "space_a" });
    const res = await t.request("POST", `/api/v1/admin/grants/${id}/revoke`, {
      token: root,
      body: { revoked_reason: "left team" },
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: "revoked", revoked_reason: "left team" });
    expect(res.body.data.revoked_at).toBeTruthy();
    expect((await t.request("POST", `/api/v1/admin/grants/${id}/revoke`, { token: root })).status).toBe(200);
    const audits = await t.deps.db
      .selectFrom("audit_logs")
      .select("id")
      .where("action", "=", "admin_grant.revoked")
      .where("resource_id", "=", id)
      .execute();
    expect(audits).toHaveLength(1);
  });

  it("revoking a grant takes effect on the holder's next request", async () => {
    const token = await adminToken(t, "user_revoked_admin", "instance_admin", "users:read");
    const gid = (
      await t.deps.db
        .selectFrom("admin_grants")
        .select("id")
        .where("user_id", "=", "user_revoked_admin")
        .executeTakeFirstOrThrow()
    ).id;
    expect((await t.request("GET", `/api/v1/admin/grants/${gid}`, { token: root })).status).toBe(200);
    await t.request("POST", `/api/v1/admin/grants/${gid}/revoke`, { token: root });
    const me = await t.request("GET", "/api/v1/admin/me", { token });
    expect(me.status).toBe(403);
  });
});

describe("last super admin (SE-11)", () => {
  /** Two super admins, each holding one grant and a session. */
  async function twoSuperAdmins(iso: TestApp) {
    await insertUser(iso, "user_s1");
    await insertUser(iso, "user_s2");
    const g1 = await insertGrant(iso, "user_s1", "instance_super_admin", "*");
    const g2 = await insertGrant(iso, "user_s2", "instance_super_admin", "*");
    return { g1, g2, s1: await insertSession(iso, "user_s1"), s2: await insertSession(iso, "user_s2") };
  }
  // Each revokes the other's grant: alone, either revoke is allowed.
  function crossRevokes(iso: TestApp, { g1, g2, s1, s2 }: Awaited<ReturnType<typeof twoSuperAdmins>>) {
    return Promise.all([
      iso.request("POST", `/api/v1/admin/grants/${g2}/revoke`, { token: s1 }),
      iso.request("POST", `/api/v1/admin/grants/${g1}/revoke`, { token: s2 }),
    ]);
  }
  async function liveSuperAdminGrants(iso: TestApp) {
    return iso.deps.db
      .selectFrom("admin_grants")
      .select("id")
      .where("level", "=", "instance_super_admin")
      .where("status", "=", "active")
      .execute();
  }

  it("keeps one live super admin grant whichever order two cross revokes land in", async () => {
    const iso = await createTestApp();
    try {
      const admins = await twoSuperAdmins(iso);
      const [a, b] = await crossRevokes(iso, admins);
      const statuses = [a.status, b.status].sort();
      // Both revokes passed the guard and met at the row lock (409), or the first committed before the
      // second was authorised, and its caller had no grant left (403). Never both.
      expect([
        [200, 409],
        [200, 403],
      ]).toContainEqual(statuses);
      const refused = a.status === 200 ? b : a;
      expect(refused.body.error.code).toBe(
        refused.status === 409 ? "LAST_SUPER_ADMIN" : "ADMIN_PERMISSION_REQUIRED",
      );
      const live = await liveSuperAdminGrants(iso);
      expect(live).toHaveLength(1);
      const survivor = live[0].id === admins.g1 ? admins.s1 : admins.s2;
      const self = await iso.request("POST", `/api/v1/admin/grants/${live[0].id}/revoke`, {
        token: survivor,
      });
      expect(self.status).toBe(409);
      expect(self.body.error.code).toBe("LAST_SUPER_ADMIN");
    } finally {
      await iso.close();
    }
  });

  // A second connection holds the grant rows so that both revokes are past the guard before either
  // can lock them: real PostgreSQL only (PGlite is one session).
  it.skipIf(inject("dbKind") !== "postgres")(
    "two revokes that both passed the guard serialise on the grant rows: one 200, one 409",
    async () => {
      const iso = await createTestApp();
      const holder = new pg.Client({ connectionString: iso.db.url! });
      const watcher = new pg.Client({ connectionString: iso.db.url! });
      await holder.connect();
      await watcher.connect();
      try {
        const admins = await twoSuperAdmins(iso);
        await holder.query("BEGIN");
        await holder.query("SELECT id FROM admin_grants WHERE level = 'instance_super_admin' FOR UPDATE");
        const both = crossRevokes(iso, admins);
        await waitForLockWaiters(watcher, 2);
        await holder.query("COMMIT");
        const [a, b] = await both;
        expect([a.status, b.status].sort()).toEqual([200, 409]);
        expect((a.status === 409 ? a : b).body.error.code).toBe("LAST_SUPER_ADMIN");
        expect(await liveSuperAdminGrants(iso)).toHaveLength(1);
      } finally {
        await holder.query("ROLLBACK").catch(() => {});
        await holder.end();
        await watcher.end();
        await iso.close();
      }
    },
  );
});

describe("bootstrap-super-admin (SE-17)", () => {
  it("creates the first super admin, then refuses unless --if-exists ok", async () => {
    const iso = await createTestApp();
    try {
      await insertUser(iso, "alice.ops@corp");
      await bindMember(iso, "alice.ops@corp", "space_x", "member_alice", { isPrimary: true });
      await expect(bootstrapSuperAdmin(iso.deps.db, { userId: "user_ghost" })).rejects.toBeInstanceOf(
        BootstrapError,
      );
      const created = await bootstrapSuperAdmin(iso.deps.db, { userId: "alice.ops@corp" });
      expect(created).toEqual({
        status: "created",
        grantId: "ag_alice_ops_corp_instance_super_admin",
        memberId: "member_alice",
      });
      expect(defaultSuperAdminGrantId("a-b.c@d")).toBe("ag_a_b_c_d_instance_super_admin");
      const row = await iso.deps.db
        .selectFrom("admin_grants")
        .selectAll()
        .where("id", "=", created.status === "created" ? created.grantId : "")
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        level: "instance_super_admin",
        permission_key: "*",
        member_id: "member_alice",
      });
      const audit = await iso.deps.db
        .selectFrom("audit_logs")
        .select("action")
        .where("resource_id", "=", row.id)
        .executeTakeFirstOrThrow();
      expect(audit.action).toBe("admin_grant.created");

      await insertUser(iso, "user_bob");
      await expect(bootstrapSuperAdmin(iso.deps.db, { userId: "user_bob" })).rejects.toThrow(
        /already exists/,
      );
      const ok = await bootstrapSuperAdmin(iso.deps.db, { userId: "user_bob", ifExists: "ok" });
      expect(ok.status).toBe("exists");
      const supers = await iso.deps.db
        .selectFrom("admin_grants")
        .select("id")
        .where("level", "=", "instance_super_admin")
        .execute();
      expect(supers).toHaveLength(1);
    } finally {
      await iso.close();
    }
  });
});
