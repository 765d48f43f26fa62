import { describe, expect, it } from "vitest";
import { describeDatabase, startBanner, startInfo } from "./banner.ts";
import { loadConfig } from "./config.ts";

const PROD = {
  SERVER_MODE: "production",
  DATABASE_URL: "postgres://svc:TopSecretPassword123@db.internal:6432/plystra_prod?sslmode=require",
  PLYSTRA_SESSION_SECRET: "s".repeat(40),
  PLYSTRA_API_KEY_SECRET: "k".repeat(40),
  CORS_ALLOWED_ORIGINS: "https://admin.example.test",
  SERVER_PUBLIC_URL: "https://authz.example.test",
};

describe("start banner", () => {
  it("names PostgreSQL host and database but never the user or password", () => {
    const config = loadConfig(PROD);
    const text = startBanner(config, startInfo(config, 8080));
    expect(text).toContain("listening on https://authz.example.test");
    expect(text).toContain("PostgreSQL db.internal:6432/plystra_prod");
    expect(text).toContain("mode      production");
    expect(text).toContain("off (API_DOCS_ENABLED=true");
    expect(text).not.toContain("TopSecretPassword123");
    expect(text).not.toContain("svc");
    expect(text).not.toContain("alice");
  });

  it("in development names the embedded path, the docs URL and the demo super admin", () => {
    const config = loadConfig({ PLYSTRA_DATA_DIR: "/var/tmp/plystra-data" });
    const text = startBanner(config, startInfo(config, 9090));
    expect(text).toContain("listening on http://localhost:9090");
    expect(text).toContain("embedded PGlite in /var/tmp/plystra-data");
    expect(text).toContain("API docs  http://localhost:9090/docs");
    expect(text).toContain("alice@example.com / plystra-demo (instance super admin)");
  });

  it("describes an unparsable URL without echoing it", () => {
    expect(describeDatabase({ databaseUrl: "not a url:secret", dataDir: "" })).toBe(
      "PostgreSQL (unparsable DATABASE_URL)",
    );
  });
});
