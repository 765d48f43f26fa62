import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminToken, insertApiKey, insertSession, superAdminToken } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { auditRowsFor } from "../../../test/audit-rows.ts";

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp();
  token = await superAdminToken(t);
  await t.request("POST", "/api/v1/spaces", { token, body: { id: "space_u", name: "U" } });
});
afterAll(() => t.close());

const noSecrets = (res: { text: string }) => {
  expect(res.text).not.toMatch(/password_hash|argon2/);
};

describe("users (CR-2)", () => {
  it("create with a password → 201 without password_hash; password_changed_at set", async () => {
    const res = await t.request("POST", "/api/v1/users", {
      token,
      body: {
        id: "user_carol",
        email: "  Carol@Example.test ",
        password: "correct horse battery",
        username: "carol",
      },
    });
    expect(res.status).toBe(201);
    noSecrets(res);
    expect(res.body.data).toMatchObject({
      id: "user_carol",
      email: "carol@example.test",
      username: "carol",
      phone: null,
      status: "active",
      metadata: {},
      last_login_at: null,
    });
    expect(res.body.data.password_changed_at).toEqual(expect.any(String));
    const row = await t.deps.db
      .selectFrom("users")
      .select("password_hash")
      .where("id", "=", "user_carol")
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it("read, list, patch, disable, restore never return password_hash; each mutation audited once by the actor", async () => {
    const read = await t.request("GET", "/api/v1/users/user_carol", { token });
    noSecrets(read);
    const list = await t.request("GET", "/api/v1/users", { token });
    noSecrets(list);
    expect(list.body.data.map((u: { id: string }) => u.id)).toContain("user_carol");
    const patch = await t.request("PATCH", "/api/v1/users/user_carol", { token, body: { phone: "+100" } });
    expect(patch.body.data.phone).toBe("+100");
    noSecrets(patch);
    const disable = await t.request("POST", "/api/v1/users/user_carol/disable", { token });
    expect(disable.body.data.status).toBe("disabled");
    noSecrets(disable);
    const restore = await t.request("POST", "/api/v1/users/user_carol/restore", {
      token,
      body: { audit_space_id: "space_u" },
    });
    expect(restore.body.data.status).toBe("active");
    noSecrets(restore);
    const audits = await auditRowsFor(t, "user", "user_carol");
    expect(audits.map((a) => a.action)).toEqual([
      "user.created",
      "user.updated",
      "user.disabled",
      "user.restored",
    ]);
    expect(audits.every((a) => a.actor_user_id === "user_root")).toBe(true);
    expect(audits.map((a) => a.space_id)).toEqual([null, null, null, "space_u"]);
    expect(JSON.stringify(audits)).not.toMatch(/password_hash|argon2|correct horse/);
  });

  it("a password change revokes the user's sessions, in the same request", async () => {
    const session = await insertSession(t, "user_carol");
    expect((await t.request("GET", "/api/v1/actor/context", { token: session })).status).not.toBe(401);
    const res = await t.request("PATCH", "/api/v1/users/user_carol", {
      token,
      body: { password: "another long passphrase" },
    });
    expect(res.status).toBe(200);
    noSecrets(res);
    const rows = await t.deps.db
      .selectFrom("sessions")
      .select("revoked_at")
      .where("user_id", "=", "user_carol")
      .execute();
    expect(rows.every((r) => r.revoked_at !== null)).toBe(true);
    expect((await t.request("GET", "/api/v1/actor/context", { token: session })).status).toBe(401);
  });

  it("a weak password, a bad email or an unknown field → 400 naming it, nothing written", async () => {
    const weak = await t.request("POST", "/api/v1/users", {
      token,
      body: { id: "user_weak", email: "w@x.test", password: "short" },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.details.field).toBe("password");
    const email = await t.request("POST", "/api/v1/users", { token, body: { email: "not-an-email" } });
    expect(email.status).toBe(400);
    expect(email.body.error.message).toMatch(/^email/);
    const unknown = await t.request("POST", "/api/v1/users", {
      token,
      body: { email: "u@x.test", password_hash: "x" },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/password_hash/);
    const gone = await t.deps.db
      .selectFrom("users")
      .select("id")
      .where("id", "=", "user_weak")
      .executeTakeFirst();
    expect(gone).toBeUndefined();
  });

  it("duplicate id or email → 409 USER_CREATE_FAILED (CR-13); unknown → 404 USER_NOT_FOUND", async () => {
    const dupId = await t.request("POST", "/api/v1/users", {
      token,
      body: { id: "user_carol", email: "c2@x.test" },
    });
    expect(dupId.status).toBe(409);
    expect(dupId.body.error.code).toBe("USER_CREATE_FAILED");
    const dupEmail = await t.request("POST", "/api/v1/users", {
      token,
      body: { email: "CAROL@example.test" },
    });
    expect(dupEmail.status).toBe(409);
    const missing = await t.request("GET", "/api/v1/users/user_nobody", { token });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("USER_NOT_FOUND");
    expect(missing.body.request_id).toEqual(expect.any(String));
  });

  it("an API key mutation is attributed to the key", async () => {
    const key = await insertApiKey(t, { level: "instance", permissionKeys: ["users:manage"] });
    const res = await t.request("POST", "/api/v1/users", {
      apiKey: key,
      body: { id: "user_by_key", email: "k@x.test" },
    });
    expect(res.status).toBe(201);
    const [audit] = await auditRowsFor(t, "user", "user_by_key");
    expect(audit.actor_api_key_id).toMatch(/^ak_/);
  });
});

describe("users: no account takeover through users:manage", () => {
  it("an instance admin or instance API key with users:manage cannot change or disable a super admin; a super admin can", async () => {
    const helpdesk = await adminToken(t, "user_helpdesk", "instance_admin", "users:manage");
    const key = await insertApiKey(t, { level: "instance", permissionKeys: ["users:manage"] });
    for (const cred of [{ token: helpdesk }, { apiKey: key }]) {
      const pw = await t.request("PATCH", "/api/v1/users/user_root", {
        ...cred,
        body: { password: "attacker-chosen-password" },
      });
      expect(pw.status).toBe(403);
      expect(pw.body.error.code).toBe("ADMIN_PERMISSION_REQUIRED");
      const off = await t.request("POST", "/api/v1/users/user_root/disable", { ...cred, body: {} });
      expect(off.status).toBe(403);
    }
    // Ordinary users remain manageable by the helpdesk.
    await t.request("POST", "/api/v1/users", {
      token,
      body: { id: "user_plain", email: "plain@example.test" },
    });
    expect(
      (await t.request("POST", "/api/v1/users/user_plain/disable", { token: helpdesk, body: {} })).status,
    ).toBe(200);
    // The helpdesk admin may change its own password; a super admin may change the helpdesk's.
    expect(
      (
        await t.request("PATCH", "/api/v1/users/user_helpdesk", {
          token: helpdesk,
          body: { password: "a-new-long-password" },
        })
      ).status,
    ).toBe(200);
    expect(
      (await t.request("PATCH", "/api/v1/users/user_helpdesk", { token, body: { phone: "+1 555" } })).status,
    ).toBe(200);
  });

  it("the last super admin user cannot be disabled (409 LAST_SUPER_ADMIN)", async () => {
    const res = await t.request("POST", "/api/v1/users/user_root/disable", { token, body: {} });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("LAST_SUPER_ADMIN");
    const row = await t.deps.db
      .selectFrom("users")
      .select("status")
      .where("id", "=", "user_root")
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("active");
  });
});
