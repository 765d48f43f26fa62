import { resolve } from "node:path";
import proxyaddr from "proxy-addr";
import { z } from "zod";

/** Placeholder secrets shipped in examples; never acceptable in production. */
export const SESSION_SECRET_PLACEHOLDER = "change-me-session-secret-at-least-32-characters";
export const API_KEY_SECRET_PLACEHOLDER = "change-me-api-key-secret-at-least-32-characters";
/** The secret values shipped in infra/.env.example (also refused by the `change-me` rule). */
const SHIPPED_EXAMPLE_SECRETS = [
  SESSION_SECRET_PLACEHOLDER,
  API_KEY_SECRET_PLACEHOLDER,
  "CHANGE-ME-generate-a-random-session-secret-of-64-hex",
  "CHANGE-ME-generate-a-random-api-key-secret-of-64-hex",
  "change-me-postgres-password",
];
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

export const AUDIT_WRITE_MODES = ["always", "deny_only", "manual", "disabled_for_dev"] as const;
export type AuditWriteMode = (typeof AUDIT_WRITE_MODES)[number];
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

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
  /** Core processes the cluster launcher runs (PLYSTRA_WORKERS; `auto` = one per core). */
  readonly workers: number | "auto";
  /** Audit flushes in flight per process (PLYSTRA_AUDIT_FLUSHES). */
  readonly auditFlushes: number;
  /** Entries per part of the decision-context cache (AUTHZ_CONTEXT_CACHE_ENTRIES; 0 = off). */
  readonly authzContextCacheEntries: number;
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
  /** Serve the OpenAPI document and API reference (API_DOCS_ENABLED; off by default in production). */
  readonly apiDocsEnabled: boolean;
  readonly httpReadHeaderTimeoutMs: number;
  readonly httpReadTimeoutMs: number;
  readonly httpWriteTimeoutMs: number;
  readonly httpIdleTimeoutMs: number;
}

/** One refused setting, naming the variable that holds it. */
export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

/** Thrown for unsafe or unparsable configuration; lists every problem at once, each naming its variable. */
export class ConfigError extends Error {
  /** The first problem's variable. */
  readonly variable: string;
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map((p) => `${p.variable} ${p.message}`);
    super(
      lines.length === 1
        ? `invalid configuration: ${lines[0]}`
        : `invalid configuration (${lines.length} problems):\n${lines.map((l) => `  - ${l}`).join("\n")}`,
    );
    this.variable = problems[0]?.variable ?? "";
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

const TRUTHY = new Set(["1", "true", "yes", "on", "enabled"]);
const FALSY = new Set(["0", "false", "no", "off", "disabled"]);

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

// Field schemas. Every one accepts `undefined` (unset or blank) and yields its default, so a field
// that fails can fall back to it while the remaining checks still run and report their problems.

function oneOf<T extends string>(values: readonly T[], fallback: T, aliases: Record<string, T> = {}) {
  return z
    .string()
    .optional()
    .transform((v, ctx): T => {
      if (v === undefined) return fallback;
      const lower = v.toLowerCase();
      const hit = (values as readonly string[]).includes(lower) ? (lower as T) : aliases[lower];
      if (hit) return hit;
      ctx.addIssue({ code: "custom", message: `must be one of ${values.join(", ")} (got "${v}")` });
      return z.NEVER;
    });
}

/** `undefined` when unset, so callers can pick a default that depends on other settings. */
const bool = z
  .string()
  .optional()
  .transform((v, ctx): boolean | undefined => {
    if (v === undefined) return undefined;
    const lower = v.toLowerCase();
    if (TRUTHY.has(lower)) return true;
    if (FALSY.has(lower)) return false;
    ctx.addIssue({ code: "custom", message: `must be true or false (got "${v}")` });
    return z.NEVER;
  });

function int(fallback: number, min: number, max: number) {
  return z
    .string()
    .optional()
    .transform((v, ctx): number => {
      if (v === undefined) return fallback;
      const n = /^[+-]?\d+$/.test(v) ? Number(v) : Number.NaN;
      if (Number.isSafeInteger(n) && n >= min && n <= max) return n;
      ctx.addIssue({ code: "custom", message: `must be an integer from ${min} to ${max} (got "${v}")` });
      return z.NEVER;
    });
}

function duration(fallbackMs: number) {
  return z
    .string()
    .optional()
    .transform((v, ctx): number => {
      if (v === undefined) return fallbackMs;
      const ms = parseDuration(v);
      if (ms !== null && ms > 0) return ms;
      ctx.addIssue({
        code: "custom",
        message: `must be a positive duration such as 30s, 15m or 1h (got "${v}")`,
      });
      return z.NEVER;
    });
}

const text = z.string().optional();
const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );

