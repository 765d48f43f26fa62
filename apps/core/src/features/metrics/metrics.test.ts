import { afterAll, describe, expect, it } from "vitest";
import { adminToken, insertApiKey } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";

const apps: TestApp[] = [];
afterAll(async () => {
  for (const a of apps) await a.close();
});
async function app(env: Record<string, string> = {}) {
  const t = await createTestApp({ env });
  apps.push(t);
  return t;
}

describe("/metrics", () => {
  it("is disabled by default (SE-3)", async () => {
    const t = await app();
    const res = await t.request("GET", "/metrics");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("FEATURE_DISABLED");
  });

  it("with a metrics token, requires exactly that token in any of the three places (SE-4)", async () => {
    const t = await app({ METRICS_ENABLED: "true", METRICS_TOKEN: "metrics-token-0123456789abcdef" });
    const none = await t.request("GET", "/metrics");
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("METRICS_TOKEN_REQUIRED");
    const wrong = await t.request("GET", "/metrics", {
      headers: { "x-plystra-metrics-token": "metrics-token-nope" },
    });
    expect(wrong.status).toBe(401);
    const variants: Record<string, string>[] = [
      { "x-plystra-metrics-token": "metrics-token-0123456789abcdef" },
      { "x-metrics-token": "metrics-token-0123456789abcdef" },
      { authorization: "Bearer metrics-token-0123456789abcdef" },
    ];
    for (const headers of variants) {
      const res = await t.request("GET", "/metrics", { headers });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
      expect(res.text).toContain("plystra_http_request_duration_seconds");
      expect(res.text).toMatch(/plystra_db_pool_connections\{state="total"\} \d+/);
    }
  });

  it("without a token, accepts a credential holding metrics:read only (SE-4)", async () => {
    const t = await app({ METRICS_ENABLED: "true" });
    const reader = await adminToken(t, "user_metrics", "instance_admin", "metrics:read");
    expect((await t.request("GET", "/metrics", { token: reader })).status).toBe(200);
    const key = await insertApiKey(t, { level: "instance", permissionKeys: ["metrics:read"] });
    expect((await t.request("GET", "/metrics", { apiKey: key })).status).toBe(200);
    const other = await adminToken(t, "user_nometrics", "instance_admin", "users:read");
    const denied = await t.request("GET", "/metrics", { token: other });
    expect(denied.status).toBe(401);
    expect(denied.body.error.code).toBe("METRICS_TOKEN_REQUIRED");
    expect((await t.request("GET", "/metrics")).status).toBe(401);
    expect((await t.request("GET", "/metrics", { token: "ply_at_forged" })).status).toBe(401);
  });
});
