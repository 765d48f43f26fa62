import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";
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
    ["PLYSTRA_SESSION_SECRET", { PLYSTRA_SESSION_SECRET: "our-prod-secret-CHANGE_ME-0123456789abcdef" }],
    [
      "PLYSTRA_SESSION_SECRET",
      { PLYSTRA_SESSION_SECRET: "CHANGE-ME-generate-a-random-session-secret-of-64-hex" },
    ],
    [
      "PLYSTRA_API_KEY_SECRET",
      { PLYSTRA_API_KEY_SECRET: "CHANGE-ME-generate-a-random-api-key-secret-of-64-hex" },
    ],
    ["DATABASE_URL", { DATABASE_URL: "postgres://plystra_core:change-me-postgres-password@db:5432/plystra" }],
    ["DATABASE_URL", { DATABASE_URL: "postgres://core:Change-Me@db:5432/plystra" }],
    ["AUDIT_WRITE_MODE", { AUDIT_WRITE_MODE: "disabled_for_dev" }],
    ["METRICS_TOKEN", { METRICS_ENABLED: "true", METRICS_TOKEN: "abc" }],
    [
      "PLYSTRA_METRICS_TOKEN",
      { METRICS_ENABLED: "true", PLYSTRA_METRICS_TOKEN: "change-me-metrics-token-0123456789abcdef" },
    ],
    ["PLYSTRA_DEMO_SEED", { PLYSTRA_DEMO_SEED: "true" }],
    ["PLYSTRA_API_KEY_SECRET_PREVIOUS", { PLYSTRA_API_KEY_SECRET_PREVIOUS: `${"p".repeat(40)},change-me` }],
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

  it("a long enough metrics token, or none at all (sessions with metrics:read), passes in production", () => {
    expect(
      loadConfig({ ...STRONG_PROD, METRICS_ENABLED: "true", METRICS_TOKEN: "m".repeat(32) }).metricsToken,
    ).toBe("m".repeat(32));
    expect(loadConfig({ ...STRONG_PROD, METRICS_ENABLED: "true" }).metricsEnabled).toBe(true);
  });

  it.each([
    ["SERVER_MODE", { SERVER_MODE: "staging" }],
    ["PLYSTRA_ENV", { PLYSTRA_ENV: "qa" }],
    ["AUDIT_WRITE_MODE", { AUDIT_WRITE_MODE: "alwasy" }],
    ["LOG_FORMAT", { LOG_FORMAT: "xml" }],
    ["LOG_LEVEL", { LOG_LEVEL: "verbose" }],
    ["METRICS_ENABLED", { METRICS_ENABLED: "maybe" }],
    ["PLYSTRA_DEMO_SEED", { PLYSTRA_DEMO_SEED: "nope" }],
    ["SERVER_PORT", { SERVER_PORT: "99999" }],
    ["SERVER_PORT", { SERVER_PORT: "-1" }],
    ["PLYSTRA_SERVER_PORT", { PLYSTRA_SERVER_PORT: "80a" }],
    ["PLYSTRA_AUTH_LOGIN_WINDOW", { PLYSTRA_AUTH_LOGIN_WINDOW: "forever" }],
    ["PLYSTRA_AUTH_LOGIN_LOCKOUT", { PLYSTRA_AUTH_LOGIN_LOCKOUT: "0s" }],
    ["PLYSTRA_PASSWORD_HASH_MEMORY_KIB", { PLYSTRA_PASSWORD_HASH_MEMORY_KIB: "2000000" }],
    ["TRUSTED_PROXIES", { TRUSTED_PROXIES: "10.0.0.0/8,not-an-ip" }],
    ["TRUSTED_PROXIES", { TRUSTED_PROXIES: "2001:db8::/200" }],
  ])("refuses an unknown or out-of-range %s in any mode", (variable, override) => {
    const err = refusal(override);
    expect(err.problems.map((p) => p.variable)).toEqual([variable]);
    expect(err.message).toContain(variable);
  });

  it("reports every problem at once, one line per variable", () => {
    const err = refusal({
      SERVER_PORT: "99999",
      AUDIT_WRITE_MODE: "sometimes",
      PLYSTRA_AUTH_LOGIN_WINDOW: "x",
      LOG_FORMAT: "xml",
    });
    expect(err.problems.map((p) => p.variable)).toEqual([
      "SERVER_PORT",
      "LOG_FORMAT",
      "AUDIT_WRITE_MODE",
      "PLYSTRA_AUTH_LOGIN_WINDOW",
    ]);
    expect(err.message).toContain("4 problems");
    for (const v of ["SERVER_PORT", "LOG_FORMAT", "AUDIT_WRITE_MODE", "PLYSTRA_AUTH_LOGIN_WINDOW"]) {
      expect(err.message).toMatch(new RegExp(`^  - ${v} `, "m"));
    }
  });

  it("lists parse problems and production problems together", () => {
    const err = refusal({ ...STRONG_PROD, SERVER_PORT: "70000", PLYSTRA_SESSION_SECRET: "short" });
    expect(err.problems.map((p) => p.variable)).toEqual(["SERVER_PORT", "PLYSTRA_SESSION_SECRET"]);
  });

  it("accepts IPv6 and IPv4 trusted proxies with CIDR ranges", () => {
    const c = loadConfig({ TRUSTED_PROXIES: "10.0.0.0/8, 2001:db8::/32, ::1, 203.0.113.7" });
    expect(c.trustedProxies).toEqual(["10.0.0.0/8", "2001:db8::/32", "::1", "203.0.113.7"]);
  });

  it("seeds the demo on the embedded database, but on a real database only with PLYSTRA_DEMO_SEED=true", () => {
    expect(loadConfig({}).demoSeed).toBe(true);
    expect(loadConfig({ PLYSTRA_DEMO_SEED: "false" }).demoSeed).toBe(false);
    expect(loadConfig({ DATABASE_URL: "postgres://core:pw@db/plystra" }).demoSeed).toBe(false);
    expect(
      loadConfig({ DATABASE_URL: "postgres://core:pw@db/plystra", PLYSTRA_DEMO_SEED: "true" }).demoSeed,
    ).toBe(true);
    // An unknown mode never quietly means development (and its demo seed).
    expect(() =>
      loadConfig({ SERVER_MODE: "staging", DATABASE_URL: "postgres://core:pw@db/plystra" }),
    ).toThrow(/SERVER_MODE must be one of development, production \(got "staging"\)/);
  });

  it("API docs default on in development and off in production; API_DOCS_ENABLED overrides", () => {
    expect(loadConfig({}).apiDocsEnabled).toBe(true);
    expect(loadConfig(STRONG_PROD).apiDocsEnabled).toBe(false);
    expect(loadConfig({ ...STRONG_PROD, API_DOCS_ENABLED: "true" }).apiDocsEnabled).toBe(true);
    expect(loadConfig({ API_DOCS_ENABLED: "off" }).apiDocsEnabled).toBe(false);
  });

  describe("infra/.env.example", () => {
    const example = parseEnv(readFileSync(new URL("../../../infra/.env.example", import.meta.url), "utf8"));

    it("loaded verbatim in production is refused, listing every problem in one message", () => {
      const err = refusal(example as Record<string, string>);
      expect(err.problems.map((p) => p.variable)).toEqual([
        "DATABASE_URL",
        "PLYSTRA_SESSION_SECRET",
        "PLYSTRA_API_KEY_SECRET",
      ]);
      for (const v of ["DATABASE_URL", "PLYSTRA_SESSION_SECRET", "PLYSTRA_API_KEY_SECRET"]) {
        expect(err.message).toContain(v);
      }
    });

    it("as Compose runs it (DATABASE_URL from DOCKER_DATABASE_URL) the placeholder password is refused too", () => {
      const err = refusal({ ...example, DATABASE_URL: example.DOCKER_DATABASE_URL } as Record<
        string,
        string
      >);
      expect(err.problems).toEqual([
        { variable: "DATABASE_URL", message: expect.stringContaining("placeholder password") },
        { variable: "PLYSTRA_SESSION_SECRET", message: expect.stringContaining("placeholder") },
        { variable: "PLYSTRA_API_KEY_SECRET", message: expect.stringContaining("placeholder") },
      ]);
    });

    it("with the CHANGE ME values replaced it starts", () => {
      const c = loadConfig({
        ...example,
        DATABASE_URL: "postgres://plystra_core:Zq8vN3xT7wLp2Rk@postgres:5432/plystra",
        PLYSTRA_SESSION_SECRET: "a".repeat(64),
        PLYSTRA_API_KEY_SECRET: "b".repeat(64),
      } as Record<string, string>);
      expect(c.isProduction).toBe(true);
      expect(c.auditWriteMode).toBe("always");
    });
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