/** TRUSTED_PROXIES: IPv4 and IPv6 addresses and CIDR ranges (and proxy-addr's `loopback`, …). */
const proxies = list.transform((entries, ctx) => {
  try {
    proxyaddr.compile(entries);
  } catch (err) {
    ctx.addIssue({
      code: "custom",
      message: `must list IP addresses or CIDR ranges (${(err as Error).message})`,
    });
    return z.NEVER;
  }
  return entries;
});

/** PLYSTRA_WORKERS: a whole number 1–64, or `auto` (one worker per available core); unset = 1. */
export const WORKERS_SCHEMA = z
  .string()
  .optional()
  .transform((v, ctx): number | "auto" => {
    const t = v?.trim();
    if (t === undefined || t === "") return 1;
    if (t.toLowerCase() === "auto") return "auto";
    const n = /^\d+$/.test(t) ? Number(t) : Number.NaN;
    if (Number.isInteger(n) && n >= 1 && n <= 64) return n;
    ctx.addIssue({ code: "custom", message: `must be a whole number from 1 to 64, or "auto" (got "${v}")` });
    return z.NEVER;
  });

/** Canonical name → the names read for it, in priority order (v1.0 aliases after the canonical one). */
const ALIASES: Record<string, readonly string[]> = {
  SERVER_MODE: ["SERVER_MODE", "PLYSTRA_ENV"],
  SERVER_HOST: ["SERVER_HOST", "PLYSTRA_SERVER_HOST"],
  SERVER_PORT: ["SERVER_PORT", "PLYSTRA_SERVER_PORT"],
  SERVER_PUBLIC_URL: ["SERVER_PUBLIC_URL", "PLYSTRA_SERVER_PUBLIC_URL"],
  PLYSTRA_CORE_VERSION: ["PLYSTRA_CORE_VERSION", "CORE_VERSION"],
  DATABASE_URL: ["DATABASE_URL", "PLYSTRA_DATABASE_URL"],
  METRICS_TOKEN: ["METRICS_TOKEN", "PLYSTRA_METRICS_TOKEN"],
};

