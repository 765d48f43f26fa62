// The check authenticates API keys from a per-process cache (hash and scope only) and reads the
// key's liveness inside its one context statement. These tests pin the security side of that: a
// revoked, expired or disabled key is refused (401, no decision, no audit row) on every app
// instance on the very next request, and a cached id never vouches for a wrong secret.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOnTwoInstances, insertApiKey } from "../../../test/fixtures.ts";
import type { TestApp } from "../../../test/harness.ts";
import { demoAlice } from "../demo/demo.seed.ts";

const ALICE = demoAlice();
const ALLOWED = { actor: ALICE, resource_type: "invoice", resource_id: "invoice_001", action: "approve" };

/** Instance A does the management calls; instance B is a second Core process on the same database. */
let a: TestApp;
let b: TestApp;
let root: string;

beforeAll(async () => {
  ({ a, b, root } = await demoOnTwoInstances());
});

afterAll(async () => {
  await b?.close();
  await a?.close();
});

const check = (t: TestApp, apiKey: string, body: unknown = ALLOWED) =>
  t.request("POST", "/api/v1/authz/check", { body, apiKey });
const explain = (t: TestApp, apiKey: string, body: unknown = ALLOWED) =>
  t.request("POST", "/api/v1/authz/explain", { body, apiKey });

async function createKey(permissionKeys: string[], extra: Record<string, unknown> = {}) {
  const res = await a.request("POST", "/api/v1/api-keys", {
    token: root,
    body: {
      name: `k-${Math.random().toString(36).slice(2)}`,
      level: "instance",
      permission_keys: permissionKeys,
      ...extra,
    },
  });
  expect(res.status).toBe(201);
  return res.body.data as { id: string; api_key: string };
}

