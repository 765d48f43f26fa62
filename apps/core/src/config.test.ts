import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseDuration } from "./config.ts";

const STRONG_PROD = {
  SERVER_MODE: "production",
  DATABASE_URL: "postgres://core:s3cret@db.internal:5432/plystra",
  PLYSTRA_SESSION_SECRET: "s".repeat(40),
  PLYSTRA_API_KEY_SECRET: "k".repeat(40),
  CORS_ALLOWED_ORIGINS: "https://admin.example.com",
  SERVER_PUBLIC_URL: "https://auth.example.com",
};

function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected the configuration to be refused");
}

describe("loadConfig", () => {
  it("uses upstream defaults in development", () => {
    const c = loadConfig({});
    expect(c.mode).toBe("development");
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBeNull();
    expect(c.loginMaxFailures).toBe(8);
    expect(c.loginWindowMs).toBe(15 * 60_000);
    expect(c.maxRequestBodyBytes).toBe(1_048_576);
    expect(c.requestIdHeader).toBe("X-Request-ID");
    expect(c.metricsEnabled).toBe(false);
    expect(c.demoSeed).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it("reads aliases and truthy flags", () => {
    const c = loadConfig({
      PLYSTRA_SERVER_PORT: "9090",
      PLYSTRA_DATABASE_URL: "postgres://x/y",
      METRICS_ENABLED: "Yes",
    });
    expect(c.port).toBe(9090);
    expect(c.databaseUrl).toBe("postgres://x/y");
    expect(c.metricsEnabled).toBe(true);
  });

  it("accepts a strong production configuration and never seeds demo data there", () => {
    const c = loadConfig(STRONG_PROD);
    expect(c.isProduction).toBe(true);
    expect(c.demoSeed).toBe(false);
  });

  it.each([
    ["DATABASE_URL", { DATABASE_URL: "" }],
    ["DATABASE_URL", { DATABASE_URL: "postgres://plystra:plystra@db:5432/plystra" }],
    ["PLYSTRA_SESSION_SECRET", { PLYSTRA_SESSION_SECRET: "short" }],
    ["PLYSTRA_SESSION_SECRET", { PLYSTRA_SESSION_SECRET: "change-me-session-secret-at-least-32-characters" }],
    ["PLYSTRA_API_KEY_SECRET", { PLYSTRA_API_KEY_SECRET: "" }],
    ["PLYSTRA_API_KEY_SECRET", { PLYSTRA_API_KEY_SECRET: "s".repeat(40) }],
    [
      "PLYSTRA_AUTH_REGISTRATION_TOKEN",
      { PLYSTRA_AUTH_REGISTRATION_ENABLED: "true", PLYSTRA_AUTH_REGISTRATION_TOKEN: "short" },
    ],
    ["PLYSTRA_BOOTSTRAP_REGISTRATION_TOKEN", { PLYSTRA_BOOTSTRAP_REGISTRATION_ENABLED: "1" }],
    ["PLYSTRA_SESSION_SECRET_PREVIOUS", { PLYSTRA_SESSION_SECRET_PREVIOUS: "tiny" }],
    ["CORS_ALLOWED_ORIGINS", { CORS_ALLOWED_ORIGINS: "*" }],
    ["CORS_ALLOWED_ORIGINS", { CORS_ALLOWED_ORIGINS: "" }],
    ["SERVER_PUBLIC_URL", { SERVER_PUBLIC_URL: "http://localhost:8080" }],
    ["SERVER_PUBLIC_URL", { SERVER_PUBLIC_URL: "http://127.0.0.1" }],
    ["SERVER_PUBLIC_URL", { SERVER_PUBLIC_URL: "" }],
  ])("production refuses unsafe %s", (variable, override) => {
    const err = refusal({ ...STRONG_PROD, ...override } as Record<string, string>);
    expect(err.variable).toBe(variable);
    expect(err.message).toContain(variable);
  });

  it("public user-only registration needs no token in production", () => {
    expect(() =>
      loadConfig({
        ...STRONG_PROD,
        PLYSTRA_AUTH_REGISTRATION_ENABLED: "true",
        PLYSTRA_AUTH_PUBLIC_USER_REGISTRATION_ENABLED: "true",
      }),
    ).not.toThrow();
  });

  it("fails on unparsable HTTP timeouts, naming the variable", () => {
    expect(() => loadConfig({ HTTP_READ_TIMEOUT: "soon" })).toThrow(/HTTP_READ_TIMEOUT/);
  });
});

describe("parseDuration", () => {
  it.each([
    ["15m", 900_000],
    ["1h30m", 5_400_000],
    ["500ms", 500],
    ["10", 600_000],
    ["bogus", null],
    ["5x", null],
  ])("%s", (text, ms) => expect(parseDuration(text)).toBe(ms));
});