/** The environment Core reads, one zod schema per variable. */
export const ENV_SCHEMA = z.object({
  SERVER_MODE: oneOf(["development", "production"], "development", {
    dev: "development",
    prod: "production",
  }),
  SERVER_HOST: text,
  SERVER_PORT: int(8080, 0, 65_535),
  SERVER_PUBLIC_URL: text,
  PLYSTRA_CORE_VERSION: text,
  DATABASE_URL: text,
  PLYSTRA_DATA_DIR: text,
  DATABASE_POOL_MAX: int(10, 1, 1000),
  PLYSTRA_WORKERS: WORKERS_SCHEMA,
  // Audit flushes in flight per process; each is one transaction on its own chain shard.
  PLYSTRA_AUDIT_FLUSHES: int(4, 1, 64),
  // Per-part entry bound of the per-process decision-context cache; 0 turns it off.
  AUTHZ_CONTEXT_CACHE_ENTRIES: int(50_000, 0, 10_000_000),
  PLYSTRA_SESSION_SECRET: text,
  PLYSTRA_SESSION_SECRET_PREVIOUS: list,
  PLYSTRA_API_KEY_SECRET: text,
  PLYSTRA_API_KEY_SECRET_PREVIOUS: list,
  TRUSTED_PROXIES: proxies,
  CORS_ALLOWED_ORIGINS: list,
  REQUEST_ID_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name")
    .optional(),
  MAX_REQUEST_BODY_BYTES: int(1_048_576, 1, 1_073_741_824),
  LOG_FORMAT: oneOf(["json", "text"], "json"),
  LOG_LEVEL: oneOf(LOG_LEVELS, "info"),
  AUDIT_WRITE_MODE: oneOf(AUDIT_WRITE_MODES, "always"),
  TRACE_VERSION: text,
  DATA_CONSOLE_ENABLED: bool,
  METRICS_ENABLED: bool,
  METRICS_TOKEN: text,
  API_DOCS_ENABLED: bool,
  PLYSTRA_PASSWORD_MIN_LENGTH: int(12, 1, 1024),
  // The defaults are stronger than the floors in ARGON2_LIMITS.
  PLYSTRA_PASSWORD_HASH_MEMORY_KIB: int(65_536, ...ARGON2_LIMITS.memoryKib),
  PLYSTRA_PASSWORD_HASH_ITERATIONS: int(3, ...ARGON2_LIMITS.iterations),
  PLYSTRA_AUTH_LOGIN_MAX_FAILURES: int(8, 1, 1_000_000),
  PLYSTRA_AUTH_LOGIN_WINDOW: duration(15 * 60_000),
  PLYSTRA_AUTH_LOGIN_LOCKOUT: duration(15 * 60_000),
  PLYSTRA_AUTH_REGISTRATION_ENABLED: bool,
  PLYSTRA_AUTH_REGISTRATION_TOKEN: text,
  PLYSTRA_AUTH_PUBLIC_USER_REGISTRATION_ENABLED: bool,
  PLYSTRA_BOOTSTRAP_REGISTRATION_ENABLED: bool,
  PLYSTRA_BOOTSTRAP_REGISTRATION_TOKEN: text,
  PLYSTRA_DEMO_SEED: bool,
  HTTP_READ_HEADER_TIMEOUT: duration(5_000),
  HTTP_READ_TIMEOUT: duration(30_000),
  HTTP_WRITE_TIMEOUT: duration(60_000),
  HTTP_IDLE_TIMEOUT: duration(120_000),
});

type ParsedEnv = z.output<typeof ENV_SCHEMA>;

/**
 * Parses every variable on its own so that all problems are found in one pass; a variable that
 * fails is reported and then takes its default so later checks still run.
 */
function parseEnv(env: Env): {
  values: ParsedEnv;
  problems: ConfigProblem[];
  source: Record<string, string>;
} {
  const problems: ConfigProblem[] = [];
  const source: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(ENV_SCHEMA.shape) as [string, z.ZodType][]) {
    let raw: string | undefined;
    source[name] = name;
    for (const candidate of ALIASES[name] ?? [name]) {
      const v = env[candidate]?.trim();
      if (v) {
        raw = v;
        source[name] = candidate;
        break;
      }
    }
    const result = schema.safeParse(raw);
    if (result.success) values[name] = result.data;
    else {
      for (const issue of result.error.issues)
        problems.push({ variable: source[name], message: issue.message });
      values[name] = schema.parse(undefined);
    }
  }
  return { values: values as ParsedEnv, problems, source };
}

