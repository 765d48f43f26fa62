import { resolve } from "node:path";

/** Placeholder secrets shipped in examples; never acceptable in production. */
export const SESSION_SECRET_PLACEHOLDER = "change-me-session-secret-at-least-32-characters";
export const API_KEY_SECRET_PLACEHOLDER = "change-me-api-key-secret-at-least-32-characters";
const DEFAULT_DATABASE_URL = "postgres://plystra:plystra@localhost:5432/plystra?sslmode=disable";
const DEFAULT_CORS = [
  "http://localhost:3000",
  "http://localhost:5173",
  "http://localhost:8080",
  "http://127.0.0.1:3000",
  "http://127.0.0.1:5173",
  "http://127.0.0.1:8080",
];

/**
 * Argon2id parameter bounds: the OWASP floor (19 MiB, 1 pass) up to 1 GiB / 10 passes. Config
 * refuses settings outside them and password verification refuses hashes outside them.
 */
export const ARGON2_LIMITS = { memoryKib: [19_456, 1_048_576], iterations: [1, 10] } as const;

export type AuditWriteMode = "always" | "deny_only" | "manual" | "disabled_for_dev";

export interface Config {
  readonly mode: "development" | "production";
  readonly isProduction: boolean;
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string | null;
  readonly coreVersion: string;
  /** PostgreSQL URL; null means the embedded PGlite database. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly databasePoolMax: number;
  readonly sessionSecret: string;
  readonly sessionSecretPrevious: readonly string[];
  readonly apiKeySecret: string;
  readonly apiKeySecretPrevious: readonly string[];
  readonly trustedProxies: readonly string[];
  readonly corsAllowedOrigins: readonly string[];
  readonly requestIdHeader: string;
  readonly maxRequestBodyBytes: number;
  readonly logFormat: "json" | "text";
  readonly logLevel: string;
  readonly auditWriteMode: AuditWriteMode;
  readonly traceVersion: string;
  readonly dataConsoleEnabled: boolean;
  /** Serve /docs and /api/v1/openapi.{json,yaml}: on in development, opt-in (API_DOCS_ENABLED) in production. */
  readonly apiDocsEnabled: boolean;
  readonly metricsEnabled: boolean;
  readonly metricsToken: string | null;
  readonly passwordMinLength: number;
  /** Argon2id memory cost (KiB) and passes for new password hashes. */
  readonly passwordHashMemoryKib: number;
  readonly passwordHashIterations: number;
  readonly loginMaxFailures: number;
  readonly loginWindowMs: number;
  readonly loginLockoutMs: number;
  readonly registrationEnabled: boolean;
  readonly registrationToken: string | null;
  readonly publicUserRegistrationEnabled: boolean;
  readonly bootstrapRegistrationEnabled: boolean;
  readonly bootstrapRegistrationToken: string | null;
  readonly demoSeed: boolean;
  readonly httpReadHeaderTimeoutMs: number;
  readonly httpReadTimeoutMs: number;
  readonly httpWriteTimeoutMs: number;
  readonly httpIdleTimeoutMs: number;
}

/** Thrown for unsafe or unparsable configuration; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`invalid configuration: ${variable} ${message}`);
  }
}

type Env = Record<string, string | undefined>;

const TRUTHY = new Set(["1", "true", "yes", "on", "enabled"]);

function pick(env: Env, ...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const v = env[name];
    if (v !== undefined && v.trim() !== "") return { name, value: v.trim() };
  }
  return undefined;
}

function flag(env: Env, ...names: string[]): boolean {
  const v = pick(env, ...names);
  return v ? TRUTHY.has(v.value.toLowerCase()) : false;
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go-style duration (`15m`, `1h30m`, `500ms`) or a bare integer meaning minutes. */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t) * 60_000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    consumed = re.lastIndex;
  }
  return consumed === t.length && consumed > 0 ? total : null;
}

function duration(env: Env, name: string, fallbackMs: number, strict: boolean): number {
  const raw = pick(env, name);
  if (!raw) return fallbackMs;
  const ms = parseDuration(raw.value);
  if (ms === null || ms <= 0) {
    if (strict)
      throw new ConfigError(name, `must be a positive duration such as 30s or 5m (got "${raw.value}")`);
    return fallbackMs;
  }
  return ms;
}

function integer(env: Env, name: string, fallback: number, min: number): number {
  const raw = pick(env, name);
  if (!raw) return fallback;
  const n = Number(raw.value);
  if (!Number.isInteger(n) || n < min)
    throw new ConfigError(name, `must be an integer >= ${min} (got "${raw.value}")`);
  return n;
}

