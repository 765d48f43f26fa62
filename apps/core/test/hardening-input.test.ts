// Issue 10, "500s from input" and "HTTP conduct": request input never reaches a 500, every
// validation error has one shape naming the field, and the protocol details are right.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { seedDemo } from "../src/features/demo/demo.seed.ts";
import { parseDateTime } from "../src/http/datetime.ts";
import { createLogger } from "../src/lib/logger.ts";
import { insertApiKey, superAdminToken } from "./fixtures.ts";
import { createTestApp, type TestApp } from "./harness.ts";

let t: TestApp;
let root: string;
beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.deps.db);
  root = await superAdminToken(t);
});
afterAll(() => t.close());

const SPACE = "/api/v1/spaces/space_acme";

function expectValidation(res: { status: number; body: any }, field: string, reason?: string) {
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe("VALIDATION_FAILED");
  expect(Object.keys(res.body.error.details).sort()).toEqual(["field", "reason"]);
  expect(res.body.error.details.field).toBe(field);
  if (reason !== undefined) expect(res.body.error.details.reason).toBe(reason);
  expect(res.body.error.message).toContain(field);
}

describe("path decoding", () => {
  it.each(["/api/v1/users/%ZZ", "/api/v1/users/%E2%82", `${SPACE}/groups/%`])(
    "malformed percent-encoding in %s is a 400 naming the parameter",
    async (path) => {
      const res = await t.request("GET", path, { token: root });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      expect(res.body.error.details.reason).toBe("is not valid percent-encoding in the URL path");
    },
  );
});

describe("date-time fields", () => {
  it("one parser: any RFC 3339 offset becomes the right instant; impossible dates are refused", () => {
    expect(parseDateTime("2030-01-01T00:00:00+23:59")?.toISOString()).toBe("2029-12-31T00:01:00.000Z");
    expect(parseDateTime("2030-01-01T00:00:00-16:30")?.toISOString()).toBe("2030-01-01T16:30:00.000Z");
    expect(parseDateTime("2030-06-15t12:00:00.123456z")?.toISOString()).toBe("2030-06-15T12:00:00.123Z");
    for (const bad of [
      "2030-02-30T00:00:00Z",
      "2030-01-01T24:00:00Z",
      "2030-01-01T00:00:00+05:60",
      "0000-01-01T00:00:00Z",
      "2030-01-01",
      "2030-01-01T00:00:00",
      "tomorrow",
    ]) {
      expect(parseDateTime(bad), bad).toBeNull();
    }
  });

  it("user-member expires_at / linked_at with an offset beyond ±15:59 is stored, not a 500", async () => {
    const res = await t.request("POST", `${SPACE}/user-members`, {
      token: root,
      body: {
        id: "um_offset",
        user_id: "user_bob",
        member_id: "member_invoice_creator",
        expires_at: "2099-01-01T00:00:00+23:59",
        linked_at: "2026-01-01T12:00:00-20:00",
      },
    });
    expect(res.status).toBe(201);
    expect(new Date(res.body.data.expires_at).toISOString()).toBe("2098-12-31T00:01:00.000Z");
    expect(new Date(res.body.data.linked_at).toISOString()).toBe("2026-01-02T08:00:00.000Z");
    const patch = await t.request("PATCH", `${SPACE}/user-members/um_offset`, {
      token: root,
      body: { expires_at: "2098-06-01T00:00:00-23:00" },
    });
    expect(patch.status).toBe(200);
    expect(new Date(patch.body.data.expires_at).toISOString()).toBe("2098-06-01T23:00:00.000Z");
  });

  it.each([
    ["expires_at", "2099-02-30T00:00:00Z"],
    ["linked_at", "2026-01-01T00:00:00+24:00"],
  ])("an impossible %s is a 400 naming it", async (field, value) => {
    const res = await t.request("POST", `${SPACE}/user-members`, {
      token: root,
      body: { user_id: "user_bob", member_id: "member_invoice_creator", [field]: value },
    });
    expectValidation(res, field, "must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z");
  });

  it("audit filters and API-key expiry use the same parser", async () => {
    const audit = await t.request("GET", "/api/v1/audit/logs?created_at_from=2026-01-01T00:00:00%2B23:59", {
      token: root,
    });
    expect(audit.status).toBe(200);
    const bad = await t.request("GET", "/api/v1/audit/logs?created_at_to=2026-13-01T00:00:00Z", {
      token: root,
    });
    expectValidation(bad, "created_at_to");
    const key = await t.request("POST", "/api/v1/api-keys", {
      token: root,
      body: {
        name: "offset",
        level: "instance",
        permission_keys: ["users:read"],
        expires_at: "2099-01-01T00:00:00-23:59",
      },
    });
    expect(key.status).toBe(201);
    expect(new Date(key.body.data.expires_at).toISOString()).toBe("2099-01-01T23:59:00.000Z");
  });
});