/**
 * Reads the environment into a frozen, typed config. Throws one ConfigError listing every
 * unparsable, out-of-range, unknown or (in production) unsafe value, each naming its variable.
 *
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: Env = process.env): Config {
  const { values: v, problems, source } = parseEnv(env);
  const isProduction = v.SERVER_MODE === "production";
  const databaseUrl = v.DATABASE_URL ?? null;
  const config: Config = {
    mode: v.SERVER_MODE,
    isProduction,
    host: v.SERVER_HOST ?? "",
    port: v.SERVER_PORT,
    publicUrl: v.SERVER_PUBLIC_URL ?? null,
    coreVersion: v.PLYSTRA_CORE_VERSION ?? "1.0.0",
    databaseUrl,
    dataDir: resolve(v.PLYSTRA_DATA_DIR ?? ".plystra/data"),
    databasePoolMax: v.DATABASE_POOL_MAX,
    workers: v.PLYSTRA_WORKERS,
    auditFlushes: v.PLYSTRA_AUDIT_FLUSHES,
    authzContextCacheEntries: v.AUTHZ_CONTEXT_CACHE_ENTRIES,
    sessionSecret: v.PLYSTRA_SESSION_SECRET ?? (isProduction ? "" : SESSION_SECRET_PLACEHOLDER),
    sessionSecretPrevious: v.PLYSTRA_SESSION_SECRET_PREVIOUS,
    apiKeySecret: v.PLYSTRA_API_KEY_SECRET ?? (isProduction ? "" : API_KEY_SECRET_PLACEHOLDER),
    apiKeySecretPrevious: v.PLYSTRA_API_KEY_SECRET_PREVIOUS,
    trustedProxies: v.TRUSTED_PROXIES,
    // Unset means the localhost development list; set-but-empty means no cross-origin access.
    corsAllowedOrigins: env.CORS_ALLOWED_ORIGINS === undefined ? DEFAULT_CORS : v.CORS_ALLOWED_ORIGINS,
    requestIdHeader: v.REQUEST_ID_HEADER ?? "X-Request-ID",
    maxRequestBodyBytes: v.MAX_REQUEST_BODY_BYTES,
    logFormat: v.LOG_FORMAT,
    logLevel: v.LOG_LEVEL,
    auditWriteMode: v.AUDIT_WRITE_MODE,
    traceVersion: v.TRACE_VERSION ?? "1.0",
    dataConsoleEnabled: v.DATA_CONSOLE_ENABLED ?? false,
    metricsEnabled: v.METRICS_ENABLED ?? false,
    metricsToken: v.METRICS_TOKEN ?? null,
    apiDocsEnabled: v.API_DOCS_ENABLED ?? !isProduction,
    passwordMinLength: v.PLYSTRA_PASSWORD_MIN_LENGTH,
    passwordHashMemoryKib: v.PLYSTRA_PASSWORD_HASH_MEMORY_KIB,
    passwordHashIterations: v.PLYSTRA_PASSWORD_HASH_ITERATIONS,
    loginMaxFailures: v.PLYSTRA_AUTH_LOGIN_MAX_FAILURES,
    loginWindowMs: v.PLYSTRA_AUTH_LOGIN_WINDOW,
    loginLockoutMs: v.PLYSTRA_AUTH_LOGIN_LOCKOUT,
    registrationEnabled: v.PLYSTRA_AUTH_REGISTRATION_ENABLED ?? false,
    registrationToken: v.PLYSTRA_AUTH_REGISTRATION_TOKEN ?? null,
    publicUserRegistrationEnabled: v.PLYSTRA_AUTH_PUBLIC_USER_REGISTRATION_ENABLED ?? false,
    bootstrapRegistrationEnabled: v.PLYSTRA_BOOTSTRAP_REGISTRATION_ENABLED ?? false,
    bootstrapRegistrationToken: v.PLYSTRA_BOOTSTRAP_REGISTRATION_TOKEN ?? null,
    // The demo seed writes a known-password super admin: on the embedded default database it is a
    // development convenience; on a real database it needs an explicit PLYSTRA_DEMO_SEED=true.
    // Production never seeds.
    demoSeed: !isProduction && (v.PLYSTRA_DEMO_SEED ?? databaseUrl === null),
    httpReadHeaderTimeoutMs: v.HTTP_READ_HEADER_TIMEOUT,
    httpReadTimeoutMs: v.HTTP_READ_TIMEOUT,
    httpWriteTimeoutMs: v.HTTP_WRITE_TIMEOUT,
    httpIdleTimeoutMs: v.HTTP_IDLE_TIMEOUT,
  };
  if (isProduction) problems.push(...productionProblems(config, env, v, source));
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}

const PLACEHOLDER_WORDS = /change[\s_-]*me/i;

/** Why a production secret is unacceptable, or null when it is fine. */
function secretProblem(value: string | null, minLength = 32): string | null {
  if (!value) return "is required";
  if (PLACEHOLDER_WORDS.test(value) || SHIPPED_EXAMPLE_SECRETS.includes(value)) {
    return "is a placeholder (contains change-me or is a value shipped in infra/.env.example); generate one with `openssl rand -hex 32`";
  }
  if (value.length < minLength) return `must be at least ${minLength} characters (got ${value.length})`;
  return null;
}