/**
 * Reads the environment into a frozen, typed config. Throws ConfigError naming the variable when a
 * value is unparsable or (in production) unsafe.
 *
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: Env = process.env): Config {
  const modeRaw = pick(env, "SERVER_MODE", "PLYSTRA_ENV")?.value.toLowerCase();
  const isProduction = modeRaw === "production" || modeRaw === "prod";
  const db = pick(env, "DATABASE_URL", "PLYSTRA_DATABASE_URL");
  const sessionSecret =
    pick(env, "PLYSTRA_SESSION_SECRET")?.value ?? (isProduction ? "" : SESSION_SECRET_PLACEHOLDER);
  const apiKeySecret =
    pick(env, "PLYSTRA_API_KEY_SECRET")?.value ?? (isProduction ? "" : API_KEY_SECRET_PLACEHOLDER);
  const corsRaw = env.CORS_ALLOWED_ORIGINS;
  const auditModeRaw = (pick(env, "AUDIT_WRITE_MODE")?.value ?? "always").toLowerCase();
  const auditWriteMode: AuditWriteMode = (
    ["always", "deny_only", "manual", "disabled_for_dev"] as const
  ).includes(auditModeRaw as AuditWriteMode)
    ? (auditModeRaw as AuditWriteMode)
    : "always";
  const demoRaw = pick(env, "PLYSTRA_DEMO_SEED")?.value.toLowerCase();

  const config: Config = {
    mode: isProduction ? "production" : "development",
    isProduction,
    host: pick(env, "SERVER_HOST", "PLYSTRA_SERVER_HOST")?.value ?? "",
    port: integer(env, pick(env, "SERVER_PORT") ? "SERVER_PORT" : "PLYSTRA_SERVER_PORT", 8080, 0),
    publicUrl: pick(env, "SERVER_PUBLIC_URL", "PLYSTRA_SERVER_PUBLIC_URL")?.value ?? null,
    coreVersion: pick(env, "PLYSTRA_CORE_VERSION", "CORE_VERSION")?.value ?? "1.0.0",
    databaseUrl: db?.value ?? null,
    dataDir: resolve(pick(env, "PLYSTRA_DATA_DIR")?.value ?? ".plystra/data"),
    databasePoolMax: integer(env, "DATABASE_POOL_MAX", 10, 1),
    sessionSecret,
    sessionSecretPrevious: list(env.PLYSTRA_SESSION_SECRET_PREVIOUS),
    apiKeySecret,
    apiKeySecretPrevious: list(env.PLYSTRA_API_KEY_SECRET_PREVIOUS),
    trustedProxies: list(env.TRUSTED_PROXIES),
    corsAllowedOrigins: corsRaw === undefined ? DEFAULT_CORS : list(corsRaw),
    requestIdHeader: pick(env, "REQUEST_ID_HEADER")?.value ?? "X-Request-ID",
    maxRequestBodyBytes: integer(env, "MAX_REQUEST_BODY_BYTES", 1_048_576, 1),
    logFormat: pick(env, "LOG_FORMAT")?.value.toLowerCase() === "text" ? "text" : "json",
    logLevel: pick(env, "LOG_LEVEL")?.value ?? "info",
    auditWriteMode,
    traceVersion: pick(env, "TRACE_VERSION")?.value ?? "1.0",
    dataConsoleEnabled: flag(env, "DATA_CONSOLE_ENABLED"),
    apiDocsEnabled: pick(env, "API_DOCS_ENABLED") ? flag(env, "API_DOCS_ENABLED") : !isProduction,
    metricsEnabled: flag(env, "METRICS_ENABLED"),
    metricsToken: pick(env, "METRICS_TOKEN", "PLYSTRA_METRICS_TOKEN")?.value ?? null,
    passwordMinLength: integer(env, "PLYSTRA_PASSWORD_MIN_LENGTH", 12, 1),
    // The defaults are stronger than the floors in ARGON2_LIMITS.
    passwordHashMemoryKib: integer(
      env,
      "PLYSTRA_PASSWORD_HASH_MEMORY_KIB",
      65_536,
      ARGON2_LIMITS.memoryKib[0],
    ),
    passwordHashIterations: integer(env, "PLYSTRA_PASSWORD_HASH_ITERATIONS", 3, ARGON2_LIMITS.iterations[0]),
    loginMaxFailures: integer(env, "PLYSTRA_AUTH_LOGIN_MAX_FAILURES", 8, 1),
    loginWindowMs: duration(env, "PLYSTRA_AUTH_LOGIN_WINDOW", 15 * 60_000, false),
    loginLockoutMs: duration(env, "PLYSTRA_AUTH_LOGIN_LOCKOUT", 15 * 60_000, false),
    registrationEnabled: flag(env, "PLYSTRA_AUTH_REGISTRATION_ENABLED"),
    registrationToken: pick(env, "PLYSTRA_AUTH_REGISTRATION_TOKEN")?.value ?? null,
    publicUserRegistrationEnabled: flag(env, "PLYSTRA_AUTH_PUBLIC_USER_REGISTRATION_ENABLED"),
    bootstrapRegistrationEnabled: flag(env, "PLYSTRA_BOOTSTRAP_REGISTRATION_ENABLED"),
    bootstrapRegistrationToken: pick(env, "PLYSTRA_BOOTSTRAP_REGISTRATION_TOKEN")?.value ?? null,
    // Demo data is a development convenience only; production never seeds.
    demoSeed: !isProduction && demoRaw !== "false" && demoRaw !== "0" && demoRaw !== "off",
    httpReadHeaderTimeoutMs: duration(env, "HTTP_READ_HEADER_TIMEOUT", 5_000, true),
    httpReadTimeoutMs: duration(env, "HTTP_READ_TIMEOUT", 30_000, true),
    httpWriteTimeoutMs: duration(env, "HTTP_WRITE_TIMEOUT", 60_000, true),
    httpIdleTimeoutMs: duration(env, "HTTP_IDLE_TIMEOUT", 120_000, true),
  };
  if (config.passwordHashMemoryKib > ARGON2_LIMITS.memoryKib[1]) {
    throw new ConfigError(
      "PLYSTRA_PASSWORD_HASH_MEMORY_KIB",
      `must be at most ${ARGON2_LIMITS.memoryKib[1]} (1 GiB)`,
    );
  }
  if (config.passwordHashIterations > ARGON2_LIMITS.iterations[1]) {
    throw new ConfigError(
      "PLYSTRA_PASSWORD_HASH_ITERATIONS",
      `must be at most ${ARGON2_LIMITS.iterations[1]}`,
    );
  }
  if (isProduction) assertProductionSafe(config, env);
  return Object.freeze(config);
}

function weakSecret(value: string, ...placeholders: string[]): boolean {
  return value.length < 32 || placeholders.includes(value);
}

/** Production refuses unsafe settings before touching the database. Order matches upstream. */
function assertProductionSafe(c: Config, env: Env): void {
  if (!c.databaseUrl) throw new ConfigError("DATABASE_URL", "is required in production");
  if (c.databaseUrl === DEFAULT_DATABASE_URL || c.databaseUrl.includes("://plystra:plystra@")) {
    throw new ConfigError("DATABASE_URL", "uses the default plystra:plystra credentials");
  }
  if (weakSecret(c.sessionSecret, SESSION_SECRET_PLACEHOLDER)) {
    throw new ConfigError("PLYSTRA_SESSION_SECRET", "must be at least 32 characters and not the placeholder");
  }
  if (weakSecret(c.apiKeySecret, SESSION_SECRET_PLACEHOLDER, API_KEY_SECRET_PLACEHOLDER)) {
    throw new ConfigError("PLYSTRA_API_KEY_SECRET", "must be at least 32 characters and not a placeholder");
  }
  if (c.apiKeySecret === c.sessionSecret) {
    throw new ConfigError("PLYSTRA_API_KEY_SECRET", "must be distinct from PLYSTRA_SESSION_SECRET");
  }
  if (c.registrationEnabled && !c.publicUserRegistrationEnabled && (c.registrationToken ?? "").length < 32) {
    throw new ConfigError(
      "PLYSTRA_AUTH_REGISTRATION_TOKEN",
      "must be at least 32 characters when registration is enabled",
    );
  }
  if (c.bootstrapRegistrationEnabled && (c.bootstrapRegistrationToken ?? "").length < 32) {
    throw new ConfigError(
      "PLYSTRA_BOOTSTRAP_REGISTRATION_TOKEN",
      "must be at least 32 characters when bootstrap registration is enabled",
    );
  }
  if (c.sessionSecretPrevious.some((s) => weakSecret(s, SESSION_SECRET_PLACEHOLDER))) {
    throw new ConfigError(
      "PLYSTRA_SESSION_SECRET_PREVIOUS",
      "entries must be at least 32 characters and not the placeholder",
    );
  }
  if (
    c.apiKeySecretPrevious.some((s) => weakSecret(s, SESSION_SECRET_PLACEHOLDER, API_KEY_SECRET_PLACEHOLDER))
  ) {
    throw new ConfigError(
      "PLYSTRA_API_KEY_SECRET_PREVIOUS",
      "entries must be at least 32 characters and not a placeholder",
    );
  }
  if (env.CORS_ALLOWED_ORIGINS === undefined || c.corsAllowedOrigins.length === 0) {
    throw new ConfigError("CORS_ALLOWED_ORIGINS", "must list explicit origins in production");
  }
  if (c.corsAllowedOrigins.includes("*")) {
    throw new ConfigError("CORS_ALLOWED_ORIGINS", "must not contain the * wildcard in production");
  }
  if (!c.publicUrl) throw new ConfigError("SERVER_PUBLIC_URL", "is required in production");
  let host: string;
  try {
    host = new URL(c.publicUrl).hostname.replace(/^\[|\]$/g, "");
  } catch {
    throw new ConfigError("SERVER_PUBLIC_URL", "is not a valid URL");
  }
  if (["localhost", "127.0.0.1", "::1"].includes(host)) {
    throw new ConfigError("SERVER_PUBLIC_URL", "must not point at localhost in production");
  }
}
