// Issue 10, "Audit integrity": one redaction for every audit row, and management-mutation traces
// (HTTP and plystractl) in the contract's ApiOpenAPIMutationTrace shape.
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapSuperAdmin } from "../src/features/admin/bootstrap-super-admin.ts";
import { seedDemo } from "../src/features/demo/demo.seed.ts";
import { hasSecretKey, isSecretKey, redact } from "../src/lib/audit.ts";
import { insertGrant, insertUser } from "./fixtures.ts";
import { createTestApp, type TestApp } from "./harness.ts";
import { loadSpec } from "./spec-validator.ts";

let t: TestApp;
let alice: string;
beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.deps.db);
  await insertGrant(t, "user_alice", "instance_super_admin", "*");
  const login = await t.request("POST", "/api/v1/auth/login", {
    body: { email: "alice@example.com", password: "plystra-demo" },
  });
  expect(login.status).toBe(200);
  alice = login.body.data.access_token;
  // Act as a Member, so the trace has actor member ids to carry.
  const sw = await t.request("POST", "/api/v1/actor/switch-member", {
    token: alice,
    body: { user_member_id: "um_alice_finance_reviewer" },
  });
  expect(sw.status).toBe(200);
});
afterAll(() => t.close());

function mutationTraceValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: unknown) => void)(ajv);
  ajv.addSchema(loadSpec(), "spec");
  return ajv.compile({ $ref: "spec#/components/schemas/ApiOpenAPIMutationTrace" });
}

describe("redaction", () => {
  it("one rule for decision and mutation rows: api_key, token, secret, password keys go; ids stay", () => {
    for (const k of [
      "stripe_api_key",
      "apiKey",
      "x_api-key".replace("-", "_"),
      "password_hash",
      "refresh_token",
      "client_secret",
      "Authorization",
    ]) {
      expect(isSecretKey(k), k).toBe(true);
    }
    for (const k of ["api_key_id", "key_prefix", "permission_keys", "display_name", "session_id"]) {
      expect(isSecretKey(k), k).toBe(false);
    }
    expect(redact({ a: 1, nested: [{ stripe_api_key: "sk_live", keep: true }] })).toEqual({
      a: 1,
      nested: [{ keep: true }],
    });
    expect(hasSecretKey({ deep: { list: [{ github_token: "x" }] } })).toBe(true);
  });

  it("a mutation's stored changes drop a secret-looking metadata key (stripe_api_key)", async () => {
    const res = await t.request("POST", "/api/v1/spaces", {
      token: alice,
      body: { id: "space_vendor", name: "Vendor", metadata: { stripe_api_key: "sk_live_123", region: "eu" } },
    });
    expect(res.status).toBe(201);
    const row = await t.deps.db
      .selectFrom("audit_logs")
      .select(["trace"])
      .where("resource_id", "=", "space_vendor")
      .where("action", "=", "space.created")
      .executeTakeFirstOrThrow();
    const text = JSON.stringify(row.trace);
    expect(text).not.toContain("sk_live_123");
    expect(text).not.toContain("stripe_api_key");
    expect(text).toContain('"region":"eu"');
  });
});

describe("management-mutation traces match ApiOpenAPIMutationTrace", () => {
  it("over HTTP: created_at, the session's actor member ids, and the contract's shape", async () => {
    const res = await t.request("POST", "/api/v1/spaces", {
      token: alice,
      body: { id: "space_traced", name: "T" },
    });
    expect(res.status).toBe(201);
    // The audit API answer is itself validated against the spec by the harness.
    const list = await t.request("GET", "/api/v1/audit/logs?resource_id=space_traced", { token: alice });
    expect(list.status).toBe(200);
    const detail = await t.request("GET", `/api/v1/audit/logs/${list.body.data[0].id}`, { token: alice });
    const trace = detail.body.data.trace;
    expect(trace).toMatchObject({
      kind: "management_mutation",
      decision: "allow",
      actor: {
        credential_type: "session",
        user_id: "user_alice",
        member_id: "member_finance_reviewer",
        user_member_id: "um_alice_finance_reviewer",
        api_key_id: null,
      },
      target: { resource_type: "space", resource_id: "space_traced" },
    });
    expect(Number.isNaN(Date.parse(trace.created_at))).toBe(false);
    const validate = mutationTraceValidator();
    expect(validate(trace), JSON.stringify(validate.errors)).toBe(true);
    expect(detail.body.data.actor_member_id).toBe("member_finance_reviewer");
  });

  it("plystractl bootstrap writes credential_type cli, which the contract's enum now lists", async () => {
    const iso = await createTestApp();
    try {
      await insertUser(iso, "user_ops");
      const out = await bootstrapSuperAdmin(iso.deps.db, { userId: "user_ops" });
      expect(out.status).toBe("created");
      const row = await iso.deps.db
        .selectFrom("audit_logs")
        .select(["trace"])
        .where("action", "=", "admin_grant.created")
        .executeTakeFirstOrThrow();
      const trace = row.trace as Record<string, any>;
      expect(trace.actor.credential_type).toBe("cli");
      const validate = mutationTraceValidator();
      expect(validate(trace), JSON.stringify(validate.errors)).toBe(true);
    } finally {
      await iso.close();
    }
  });
});
