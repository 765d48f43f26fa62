// Issue 10, "Compatibility": v1.0 behaviours a client relies on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, seedDemo } from "../src/features/demo/demo.seed.ts";
import { insertApiKey, insertSession, insertUser, superAdminToken } from "./fixtures.ts";
import { createTestApp, type TestApp } from "./harness.ts";

let t: TestApp;
let root: string;
beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.deps.db);
  root = await superAdminToken(t);
});
afterAll(() => t.close());

describe("permission keys (DESIGN §1)", () => {
  it("are accepted case-insensitively and stored lower-case, for API keys and admin grants", async () => {
    const key = await t.request("POST", "/api/v1/api-keys", {
      token: root,
      body: {
        name: "mixed case",
        level: "instance",
        permission_keys: ["Users:READ", "users:read", "AUDIT:*"],
      },
    });
    expect(key.status).toBe(201);
    expect(key.body.data.permission_keys).toEqual(["users:read", "audit:*"]);
    // The stored key works for the lower-case permission.
    const users = await t.request("GET", "/api/v1/users", { apiKey: key.body.data.api_key });
    expect(users.status).toBe(200);

    await insertUser(t, "user_case");
    const grant = await t.request("POST", "/api/v1/admin/grants", {
      token: root,
      body: { user_id: "user_case", level: "instance_admin", permission_key: "Spaces:Read" },
    });
    expect(grant.status).toBe(201);
    expect(grant.body.data.permission_key).toBe("spaces:read");
  });

  it.each(["*:read", "users:", ":read", "users:read:extra", "users read", "users:réad"])(
    "malformed %j is a 400 naming the entry",
    async (bad) => {
      const res = await t.request("POST", "/api/v1/api-keys", {
        token: root,
        body: { name: "bad", level: "instance", permission_keys: ["users:read", bad] },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details.field).toBe("permission_keys[1]");
    },
  );
});

describe("GET /api/v1/auth/me", () => {
  it("returns the session's user, session and active actor", async () => {
    const login = await t.request("POST", "/api/v1/auth/login", {
      body: { email: "alice@example.com", password: "plystra-demo" },
    });
    expect(login.status).toBe(200);
    const me = await t.request("GET", "/api/v1/auth/me", { token: login.body.data.access_token });
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({
      user: { id: DEMO.users.alice, email: "alice@example.com", status: "active" },
      actor: { user_id: DEMO.users.alice, member_id: expect.any(String), space_id: DEMO.space },
      session: { active_space_id: DEMO.space, expires_at: login.body.data.expires_at },
    });
    expect(me.body.data.session.active_user_member_id).toBe(me.body.data.actor.user_member_id);
    expect(me.body.data.available_members.length).toBeGreaterThan(0);
  });

  it("answers a null actor (not 403) when the user has no live binding", async () => {
    await insertUser(t, "user_lonely");
    const token = await insertSession(t, "user_lonely");
    const me = await t.request("GET", "/api/v1/auth/me", { token });
    expect(me.status).toBe(200);
    expect(me.body.data.actor).toBeNull();
    expect(me.body.data.session.active_member_id).toBeNull();
    expect(me.body.data.available_members).toEqual([]);
    const context = await t.request("GET", "/api/v1/actor/context", { token });
    expect(context.status).toBe(403);
  });

  it("is 401 without a session, and for an API key", async () => {
    const anon = await t.request("GET", "/api/v1/auth/me");
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe("AUTHENTICATION_REQUIRED");
    const key = await insertApiKey(t, { level: "instance", permissionKeys: ["users:read"] });
    const withKey = await t.request("GET", "/api/v1/auth/me", { apiKey: key });
    expect(withKey.status).toBe(401);
  });
});
