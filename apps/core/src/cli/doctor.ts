import { type Database, expectedSchemaVersion, migrateUp, migrationStatus, openDatabase } from "@plystra/db";
import { sql } from "kysely";
import { describeDatabase } from "../banner.ts";
import { openConfiguredDatabase } from "../database.ts";
import { type Config, ConfigError, loadConfig } from "../config.ts";

export type CheckStatus = "ok" | "warn" | "fail";

export interface DoctorCheck {
  name: "environment" | "configuration" | "database" | "migrations" | "schema" | "service readiness";
  status: CheckStatus;
  message: string;
  /** The configuration variable a problem is about. */
  variable?: string;
}

export interface DoctorOptions {
  /** How long to wait for the database (and a probed server) before failing. */
  timeoutMs?: number;
  /** A running Core to ask `/api/v1/ready`; without it readiness is derived from the checks. */
  readyUrl?: string;
}

type Env = Record<string, string | undefined>;

/**
 * Every problem in a configuration error. The config loader is the single source of the rules; a
 * loader that collects all problems exposes them as a list, one that stops at the first names one.
 */
export function configProblems(err: ConfigError): { variable: string; message: string }[] {
  return rawProblems(err).map((p) => ({
    variable: p.variable,
    // Each line names its variable, whether or not the loader's message already does.
    message: p.message.includes(p.variable) ? p.message : `${p.variable} ${p.message}`,
  }));
}

function rawProblems(err: ConfigError): { variable: string; message: string }[] {
  const list =
    (err as unknown as { problems?: unknown; issues?: unknown }).problems ??
    (err as unknown as { issues?: unknown }).issues;
  if (Array.isArray(list) && list.length) {
    return list.map((p: { variable?: string; path?: unknown[]; message?: string }) => ({
      variable: p.variable ?? (Array.isArray(p.path) ? p.path.join(".") : "configuration"),
      message: p.message ?? String(p),
    }));
  }
  return [{ variable: err.variable, message: err.message }];
}

const SECRET_VARIABLE = /SECRET/;

/**
 * Outside production the guard does not run, so weak secrets go unnoticed until deploy day. Ask
 * the same guard what it would say about this environment's secrets, with stand-ins for the
 * settings that are legitimately local in development.
 */