async function decisionRows(keyId: string): Promise<number> {
  const r = await a.deps.db
    .selectFrom("audit_logs")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("actor_api_key_id", "=", keyId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

function expect401(res: { status: number; body: any }) {
  expect(res.status).toBe(401);
  expect(res.body.error.code).toBe("AUTHENTICATION_REQUIRED");
}

describe("API-key liveness on the check path", () => {
  it("check and explain authenticate from the cache; every other route reads the key again", async () => {
    const k = await createKey(["authz:check", "instance:read"]);
    expect((await check(b, k.api_key)).status).toBe(200);
    // Simulate a stored hash that no longer matches: the cached check path does not re-read the
    // hash (only liveness), a fully authenticated route does.
    const { key_hash } = await a.deps.db
      .selectFrom("api_keys")
      .select("key_hash")
      .where("id", "=", k.id)
      .executeTakeFirstOrThrow();
    await a.deps.db
      .updateTable("api_keys")
      .set({ key_hash: "0".repeat(64) })
      .where("id", "=", k.id)
      .execute();
    try {
      expect((await check(b, k.api_key)).status).toBe(200);
      expect((await explain(b, k.api_key)).status).toBe(200);
      expect401(await b.request("GET", "/api/v1/admin/me", { apiKey: k.api_key }));
    } finally {
      await a.deps.db.updateTable("api_keys").set({ key_hash }).where("id", "=", k.id).execute();
    }
  });

  it("a key revoked through the API on instance A is refused on instance B at once, though B cached it", async () => {
    const k = await createKey(["authz:check"]);
    // Both instances hold the key in their caches (second call goes through the cache).
    for (const t of [a, b]) {
      expect((await check(t, k.api_key)).status).toBe(200);
      expect((await explain(t, k.api_key)).status).toBe(200);
    }
    const audited = await decisionRows(k.id);
    expect(audited).toBe(4);

    const revoked = await a.request("POST", `/api/v1/api-keys/${k.id}/revoke`, { token: root, body: {} });
    expect(revoked.status).toBe(200);

    expect401(await check(b, k.api_key));
    expect401(await explain(b, k.api_key));
    expect401(await check(a, k.api_key));
    expect401(await explain(a, k.api_key));
    // Stays refused (the failed liveness read evicted it; the full lookup refuses too).
    expect401(await check(b, k.api_key));
    expect(await decisionRows(k.id)).toBe(audited);
  });

  it("a dead key gets 401, not a 403 from a gate that reads loaded data", async () => {
    await a.deps.db
      .insertInto("spaces")
      .values({ id: "space_liveness_other", name: "Other", metadata: "{}" })
      .execute();
    const scoped = await insertApiKey(a, {
      level: "space",
      spaceId: "space_liveness_other",
      permissionKeys: ["authz:check"],
    });
    const keyId = scoped.slice("ply_ak_".length, scoped.lastIndexOf("."));
    const forbidden = await check(b, scoped);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe("ADMIN_PERMISSION_REQUIRED");
    await a.request("POST", `/api/v1/api-keys/${keyId}/revoke`, { token: root, body: {} });
    expect401(await check(b, scoped));
    expect(await decisionRows(keyId)).toBe(0);
  });

  it("an expired key is refused, by the cached expiry and by the statement's own clock check", async () => {
    const soon = new Date(b.deps.now().getTime() + 60 * 60_000);
    const k1 = await insertApiKey(a, { level: "instance", permissionKeys: ["authz:check"], expiresAt: soon });
    const k2 = await insertApiKey(a, { level: "instance", permissionKeys: ["authz:check"], expiresAt: soon });
    const id2 = k2.slice("ply_ak_".length, k2.lastIndexOf("."));
    expect((await check(b, k1)).status).toBe(200);
    expect((await check(b, k2)).status).toBe(200);
    const before = await a.deps.db.selectFrom("audit_logs").select("id").execute();

    // Expiry moved into the past behind the cache's back: only the statement can see it.
    await a.deps.db
      .updateTable("api_keys")
      .set({ expires_at: new Date(b.deps.now().getTime() - 1000) })
      .where("id", "=", id2)
      .execute();
    expect401(await check(b, k2));

    b.clock.advance(2 * 60 * 60_000);
    try {
      expect401(await check(b, k1));
      expect401(await explain(b, k1));
    } finally {
      b.clock.advance(-2 * 60 * 60_000);
    }
    expect(await a.deps.db.selectFrom("audit_logs").select("id").execute()).toHaveLength(before.length);
  });

  it("a disabled or deleted key is refused although cached", async () => {
    for (const set of [{ status: "disabled" }, { deleted_at: new Date() }]) {
      const k = await insertApiKey(a, { level: "instance", permissionKeys: ["authz:check"] });
      const id = k.slice("ply_ak_".length, k.lastIndexOf("."));
      expect((await check(b, k)).status).toBe(200);
      await a.deps.db.updateTable("api_keys").set(set).where("id", "=", id).execute();
      expect401(await check(b, k));
      expect401(await explain(b, k));
      expect(await decisionRows(id)).toBe(1);
    }
  });

  it("a wrong secret with a cached key id is refused and writes nothing", async () => {
    const k = await createKey(["authz:check"]);
    expect((await check(b, k.api_key)).status).toBe(200);
    const prefix = k.api_key.slice(0, k.api_key.lastIndexOf(".") + 1);
    const forged = `${prefix}${"ab".repeat(32)}`;
    expect401(await check(b, forged));
    expect401(await explain(b, forged));
    expect401(await check(b, `${k.api_key}0`));
    expect(await decisionRows(k.id)).toBe(1);
    // The genuine key still works afterwards.
    expect((await check(b, k.api_key)).status).toBe(200);
  });

  it("validation that needs no data may answer before liveness, but never decides or audits", async () => {
    const k = await createKey(["authz:check"]);
    expect((await check(b, k.api_key)).status).toBe(200);
    await a.request("POST", `/api/v1/api-keys/${k.id}/revoke`, { token: root, body: {} });
    const bad = await check(b, k.api_key, {
      resource_type: "invoice",
      resource_id: "invoice_001",
      action: "approve",
    });
    expect([400, 401]).toContain(bad.status);
    expect401(await check(b, k.api_key));
    expect(await decisionRows(k.id)).toBe(1);
  });

  it("a revoked cached key gets 401 even when its request is also invalid (no actor, malformed JSON)", async () => {
    const k = await createKey(["authz:check"]);
    expect((await check(b, k.api_key)).status).toBe(200); // now cached on B
    const revoke = await a.request("POST", `/api/v1/api-keys/${k.id}/revoke`, { token: root, body: {} });
    expect(revoke.status).toBe(200);
    const before = await decisionRows(k.id);
    expect401(
      await check(b, k.api_key, { resource_type: "invoice", resource_id: "invoice_001", action: "approve" }),
    );
    expect401(await b.request("POST", "/api/v1/authz/check", { rawBody: "{not json", apiKey: k.api_key }));
    expect(await decisionRows(k.id)).toBe(before);
    // A live key with the same invalid body still gets the 400 naming the problem.
    const live = await createKey(["authz:check"]);
    expect((await check(b, live.api_key)).status).toBe(200);
    const invalid = await check(b, live.api_key, {
      resource_type: "invoice",
      resource_id: "invoice_001",
      action: "approve",
    });
    expect(invalid.status).toBe(400);
  });
});
