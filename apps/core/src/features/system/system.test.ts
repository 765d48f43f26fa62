import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/harness.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("system routes", () => {
  it("health answers without credentials", async () => {
    const res = await t.request("GET", "/api/v1/health");
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ status: "ok" });
    expect(res.body.request_id).toMatch(/^req_[0-9a-f]{16}$/);
    expect(res.body).not.toHaveProperty("meta");
    expect(res.headers.get("x-request-id")).toBe(res.body.request_id);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("ready reports the schema version when migrations are current", async () => {
    const res = await t.request("GET", "/api/v1/ready");
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe("ready");
    expect(res.body.data.schema_version).toBe(res.body.data.expected_schema_version);
  });

  it("version reports core, api, schema and trace versions", async () => {
    const res = await t.request("GET", "/api/v1/version");
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      api_version: "v1",
      trace_version: "1.0",
      core_version: expect.any(String),
    });
    expect(res.body.data.schema_version).toBe(res.body.data.expected_schema_version);
  });

  it("echoes a valid client X-Request-ID and replaces an invalid one", async () => {
    const good = await t.request("GET", "/api/v1/health", { headers: { "x-request-id": "client-req-42" } });
    expect(good.body.request_id).toBe("client-req-42");
    expect(good.headers.get("x-request-id")).toBe("client-req-42");
    const bad = await t.request("GET", "/api/v1/health", { headers: { "x-request-id": 'has "quotes"' } });
    expect(bad.body.request_id).toMatch(/^req_/);
  });

  it("unknown route → 404 NOT_FOUND envelope; wrong method → 405", async () => {
    const missing = await t.request("GET", "/api/v1/does-not-exist", {
      headers: { "x-request-id": "r-404" },
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { code: "NOT_FOUND", message: expect.any(String), details: null, request_id: "r-404" },
      request_id: "r-404",
    });
    expect(missing.headers.get("x-plystra-error-code")).toBe("NOT_FOUND");
    const wrong = await t.request("DELETE", "/api/v1/health");
    expect(wrong.status).toBe(405);
    expect(wrong.body.error.code).toBe("METHOD_NOT_ALLOWED");
    expect(wrong.body.request_id).toEqual(expect.any(String));
  });

  it("OPTIONS preflight is answered with 204 and CORS headers for an allowed origin", async () => {
    const res = await t.request("OPTIONS", "/api/v1/authz/check", {
      headers: { origin: "http://localhost:5173" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(res.headers.get("access-control-max-age")).toBe("600");
    expect(res.headers.get("access-control-allow-methods")?.split(/,\s*/)).toEqual(
      expect.arrayContaining(["GET", "POST", "PATCH", "PUT", "DELETE"]),
    );
    expect(res.headers.get("access-control-allow-headers")?.split(/,\s*/)).toEqual(
      expect.arrayContaining(["Authorization", "Content-Type", "X-Request-ID", "X-Plystra-API-Key"]),
    );
    expect(res.headers.get("access-control-expose-headers")).toContain("X-Plystra-Trace-ID");
    const other = await t.request("OPTIONS", "/api/v1/health", {
      headers: { origin: "https://evil.example" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("ready → 503 NOT_READY when a migration is pending", async () => {
    // Simulate a newer build: hide the newest applied migration from the ledger view.
    await sql`ALTER TABLE schema_migrations RENAME TO schema_migrations_hidden`.execute(t.deps.db);
    await sql`CREATE TABLE schema_migrations AS SELECT * FROM schema_migrations_hidden WHERE version < '002'`.execute(
      t.deps.db,
    );
    try {
      const res = await t.request("GET", "/api/v1/ready");
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe("NOT_READY");
    } finally {
      await sql`DROP TABLE schema_migrations`.execute(t.deps.db);
      await sql`ALTER TABLE schema_migrations_hidden RENAME TO schema_migrations`.execute(t.deps.db);
    }
  });
});
