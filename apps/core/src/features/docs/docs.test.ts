import { readFileSync } from "node:fs";
import { SPEC_PATH } from "@plystra/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { loadConfig } from "../../config.ts";

describe("API reference and root pointer (development default: on)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("GET / points at the docs instead of answering Route not found", async () => {
    const res = await t.request("GET", "/");
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: "Plystra Core", docs: "/docs", health: "/api/v1/health" });
    expect(res.body.request_id).toMatch(/^req_/);
  });

  it("serves the contract as JSON and YAML, identical to openapi/plystra.yaml", async () => {
    const committed = readFileSync(SPEC_PATH, "utf8");
    const yaml = await t.app.request("/api/v1/openapi.yaml");
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get("content-type")).toContain("application/yaml");
    expect(await yaml.text()).toBe(committed);
    const json = await t.app.request("/api/v1/openapi.json");
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual(parse(committed));
  });

  it("serves /docs with a same-origin-only content security policy and the bundled script", async () => {
    const page = await t.app.request("/docs");
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    const script = await t.app.request("/docs/scalar.js");
    expect(script.status).toBe(200);
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    const init = await (await t.app.request("/docs/init.js")).text();
    expect(init).toContain('"telemetry":false');
    expect(init).toContain('"withDefaultFonts":false');
  });
});

describe("API reference switched off", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { API_DOCS_ENABLED: "false" } });
  });
  afterAll(() => t.close());

  it("answers 404 FEATURE_DISABLED naming API_DOCS_ENABLED, and / says so", async () => {
    for (const path of ["/docs", "/docs/scalar.js", "/api/v1/openapi.json", "/api/v1/openapi.yaml"]) {
      const res = await t.request("GET", path);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe("FEATURE_DISABLED");
      expect(res.body.error.message).toContain("API_DOCS_ENABLED");
    }
    const root = await t.request("GET", "/");
    expect(root.body.data.docs).toBeNull();
  });

  it("is off by default in production and on with API_DOCS_ENABLED=true", () => {
    const prod = {
      SERVER_MODE: "production",
      DATABASE_URL: "postgres://svc:s3cret-value@db.internal:5432/plystra",
      PLYSTRA_SESSION_SECRET: "s".repeat(40),
      PLYSTRA_API_KEY_SECRET: "k".repeat(40),
      CORS_ALLOWED_ORIGINS: "https://admin.example.test",
      SERVER_PUBLIC_URL: "https://authz.example.test",
    };
    expect(loadConfig(prod).apiDocsEnabled).toBe(false);
    expect(loadConfig({ ...prod, API_DOCS_ENABLED: "true" }).apiDocsEnabled).toBe(true);
    expect(loadConfig({}).apiDocsEnabled).toBe(true);
  });
});
