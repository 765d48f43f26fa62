import { afterAll, describe, expect, it } from "vitest";
import { insertGrant, insertUser } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { expectNoSecretsLeaked, trackResponses } from "../../../test/accounts.ts";

const BOOT = "bootstrap-token-0123456789abcdef0123456789";
const REG = "registration-token-0123456789abcdef012345";
const PW = "a sufficiently long password";

const apps: { t: TestApp; seen: string[] }[] = [];
afterAll(async () => {
  for (const a of apps) {
    await expectNoSecretsLeaked(a.t, a.seen);
    await a.t.close();
  }
});
async function app(env: Record<string, string> = {}) {
  const t = await createTestApp({ env });
  apps.push({ t, seen: trackResponses(t) });
  return t;
}
const register = (t: TestApp, body: Record<string, unknown>) =>
  t.request("POST", "/api/v1/auth/register", { body });
const count = async (t: TestApp, table: "users" | "members" | "user_members" | "admin_grants" | "sessions") =>
  (await t.deps.db.selectFrom(table).select("id").execute()).length;

describe("registration (SE-18)", () => {
  it("is refused at defaults, but validation runs first", async () => {
    const t = await app();
    const bad = await register(t, { email: "not-an-email", password: PW });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("email");
    const short = await register(t, { email: "a@example.test", password: "short" });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toBe("password must be at least 12 characters.");
    const blank = await register(t, { email: "a@example.test", password: "              " });
    expect(blank.body.error.message).toBe("password must not be empty.");
    const long = await register(t, { email: "a@example.test", password: "x".repeat(1025) });
    expect(long.body.error.message).toBe("password is too long.");
    const res = await register(t, { email: "a@example.test", password: PW });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("REGISTRATION_DISABLED");
    expect(res.body.error.message).toBe(
      "first instance super admin must be bootstrapped before user registration.",
    );
    expect(await count(t, "users")).toBe(0);

    await insertUser(t, "user_existing_super");
    await insertGrant(t, "user_existing_super", "instance_super_admin", "*");
    const after = await register(t, { email: "a@example.test", password: PW });
    expect(after.status).toBe(403);
    expect(after.body.error.message).toBe("registration is disabled.");
  });

  it("bootstraps the first super admin exactly once", async () => {
    const t = await app({
      PLYSTRA_BOOTSTRAP_REGISTRATION_ENABLED: "true",
      PLYSTRA_BOOTSTRAP_REGISTRATION_TOKEN: BOOT,
    });
    const wrong = await register(t, { email: "root@example.test", password: PW, registration_token: "nope" });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.message).toBe("registration token is invalid.");

    const [a, b] = await Promise.all([
      register(t, { email: "root@example.test", password: PW, registration_token: BOOT, username: "root" }),
      register(t, { email: "second@example.test", password: PW, registration_token: BOOT }),
    ]);
    const winner = a.status === 201 ? a : b;
    const loser = a.status === 201 ? b : a;
    expect(winner.status).toBe(201);
    expect(loser.status).toBe(403);
    const d = winner.body.data;
    expect(d.registration_mode).toBe("bootstrap");
    expect(d.bootstrap_super_admin).toBe(true);
    expect(d.user_only).toBe(false);
    expect(d.registration_requires_approval).toBe(false);
    expect(d.access_token).toMatch(/^ply_at_/);
    expect(d.actor.space_id).toBe("space_default");
    expect(d.available_members).toHaveLength(1);
    expect(await count(t, "admin_grants")).toBe(2);
    expect(await count(t, "users")).toBe(1);

    const me = await t.request("GET", "/api/v1/admin/me", { token: d.access_token });
    expect(me.status).toBe(200);
    expect(me.body.data.capabilities["*"]).toBe(true);
    const grants = me.body.data.grants.map((g: { id: string; level: string }) => [g.id, g.level]);
    expect(grants).toEqual(
      expect.arrayContaining([
        [d.bootstrap_admin_grant_id, "instance_super_admin"],
        [d.space_admin_grant_id, "space_admin"],
      ]),
    );
    const space = await t.deps.db
      .selectFrom("spaces")
      .selectAll()
      .where("id", "=", "space_default")
      .executeTakeFirstOrThrow();
    expect(space).toMatchObject({ type: "default", name: "Default Space", status: "active" });
    const audit = await t.deps.db.selectFrom("audit_logs").select("action").execute();
    expect(audit.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        "user.created",
        "member.created",
        "user_member.created",
        "admin_grant.created",
      ]),
    );
  });

  it("ordinary registration is refused before bootstrap and works after it", async () => {
    const t = await app({ PLYSTRA_AUTH_REGISTRATION_ENABLED: "true", PLYSTRA_AUTH_REGISTRATION_TOKEN: REG });
    const before = await register(t, { email: "early@example.test", password: PW, registration_token: REG });
    expect(before.status).toBe(403);
    expect(before.body.error.message).toContain("first instance super admin");

    await insertUser(t, "user_super");
    await insertGrant(t, "user_super", "instance_super_admin", "*");
    const noToken = await register(t, { email: "x@example.test", password: PW });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.message).toBe("registration token is invalid.");
    const badToken = await register(t, { email: "x@example.test", password: PW, registration_token: "nope" });
    expect(badToken.status).toBe(403);

    const res = await register(t, {
      email: "Carol@Example.test",
      password: PW,
      registration_token: REG,
      member_display_name: "Carol C.",
      space_name: "Carol's space",
    });
    expect(res.status).toBe(201);
    const d = res.body.data;
    expect(d).toMatchObject({
      registration_mode: "ordinary",
      bootstrap_super_admin: false,
      bootstrap_admin_grant_id: null,
      user_only: false,
    });
    expect(d.user.email).toBe("carol@example.test");
    expect(d.available_members[0].member_display_name).toBe("Carol C.");
    const supers = await t.deps.db
      .selectFrom("admin_grants")
      .select("id")
      .where("level", "=", "instance_super_admin")
      .execute();
    expect(supers).toHaveLength(1);
    // The login works with the registered password.
    const login = await t.request("POST", "/api/v1/auth/login", {
      body: { email: "carol@example.test", password: PW },
    });
    expect(login.status).toBe(200);

    const dup = await register(t, { email: "CAROL@example.test", password: PW, registration_token: REG });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("USER_CREATE_FAILED");
  });

  it("public user-only registration creates only a User, even before bootstrap", async () => {
    const t = await app({ PLYSTRA_AUTH_PUBLIC_USER_REGISTRATION_ENABLED: "true" });
    const res = await register(t, { email: "pub@example.test", password: PW, metadata: { source: "web" } });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      registration_mode: "public_user_only",
      user_only: true,
      actor: null,
      available_members: [],
      access_token: null,
      refresh_token: null,
      bootstrap_super_admin: false,
    });
    expect(await count(t, "users")).toBe(1);
    for (const table of ["members", "user_members", "admin_grants", "sessions"] as const) {
      expect(await count(t, table)).toBe(0);
    }
    // Without a binding the new user cannot log in to act as anyone yet.
    const login = await t.request("POST", "/api/v1/auth/login", {
      body: { email: "pub@example.test", password: PW },
    });
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe("ACTIVE_MEMBER_REQUIRED");
  });
});