describe("validation messages", () => {
  it("an empty field says it must not be empty, a missing one that it is required; no zod wording", async () => {
    const empty = await t.request("POST", "/api/v1/spaces", { token: root, body: { name: "" } });
    expectValidation(empty, "name", "must not be empty");
    expect(empty.body.error.message).toBe("name: must not be empty");
    const missing = await t.request("POST", "/api/v1/spaces", { token: root, body: {} });
    expectValidation(missing, "name", "is required");
    const wrongType = await t.request("POST", "/api/v1/spaces", { token: root, body: { name: 42 } });
    expectValidation(wrongType, "name", "must be a string");
    const long = await t.request("POST", "/api/v1/spaces", { token: root, body: { name: "x".repeat(201) } });
    expectValidation(long, "name", "must be at most 200 characters");
    const login = await t.request("POST", "/api/v1/auth/login", { body: { email: "", password: "x" } });
    expectValidation(login, "email", "must not be empty");
    for (const res of [empty, missing, wrongType, long, login]) {
      expect(res.body.error.message).not.toMatch(/Too (small|big)|expected|Invalid input/);
    }
  });

  it("on /authz/check too: an empty resource_id must not be empty, a missing one is required", async () => {
    const key = await insertApiKey(t, { level: "instance", permissionKeys: ["authz:check"] });
    const actor = {
      user_id: "user_alice",
      member_id: "member_finance_reviewer",
      user_member_id: "um_alice_finance_reviewer",
      space_id: "space_acme",
    };
    const empty = await t.request("POST", "/api/v1/authz/check", {
      apiKey: key,
      body: { actor, resource_type: "invoice", resource_id: " ", action: "approve" },
    });
    expectValidation(empty, "resource_id", "must not be empty");
    const absent = await t.request("POST", "/api/v1/authz/check", {
      apiKey: key,
      body: { actor, resource_type: "invoice", action: "approve" },
    });
    expectValidation(absent, "resource_id", "is required");
  });

  it("unknown body fields, query parameters and a nameless ?=… all name the offender in the same shape", async () => {
    const field = await t.request("POST", "/api/v1/spaces", {
      token: root,
      body: { name: "a", colour: "red" },
    });
    expectValidation(field, "colour", "is not a known field");
    const param = await t.request("GET", "/api/v1/spaces?colour=red", { token: root });
    expectValidation(param, "colour", "is not a known query parameter");
    const nameless = await t.request("GET", "/api/v1/spaces?=true", { token: root });
    expectValidation(nameless, "(query)", "has a parameter with an empty name");
    const limit = await t.request("GET", "/api/v1/spaces?limit=0", { token: root });
    expectValidation(limit, "limit");
    const json = await t.request("POST", "/api/v1/spaces", { token: root, rawBody: "{" });
    expect(json.status).toBe(400);
    // The v1.0 message, with the same details shape.
    expect(json.body.error).toMatchObject({
      message: "Request body is invalid JSON.",
      details: { field: "(body)", reason: "is not valid JSON" },
    });
  });
});

describe("HTTP conduct", () => {
  it("405 carries an Allow header listing the route's methods", async () => {
    const res = await t.request("PUT", "/api/v1/health");
    expect(res.status).toBe(405);
    expect(res.body.error.code).toBe("METHOD_NOT_ALLOWED");
    expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    const users = await t.request("DELETE", "/api/v1/users", { token: root });
    expect(users.status).toBe(405);
    expect(users.headers.get("allow")?.split(", ").sort()).toEqual(["GET", "HEAD", "OPTIONS", "POST"]);
  });

  it("the request log records the response size in bytes", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger(
      { logFormat: "json", logLevel: "info" },
      { write: (l: string) => void lines.push(JSON.parse(l)) },
    );
    const app = createApp({ ...t.deps, logger });
    const ok = await app.request("/api/v1/health");
    const okText = await ok.text();
    const missing = await app.request("/api/v1/nowhere");
    const missingText = await missing.text();
    const logged = lines.filter((l) => l.msg === "request");
    expect(logged.map((l) => l.bytes)).toEqual([Buffer.byteLength(okText), Buffer.byteLength(missingText)]);
  });
});

describe("an error that replaces an earlier error response", () => {
  it("is sent whole: no stale Content-Length from the replaced response", async () => {
    // A cached API key revoked after use: the handler's 400 (no actor) is replaced by the guard's 401.
    const key = await insertApiKey(t, { level: "instance", permissionKeys: ["authz:check"] });
    const headers = { "x-plystra-api-key": key, "content-type": "application/json" };
    const actor = {
      user_id: "user_alice",
      member_id: "member_finance_reviewer",
      user_member_id: "um_alice_finance_reviewer",
      space_id: "space_acme",
    };
    const body = { actor, resource_type: "invoice", resource_id: "invoice_001", action: "approve" };
    const first = await t.app.request("/api/v1/authz/check", {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    expect(first.status).toBe(200);
    await t.deps.db
      .updateTable("api_keys")
      .set({ status: "revoked" })
      .where("key_prefix", "!=", "")
      .execute();
    const res = await t.app.request("/api/v1/authz/check", {
      method: "POST",
      headers,
      body: JSON.stringify({ resource_type: "invoice", resource_id: "invoice_001", action: "approve" }),
    });
    const text = await res.text();
    expect(res.status).toBe(401);
    const length = res.headers.get("content-length");
    if (length !== null) expect(Number(length)).toBe(Buffer.byteLength(text));
  });
});