function developmentSecretWarnings(env: Env): DoctorCheck[] {
  const probe: Env = {
    ...env,
    SERVER_MODE: "production",
    PLYSTRA_ENV: undefined,
    DATABASE_URL: "postgres://doctor-probe@db.invalid:5432/doctor",
    PLYSTRA_DATABASE_URL: undefined,
    CORS_ALLOWED_ORIGINS: "https://doctor-probe.invalid",
    SERVER_PUBLIC_URL: "https://doctor-probe.invalid",
    PLYSTRA_AUTH_REGISTRATION_ENABLED: undefined,
    PLYSTRA_BOOTSTRAP_REGISTRATION_ENABLED: undefined,
  };
  try {
    loadConfig(probe);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return configProblems(err)
      .filter((p) => SECRET_VARIABLE.test(p.variable))
      .map((p) => ({
        name: "configuration",
        status: "warn",
        variable: p.variable,
        message: `${p.message} (allowed in development; production refuses it)`,
      }));
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The schema objects that matter for drift: tables, columns, indexes, triggers, functions. */
async function catalogue(database: Database): Promise<Set<string>> {
  const { rows } = await sql<{ item: string }>`
    SELECT 'table ' || c.relname AS item
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
    UNION ALL
    SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type
           || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END
      FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL
    SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL
    SELECT 'trigger ' || c.relname || '.' || t.tgname || ': ' || pg_get_triggerdef(t.oid)
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND NOT t.tgisinternal
    UNION ALL
    SELECT 'function ' || p.proname
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'`.execute(
    database.db,
  );
  return new Set(rows.map((r) => r.item));
}

/**
 * Drift between the live schema and what the migrations define: the migrations are applied to a
 * private in-memory database and both catalogues compared. Missing or changed objects are
 * failures; objects only the live database has (an operator's extra index) are warnings.
 */
export async function schemaDrift(database: Database): Promise<{ missing: string[]; extra: string[] }> {
  const reference = await openDatabase({});
  try {
    await migrateUp(reference);
    const [want, have] = await Promise.all([catalogue(reference), catalogue(database)]);
    return {
      missing: [...want].filter((x) => !have.has(x)).sort(),
      extra: [...have].filter((x) => !want.has(x)).sort(),
    };
  } finally {
    await reference.close();
  }
}

const short = (items: string[], n = 5) =>
  items.slice(0, n).join("; ") + (items.length > n ? `; … ${items.length - n} more` : "");

/**
 * The checks behind `plystractl doctor`, in order: environment, configuration, database,
 * migrations, schema, service readiness. Never throws for an unhealthy installation: every
 * problem becomes a `fail` (or `warn`) line with what to do about it.
 *
 * @example
 * const checks = await runDoctor(process.env);
 * const healthy = checks.every((c) => c.status !== "fail");
 */
export async function runDoctor(env: Env, options: DoctorOptions = {}): Promise<DoctorCheck[]> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const checks: DoctorCheck[] = [];
  const node = process.versions.node;
  const major = Number(node.split(".")[0]);

  let config: Config | null = null;
  let configError: ConfigError | null = null;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    configError = err;
  }
  const modeRaw = (env.SERVER_MODE ?? env.PLYSTRA_ENV ?? "").trim().toLowerCase();
  const production = config ? config.isProduction : modeRaw === "production" || modeRaw === "prod";

  checks.push({
    name: "environment",
    status: major >= 22 ? "ok" : production ? "fail" : "warn",
    message: `${production ? "production" : "development"}; Node.js ${node}${major >= 22 ? "" : " is end-of-life: run Core on Node.js 22 or 24"}`,
  });

  if (configError) {
    for (const p of configProblems(configError)) {
      checks.push({ name: "configuration", status: "fail", variable: p.variable, message: p.message });
    }
    // Keep going on the database checks with the same environment read as development.
    try {
      config = loadConfig({ ...env, SERVER_MODE: "development", PLYSTRA_ENV: undefined });
    } catch {
      config = null;
    }
  } else {
    const warnings = production ? [] : developmentSecretWarnings(env);
    checks.push(...warnings);
    if (!warnings.length) {
      checks.push({
        name: "configuration",
        status: "ok",
        message: production
          ? "production guards pass"
          : "loaded (development: production guards not enforced)",
      });
    }
  }

  const notChecked = (name: DoctorCheck["name"], why: string): DoctorCheck => ({
    name,
    status: "fail",
    message: `not checked: ${why}`,
  });
  if (!config) {
    for (const name of ["database", "migrations", "schema", "service readiness"] as const) {
      checks.push(notChecked(name, "the configuration could not be read"));
    }
    return checks;
  }

  const where = describeDatabase(config);
  let database: Database | null = null;
  try {
    database = await withTimeout(
      (async () => {
        const db = await openConfiguredDatabase(config);
        try {
          await sql`select 1`.execute(db.db);
          return db;
        } catch (err) {
          void db.close().catch(() => {});
          throw err;
        }
      })(),
      timeoutMs,
      where,
    );
    checks.push({ name: "database", status: "ok", message: `${where} answers` });
  } catch (err) {
    const e = err as Error & { code?: string };
    checks.push({
      name: "database",
      status: "fail",
      message: `cannot reach ${where}${e.code ? ` (${e.code})` : ""}: ${e.message}. Check DATABASE_URL and that the server is running and reachable.`,
    });
    for (const name of ["migrations", "schema", "service readiness"] as const) {
      checks.push(notChecked(name, "the database is unreachable"));
    }
    return checks;
  }

  let migrationsCurrent = false;
  let schemaOk = false;
  try {
    const status = await migrationStatus(database);
    const pending = status.filter((s) => s.state === "pending");
    const edited = status.filter((s) => s.state === "checksum_mismatch");
    const label = (s: { version: string; name: string }) => `${s.version}_${s.name}`;
    if (edited.length) {
      checks.push({
        name: "migrations",
        status: "fail",
        message: `checksum mismatch: ${edited.map(label).join(", ")} changed after being applied; restore the shipped migration files (never edit an applied migration)`,
      });
    } else if (pending.length) {
      checks.push({
        name: "migrations",
        status: "fail",
        message: `${pending.length} pending (${pending.map(label).join(", ")}); run: plystractl migrate up`,
      });
    } else {
      migrationsCurrent = true;
      checks.push({
        name: "migrations",
        status: "ok",
        message: `current (schema version ${expectedSchemaVersion()})`,
      });
    }

    const drift = await schemaDrift(database);
    if (drift.missing.length) {
      checks.push({
        name: "schema",
        status: "fail",
        message: `drift from the migrations: missing or changed ${short(drift.missing)}${migrationsCurrent ? "; restore the object or the database from a backup" : "; run: plystractl migrate up"}`,
      });
    } else if (drift.extra.length) {
      schemaOk = true;
      checks.push({
        name: "schema",
        status: "warn",
        message: `matches the migrations, plus objects they do not define: ${short(drift.extra)}`,
      });
    } else {
      schemaOk = true;
      checks.push({
        name: "schema",
        status: "ok",
        message: "matches the migrations (tables, columns, indexes, triggers)",
      });
    }
  } finally {
    await database.close();
  }

  if (options.readyUrl) {
    const url = `${options.readyUrl.replace(/\/$/, "")}/api/v1/ready`;
    try {
      const res = await withTimeout(fetch(url), timeoutMs, url);
      checks.push({
        name: "service readiness",
        status: res.ok ? "ok" : "fail",
        message: res.ok
          ? `${url} answers 200`
          : `${url} answers ${res.status}: ${(await res.text()).slice(0, 300)}`,
      });
    } catch (err) {
      checks.push({
        name: "service readiness",
        status: "fail",
        message: `${url}: ${(err as Error).message}`,
      });
    }
  } else if (configError) {
    checks.push({
      name: "service readiness",
      status: "fail",
      message: "Core refuses to start with this configuration (see the configuration lines)",
    });
  } else {
    const ready = migrationsCurrent && schemaOk;
    checks.push({
      name: "service readiness",
      status: ready ? "ok" : "fail",
      message: ready
        ? "database reachable and schema current: Core reports ready"
        : "Core would answer 503 NOT_READY until the problems above are fixed",
    });
  }
  return checks;
}
