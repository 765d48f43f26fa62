import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminToken, insertApiKey, superAdminToken } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { hmacHex } from "../../security/tokens.ts";
import { ensureSpace, expectNoSecretsLeaked, insertGroup, trackResponses } from "../../../test/accounts.ts";

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
  root = await superAdminToken(t);
});
afterAll(async () => {
  await expectNoSecretsLeaked(t, seen);
  await t.close();
});

const create = (token: string, body: Record<string, unknown>) =>
  t.request("POST", "/api/v1/api-keys", { token, body });

describe("create", () => {
  it("returns the plaintext once as api_key and key, stores only its HMAC, and the key works", async () => {
    const res = await create(root, {
      name: "billing",
      level: "instance",
      permission_keys: ["Admin_grants:read", "instance:read"].map((k) => k.toLowerCase()),
      metadata: { team: "billing" },
    });
    expect(res.status).toBe(201);
    const d = res.body.data;
    expect(d.api_key).toMatch(new RegExp(`^ply_ak_${d.id}\\.[0-9a-f]{64}$`));
    expect(d.key).toBe(d.api_key);
    expect(d.key_prefix).toBe(`ply_ak_${d.id}`);
    expect(d.id).toMatch(/^ak_/);
    expect(d.created_by_user_id).toBe("user_root");
    expect(d).not.toHaveProperty("key_hash");
    const row = await t.deps.db
      .selectFrom("api_keys")
      .selectAll()
      .where("id", "=", d.id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(hmacHex(t.config.apiKeySecret, d.api_key));

    const viaHeader = await t.request("GET", "/api/v1/admin/me", { apiKey: d.api_key });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body.data.credential_type).toBe("api_key");
    const viaBearer = await t.request("GET", "/api/v1/admin/me", { token: d.api_key });
    expect(viaBearer.status).toBe(200);

    const detail = await t.request("GET", `/api/v1/api-keys/${d.id}`, { token: root });
    expect(detail.status).toBe(200);
    expect(detail.body.data).not.toHaveProperty("api_key");
    expect(detail.body.data).not.toHaveProperty("key");
    expect(detail.text).not.toContain(d.api_key.split(".")[1]);

    const audit = await t.deps.db
      .selectFrom("audit_logs")
      .selectAll()
      .where("action", "=", "api_key.created")
      .where("resource_id", "=", d.id)
      .executeTakeFirstOrThrow();
    expect(audit.actor_user_id).toBe("user_root");
    expect(JSON.stringify(audit.trace)).not.toContain(d.api_key.split(".")[1]);
    expect(JSON.stringify(audit.trace)).not.toContain(row.key_hash);
  });

  it("accepts a client id, trims and de-duplicates keys, and refuses a duplicate id with 409", async () => {
    const res = await create(root, {
      id: "ak_client_chosen",
      name: "client",
      level: "space",
      space_id: "space_a",
      permission_keys: [" users:read", "users:read", "spaces:read"],
    });
    expect(res.status).toBe(201);
    expect(res.body.data.permission_keys).toEqual(["users:read", "spaces:read"]);
    const dup = await create(root, {
      id: "ak_client_chosen",
      name: "again",
      level: "instance",
      permission_keys: ["users:read"],
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("API_KEY_CREATE_FAILED");
  });

  it.each([
    [{ name: "x", level: "instance", space_id: "space_a", permission_keys: ["users:read"] }, "space_id"],
    [{ name: "x", level: "space", permission_keys: ["users:read"] }, "space_id"],
    [{ name: "x", level: "space", space_id: "space_nope", permission_keys: ["users:read"] }, "space_id"],
    [
      { name: "x", level: "space", space_id: "space_a", group_id: "grp_fin", permission_keys: ["a:b"] },
      "group_id",
    ],
    [{ name: "x", level: "group", permission_keys: ["users:read"] }, "group_id"],
    [
      { name: "x", level: "group", group_id: "grp_fin", space_id: "space_b", permission_keys: ["a:b"] },
      "space_id",
    ],
    [{ name: "x", level: "instance", permission_keys: [] }, "permission_keys"],
    [{ name: "x", level: "instance", permission_keys: ["users:"] }, "permission_keys[0]"],
    [{ name: "x", level: "instance", permission_keys: ["users:read:extra"] }, "permission_keys[0]"],
    [{ name: "x", level: "instance", permission_keys: ["users:read", "*:read"] }, "permission_keys[1]"],
    [{ name: "x", level: "galaxy", permission_keys: ["users:read"] }, "level"],
    [{ level: "instance", permission_keys: ["users:read"] }, "name"],
    [
      { name: "x", level: "instance", permission_keys: ["users:read"], expires_at: "2001-01-01T00:00:00Z" },
      "expires_at",
    ],
    [{ name: "x", level: "instance", permission_keys: ["users:read"], expires_at: "tomorrow" }, "expires_at"],
    [{ name: "x", level: "instance", permission_keys: ["users:read"], owner: "me" }, "owner"],
    [{ name: "x", level: "instance", permission_keys: ["users:read"], id: "ak.with.dots" }, "id"],
  ])("rejects %j with a 400 naming %s", async (body, field) => {
    const before = await t.deps.db.selectFrom("api_keys").select("id").execute();
    const res = await create(root, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.message).toContain(field);
    expect(await t.deps.db.selectFrom("api_keys").select("id").execute()).toHaveLength(before.length);
  });
});

describe("use and revoke", () => {
  it("revoked and expired keys stop authenticating (SE-6)", async () => {
    const k = (
      await create(root, {
        name: "short-lived",
        level: "instance",
        permission_keys: ["instance:read"],
        expires_at: new Date(t.deps.now().getTime() + 60 * 60_000).toISOString(),
      })
    ).body.data;
    expect((await t.request("GET", "/api/v1/admin/me", { apiKey: k.api_key })).status).toBe(200);

    const revoked = await t.request("POST", `/api/v1/api-keys/${k.id}/revoke`, {
      token: root,
      body: { revoked_reason: "rotated" },
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.data.status).toBe("revoked");
    expect(revoked.body.data.revoked_by_user_id).toBe("user_root");
    expect(revoked.body.data.revoked_reason).toBe("rotated");
    expect(revoked.body.data.revoked_at).toBeTruthy();
    const use = await t.request("GET", "/api/v1/admin/me", { apiKey: k.api_key });
    expect(use.status).toBe(401);
    expect(use.body.error.code).toBe("AUTHENTICATION_REQUIRED");
    // Idempotent.
    const again = await t.request("POST", `/api/v1/api-keys/${k.id}/revoke`, { token: root });
    expect(again.status).toBe(200);
    expect(again.body.data.revoked_reason).toBe("rotated");
    const audits = await t.deps.db
      .selectFrom("audit_logs")
      .select("id")
      .where("action", "=", "api_key.revoked")
      .where("resource_id", "=", k.id)
      .execute();
    expect(audits).toHaveLength(1);

    const exp = (
      await create(root, {
        name: "expiring",
        level: "instance",
        permission_keys: ["instance:read"],
        expires_at: new Date(t.deps.now().getTime() + 60 * 60_000).toISOString(),
      })
    ).body.data;
    expect((await t.request("GET", "/api/v1/admin/me", { apiKey: exp.api_key })).status).toBe(200);
    t.clock.advance(2 * 60 * 60_000);
    expect((await t.request("GET", "/api/v1/admin/me", { apiKey: exp.api_key })).status).toBe(401);
    // The fixture session expired with the clock jump; later tests need a fresh one.
    root = await superAdminToken(t);
  });

  it("answers 404 API_KEY_NOT_FOUND for unknown ids", async () => {
    const a = await t.request("GET", "/api/v1/api-keys/ak_missing", { token: root });
    expect(a.status).toBe(404);
    expect(a.body.error.code).toBe("API_KEY_NOT_FOUND");
    const b = await t.request("POST", "/api/v1/api-keys/ak_missing/revoke", { token: root });
    expect(b.status).toBe(404);
  });

  it("requires a credential (SE-1)", async () => {
    for (const [m, p] of [
      ["GET", "/api/v1/api-keys"],
      ["POST", "/api/v1/api-keys"],
      ["GET", "/api/v1/api-keys/ak_x"],
      ["POST", "/api/v1/api-keys/ak_x/revoke"],
    ] as const) {
      const res = await t.request(m, p, { body: m === "POST" ? {} : undefined });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("AUTHENTICATION_REQUIRED");
    }
  });
});

describe("anti-escalation", () => {
  it("a user lacking api_keys:create is refused (SE-10)", async () => {
    const reader = await adminToken(t, "user_key_reader", "instance_admin", "api_keys:read");
    const res = await create(reader, { name: "x", level: "instance", permission_keys: ["users:read"] });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("ADMIN_PERMISSION_REQUIRED");
    expect(res.body.error.details.permission).toBe("api_keys:create");
  });

  it("cannot delegate a key the creator does not hold; the first one is named (SE-10)", async () => {
    const token = await adminToken(t, "user_key_minter", "instance_admin", "api_keys:create");
    await t.deps.db
      .insertInto("admin_grants")
      .values({
        id: "ag_minter_users",
        user_id: "user_key_minter",
        level: "instance_admin",
        permission_key: "users:read",
        metadata: "{}",
      })
      .execute();
    const ok = await create(token, { name: "ok", level: "instance", permission_keys: ["users:read"] });
    expect(ok.status).toBe(201);
    const res = await create(token, {
      name: "x",
      level: "instance",
      permission_keys: ["users:read", "spaces:manage", "audit:read"],
    });
    expect(res.status).toBe(403);
    expect(res.body.error.details.permission).toBe("spaces:manage");
  });

  it("an API key can mint narrower keys it holds, never broader ones", async () => {
    const parent = await insertApiKey(t, {
      level: "space",
      spaceId: "space_a",
      permissionKeys: ["api_keys:create", "users:read"],
    });
    const ok = await t.request("POST", "/api/v1/api-keys", {
      apiKey: parent,
      body: { name: "child", level: "space", space_id: "space_a", permission_keys: ["users:read"] },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.data.created_by_user_id).toBeNull();
    const broader = await t.request("POST", "/api/v1/api-keys", {
      apiKey: parent,
      body: { name: "child", level: "space", space_id: "space_a", permission_keys: ["users:manage"] },
    });
    expect(broader.status).toBe(403);
    expect(broader.body.error.details.permission).toBe("users:manage");
    const elsewhere = await t.request("POST", "/api/v1/api-keys", {
      apiKey: parent,
      body: { name: "child", level: "space", space_id: "space_b", permission_keys: ["users:read"] },
    });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error.details.permission).toBe("api_keys:create");
  });

  it("a space admin cannot create instance keys or keys in another Space, nor read instance keys (SE-8)", async () => {
    const sa = await adminToken(t, "user_space_admin", "space_admin", "*", { spaceId: "space_a" });
    const instance = await create(sa, { name: "x", level: "instance", permission_keys: ["users:read"] });
    expect(instance.status).toBe(403);
    expect(instance.body.error.details.permission).toBe("api_keys:create");
    const other = await create(sa, {
      name: "x",
      level: "space",
      space_id: "space_b",
      permission_keys: ["users:read"],
    });
    expect(other.status).toBe(403);
    const own = await create(sa, {
      name: "mine",
      level: "space",
      space_id: "space_a",
      permission_keys: ["users:read"],
    });
    expect(own.status).toBe(201);
    const inGroup = await create(sa, {
      name: "grp",
      level: "group",
      group_id: "grp_fin_apac",
      permission_keys: ["resources:read"],
    });
    expect(inGroup.status).toBe(201);
    expect(inGroup.body.data.space_id).toBe("space_a");

    const instanceKey = (
      await create(root, { name: "inst", level: "instance", permission_keys: ["users:read"] })
    ).body.data;
    const otherSpaceKey = (
      await create(root, { name: "b", level: "space", space_id: "space_b", permission_keys: ["users:read"] })
    ).body.data;

    const list = await t.request("GET", "/api/v1/api-keys?limit=200", { token: sa });
    expect(list.status).toBe(200);
    const ids = list.body.data.map((k: { id: string }) => k.id);
    expect(ids).toContain(own.body.data.id);
    expect(ids).toContain(inGroup.body.data.id);
    expect(ids).not.toContain(instanceKey.id);
    expect(ids).not.toContain(otherSpaceKey.id);
    for (const k of list.body.data) expect(k.space_id).toBe("space_a");

    const detail = await t.request("GET", `/api/v1/api-keys/${instanceKey.id}`, { token: sa });
    expect(detail.status).toBe(403);
    expect(detail.body.error.details.permission).toBe("api_keys:read");
    const revoke = await t.request("POST", `/api/v1/api-keys/${otherSpaceKey.id}/revoke`, { token: sa });
    expect(revoke.status).toBe(403);
    const stillActive = await t.deps.db
      .selectFrom("api_keys")
      .select("status")
      .where("id", "=", otherSpaceKey.id)
      .executeTakeFirstOrThrow();
    expect(stillActive.status).toBe("active");
  });

  it("a group admin sees its subtree's keys but not a sibling group's", async () => {
    const apacKey = (
      await create(root, { name: "apac", level: "group", group_id: "grp_fin_apac", permission_keys: ["a:b"] })
    ).body.data;
    const emeaKey = (
      await create(root, { name: "emea", level: "group", group_id: "grp_fin_emea", permission_keys: ["a:b"] })
    ).body.data;
    const ga = await adminToken(t, "user_apac_admin", "group_admin", "api_keys:read", {
      groupId: "grp_fin_apac",
    });
    const list = await t.request("GET", "/api/v1/api-keys?limit=200", { token: ga });
    expect(list.status).toBe(200);
    const ids = list.body.data.map((k: { id: string }) => k.id);
    expect(ids).toContain(apacKey.id);
    expect(ids).not.toContain(emeaKey.id);
    for (const k of list.body.data) expect(k.group_id).toBe("grp_fin_apac");
    expect((await t.request("GET", `/api/v1/api-keys/${emeaKey.id}`, { token: ga })).status).toBe(403);
    expect((await t.request("GET", `/api/v1/api-keys/${apacKey.id}`, { token: ga })).status).toBe(200);

    const parentAdmin = await adminToken(t, "user_fin_admin", "group_admin", "api_keys:read", {
      groupId: "grp_fin",
    });
    const parentIds = (
      await t.request("GET", "/api/v1/api-keys?limit=200", { token: parentAdmin })
    ).body.data.map((k: { id: string }) => k.id);
    expect(parentIds).toEqual(expect.arrayContaining([apacKey.id, emeaKey.id]));
  });
});

describe("list", () => {
  it("filters and paginates with a truthful cursor", async () => {
    await ensureSpace(t, "space_page");
    for (let i = 0; i < 5; i++) {
      await create(root, { name: `p${i}`, level: "space", space_id: "space_page", permission_keys: ["a:b"] });
    }
    const first = await t.request("GET", "/api/v1/api-keys?space_id=space_page&limit=2", { token: root });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.pagination).toMatchObject({ limit: 2, has_more: true });
    const seenIds = first.body.data.map((k: { id: string }) => k.id);
    let cursor = first.body.pagination.cursor;
    while (cursor) {
      const next = await t.request(
        "GET",
        `/api/v1/api-keys?space_id=space_page&limit=2&cursor=${encodeURIComponent(cursor)}`,
        { token: root },
      );
      seenIds.push(...next.body.data.map((k: { id: string }) => k.id));
      cursor = next.body.pagination.cursor;
      if (!cursor) expect(next.body.pagination.has_more).toBe(false);
    }
    expect(seenIds).toHaveLength(5);
    expect(new Set(seenIds).size).toBe(5);

    const levels = await t.request("GET", "/api/v1/api-keys?level=group&limit=200", { token: root });
    for (const k of levels.body.data) expect(k.level).toBe("group");
    const bad = await t.request("GET", "/api/v1/api-keys?status=sleeping", { token: root });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("status");
    const badCursor = await t.request("GET", "/api/v1/api-keys?cursor=zzz", { token: root });
    expect(badCursor.status).toBe(400);
  });
});

describe("keys minted by keys", () => {
  it("never outlive their parent: expiry is capped, a later one is refused, and revoking the parent revokes them", async () => {
    const parentExpiry = new Date(t.deps.now().getTime() + 3_600_000);
    const parent = await create(root, {
      name: "minter",
      level: "instance",
      permission_keys: ["api_keys:create", "api_keys:read", "instance:read"],
      expires_at: parentExpiry.toISOString(),
    });
    expect(parent.status).toBe(201);
    const mint = (body: Record<string, unknown>) =>
      t.request("POST", "/api/v1/api-keys", { apiKey: parent.body.data.api_key, body });
    const child = await mint({ name: "child", level: "instance", permission_keys: ["instance:read"] });
    expect(child.status).toBe(201);
    expect(new Date(child.body.data.expires_at).getTime()).toBe(parentExpiry.getTime());
    const later = await mint({
      name: "too-long",
      level: "instance",
      permission_keys: ["instance:read"],
      expires_at: new Date(parentExpiry.getTime() + 60_000).toISOString(),
    });
    expect(later.status).toBe(400);
    expect(later.body.error.details.field).toBe("expires_at");
    const grandchild = await t.request("POST", "/api/v1/api-keys", {
      apiKey: parent.body.data.api_key,
      body: { name: "gc-parent", level: "instance", permission_keys: ["api_keys:create", "instance:read"] },
    });
    const gc = await t.request("POST", "/api/v1/api-keys", {
      apiKey: grandchild.body.data.api_key,
      body: { name: "grandchild", level: "instance", permission_keys: ["instance:read"] },
    });
    expect(gc.status).toBe(201);
    expect(
      (await t.request("POST", `/api/v1/api-keys/${parent.body.data.id}/revoke`, { token: root, body: {} }))
        .status,
    ).toBe(200);
    for (const k of [child, grandchild, gc]) {
      const me = await t.request("GET", "/api/v1/admin/me", { apiKey: k.body.data.api_key });
      expect(me.status).toBe(401);
      const row = await t.request("GET", `/api/v1/api-keys/${k.body.data.id}`, { token: root });
      expect(row.body.data.status).toBe("revoked");
    }
  });
});