/** Production refuses unsafe settings before touching the database. Order matches upstream. */
function productionProblems(
  c: Config,
  env: Env,
  v: ParsedEnv,
  source: Record<string, string>,
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const refuse = (variable: string, message: string) => out.push({ variable, message });

  const dbVar = source.DATABASE_URL;
  if (!c.databaseUrl) refuse(dbVar, "is required in production");
  else if (c.databaseUrl === DEFAULT_DATABASE_URL || c.databaseUrl.includes("://plystra:plystra@")) {
    refuse(dbVar, "uses the default plystra:plystra credentials");
  } else {
    let password = "";
    try {
      password = decodeURIComponent(new URL(c.databaseUrl).password);
    } catch {
      refuse(dbVar, "is not a valid URL");
    }
    if (password && (PLACEHOLDER_WORDS.test(password) || SHIPPED_EXAMPLE_SECRETS.includes(password))) {
      refuse(dbVar, "uses a placeholder password (change-me); set a real database password");
    }
  }

  const session = secretProblem(v.PLYSTRA_SESSION_SECRET ?? null);
  if (session) refuse("PLYSTRA_SESSION_SECRET", session);
  const apiKey = secretProblem(v.PLYSTRA_API_KEY_SECRET ?? null);
  if (apiKey) refuse("PLYSTRA_API_KEY_SECRET", apiKey);
  else if (c.apiKeySecret === c.sessionSecret) {
    refuse("PLYSTRA_API_KEY_SECRET", "must be distinct from PLYSTRA_SESSION_SECRET");
  }
  if (c.registrationEnabled && !c.publicUserRegistrationEnabled) {
    const p = secretProblem(c.registrationToken);
    if (p) refuse("PLYSTRA_AUTH_REGISTRATION_TOKEN", `${p} when registration is enabled`);
  }
  if (c.bootstrapRegistrationEnabled) {
    const p = secretProblem(c.bootstrapRegistrationToken);
    if (p) refuse("PLYSTRA_BOOTSTRAP_REGISTRATION_TOKEN", `${p} when bootstrap registration is enabled`);
  }
  for (const [variable, entries] of [
    ["PLYSTRA_SESSION_SECRET_PREVIOUS", c.sessionSecretPrevious],
    ["PLYSTRA_API_KEY_SECRET_PREVIOUS", c.apiKeySecretPrevious],
  ] as const) {
    const bad = entries.map((e) => secretProblem(e)).find((p) => p !== null);
    if (bad) refuse(variable, `entries must each be a real secret: one ${bad}`);
  }
  if (env.CORS_ALLOWED_ORIGINS === undefined || c.corsAllowedOrigins.length === 0) {
    refuse("CORS_ALLOWED_ORIGINS", "must list explicit origins in production");
  } else if (c.corsAllowedOrigins.includes("*")) {
    refuse("CORS_ALLOWED_ORIGINS", "must not contain the * wildcard in production");
  }
  const urlVar = source.SERVER_PUBLIC_URL;
  if (!c.publicUrl) refuse(urlVar, "is required in production");
  else {
    let host: string | null = null;
    try {
      host = new URL(c.publicUrl).hostname.replace(/^\[|\]$/g, "");
    } catch {
      refuse(urlVar, "is not a valid URL");
    }
    if (host !== null && ["localhost", "127.0.0.1", "::1"].includes(host)) {
      refuse(urlVar, "must not point at localhost in production");
    }
  }
  if (c.auditWriteMode === "disabled_for_dev") {
    refuse("AUDIT_WRITE_MODE", "must not be disabled_for_dev in production: decisions would go unaudited");
  }
  if (c.metricsEnabled && c.metricsToken !== null) {
    const p = secretProblem(c.metricsToken);
    if (p) refuse(source.METRICS_TOKEN, `${p} when METRICS_ENABLED is on`);
  }
  if (v.PLYSTRA_DEMO_SEED === true) {
    refuse(
      "PLYSTRA_DEMO_SEED",
      "must not be enabled in production (the demo seeds a known-password super admin)",
    );
  }
  return out;
}
