import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/harness.ts";

const ORIGIN = "https://admin.example.test";

describe("CORS and the headers every answer carries", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ALLOWED_ORIGINS: ORIGIN } });
  });
  afterAll(() => t.close());

  function common(h: Headers) {
    expect(h.get("x-request-id")).toMatch(/\S/);
    expect(h.get("cache-control")).toBe("no-store");
    expect(h.get("x-content-type-options")).toBe("nosniff");
    expect(h.get("access-control-expose-headers")).toBe(
      "X-Request-ID,X-Plystra-Trace-ID,X-Plystra-Audit-Log-ID,Retry-After",
    );
    expect(h.get("vary")).toBe("Origin");
  }

  it("a server-to-server call (no Origin) gets the same headers, and no Allow-Origin", async () => {
    for (const [method, path] of [
      ["GET", "/api/v1/health"],
      ["GET", "/api/v1/spaces"], // 401 from the guard
      ["GET", "/api/v1/nope"], // 404 from notFound
    ] as const) {
      const res = await t.request(method, path);
      common(res.headers);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
  });

  it("an allowed Origin is echoed on answers and errors; another origin is not", async () => {
    const ok = await t.request("GET", "/api/v1/health", { headers: { origin: ORIGIN } });
    common(ok.headers);
    expect(ok.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    const err = await t.request("GET", "/api/v1/spaces", { headers: { origin: ORIGIN } });
    expect(err.status).toBe(401);
    common(err.headers);
    expect(err.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    const other = await t.request("GET", "/api/v1/health", { headers: { origin: "https://evil.test" } });
    common(other.headers);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("a preflight is answered 204 before authentication, with the allowed methods and headers", async () => {
    const res = await t.request("OPTIONS", "/api/v1/authz/check", {
      headers: { origin: ORIGIN, "access-control-request-method": "POST" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    expect(res.headers.get("access-control-allow-headers")).toContain("X-Plystra-API-Key");
    expect(res.headers.get("access-control-max-age")).toBe("600");
  });
});
