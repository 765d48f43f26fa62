import { isPublic, OPERATIONS } from "@plystra/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSpace, expectNoSecretsLeaked, login, seedLoginUser, trackResponses } from "./accounts.ts";
import { adminToken, insertGrant, superAdminToken } from "./fixtures.ts";
import { createTestApp, type TestApp } from "./harness.ts";

// SE-1 over the whole route table (not a sample), and the "no hash ever leaves the server" rule
// over the management, audit and console reads that echo user/session/key rows.

let t: TestApp;
let seen: string[];
let root: string;

beforeAll(async () => {
  t = await createTestApp();
  seen = trackResponses(t);
  root = await superAdminToken(t);
  await ensureSpace(t, "space_a");
});
afterAll(async () => {
  await expectNoSecretsLeaked(t, seen);
  await t.close();
});

// Session-only routes are "public" to the guard because their handlers demand a session themselves.
const HANDLER_GUARDED = [
  ["GET", "/api/v1/actor/context"],
  ["POST", "/api/v1/actor/switch-member"],
] as const;
const PROTECTED = [
  ...Object.values(OPERATIONS)
    .filter((op) => !isPublic(op.permission))
    .map(
      (op) =>
        [op.method, op.honoPath.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => `x_${name}`)] as const,
    ),
  ...HANDLER_GUARDED,
];

describe("SE-1 every protected route needs a credential", () => {
  it("the table protects the sensitive areas", () => {
    const paths = PROTECTED.map(([, p]) => p).join(" ");
    for (const area of [
      "/audit/",
      "/console/",
      "/users",
      "/spaces",
      "/resource-types",
      "/authz/",
      "/data/",
      "/admin/",
      "/api-keys",
    ]) {
      expect(paths, area).toContain(area);
    }
  });

  it.each(PROTECTED)("%s %s → 401 without, and with a forged, credential", async (method, path) => {
    const body = method === "GET" || method === "DELETE" ? undefined : {};
    for (const cred of [{}, { token: "ply_at_forged" }, { apiKey: "ply_ak_forged.secret" }]) {
      const res = await t.request(method, path, { body, ...cred });
      expect(res.status, JSON.stringify(cred)).toBe(401);
      expect(res.body.error.code).toBe("AUTHENTICATION_REQUIRED");
      expect(res.body.request_id).toBe(res.headers.get("x-request-id"));
    }
  });
});

describe("SE-2 a session holding an active admin grant reaches AuditLog and Core CRUD", () => {
  it("a space admin (not super) reads audit rows and manages groups in its Space; a revoked grant stops it", async () => {
    const token = await adminToken(t, "user_se2", "space_admin", "audit:read", { spaceId: "space_a" });
    const manage = await insertGrant(t, "user_se2", "space_admin", "groups:manage", { spaceId: "space_a" });
    await insertGrant(t, "user_se2", "space_admin", "groups:read", { spaceId: "space_a" });
    const created = await t.request("POST", "/api/v1/spaces/space_a/groups", {
      token,
      body: { name: "se2" },
    });
    expect(created.status, created.text).toBe(201);
    const groups = await t.request("GET", "/api/v1/spaces/space_a/groups", { token });
    expect(groups.status).toBe(200);
    expect(groups.body.data.map((g: { name: string }) => g.name)).toContain("se2");
    const audit = await t.request("GET", "/api/v1/spaces/space_a/audit-logs", { token });
    expect(audit.status).toBe(200);
    expect(audit.body.data.some((r: { action: string }) => r.action === "group.created")).toBe(true);
    const all = await t.request("GET", "/api/v1/audit/logs", { token });
    expect(all.status).toBe(200);
    for (const row of all.body.data) expect(row.space_id).toBe("space_a");

    await t.deps.db.updateTable("admin_grants").set({ status: "revoked" }).where("id", "=", manage).execute();
    const refused = await t.request("POST", "/api/v1/spaces/space_a/groups", {
      token,
      body: { name: "se2b" },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.permission).toBe("groups:manage");
  });
});

describe("no response carries a password hash or a token/key hash", () => {
  it("users, sessions, keys, audit snapshots and the console overview stay clean", async () => {
    await seedLoginUser(t, "user_leak");
    const session = await login(t, "user_leak@example.test");
    expect(session.status).toBe(200);
    const ctx = await t.request("GET", "/api/v1/actor/context", { token: session.body.data.access_token });
    expect(ctx.status).toBe(200);
    const created = await t.request("POST", "/api/v1/users", {
      token: root,
      body: { email: "leak2@example.test", password: "another correct horse battery" },
    });
    expect(created.status).toBe(201);
    const uid = created.body.data.id;
    await t.request("PATCH", `/api/v1/users/${uid}`, {
      token: root,
      body: { password: "yet another long passphrase" },
    });
    await t.request("POST", `/api/v1/users/${uid}/disable`, { token: root });
    await t.request("POST", `/api/v1/users/${uid}/restore`, { token: root });
    const key = await t.request("POST", "/api/v1/api-keys", {
      token: root,
      body: { name: "leak key", level: "instance", permission_keys: ["users:read"] },
    });
    expect(key.status).toBe(201);
    for (const path of [
      "/api/v1/users?limit=200",
      `/api/v1/users/${uid}`,
      "/api/v1/api-keys",
      `/api/v1/api-keys/${key.body.data.id}`,
      "/api/v1/admin/grants",
      "/api/v1/admin/me",
      "/api/v1/audit/logs?limit=200",
      "/api/v1/console/overview",
    ]) {
      const res = await t.request("GET", path, { token: root });
      expect(res.status, path).toBe(200);
    }
    const audits = await t.request("GET", "/api/v1/audit/logs?limit=200&resource_type=user", { token: root });
    expect(audits.body.data.length).toBeGreaterThan(0);
  });
});
