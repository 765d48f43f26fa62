import { mkdirSync } from "node:fs";
import { type Database, MigrationError, migrateUp, migrateVerify, openDatabase } from "@plystra/db";
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import type { Deps } from "./deps.ts";
import { createLogger } from "./lib/logger.ts";
import { createMetrics } from "./lib/metrics.ts";
import { STARTUP_HOOKS } from "./startup.ts";

/** Opens the configured database: PostgreSQL when a URL is set, else embedded PGlite on disk. */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  if (config.databaseUrl) {
    return openDatabase({ url: config.databaseUrl, poolMax: config.databasePoolMax });
  }
  mkdirSync(config.dataDir, { recursive: true });
  return openDatabase({ dataDir: config.dataDir });
}

/**
 * Development applies pending migrations at start; production refuses to start with pending or
 * edited migrations and says what to run.
 */
export async function prepareSchema(database: Database, config: Config, logger: Logger): Promise<void> {
  if (config.isProduction) {
    try {
      await migrateVerify(database);
    } catch (err) {
      if (err instanceof MigrationError) {
        throw new Error(`database schema is not current (${err.message}); run: plystractl migrate up`);
      }
      throw err;
    }
    return;
  }
  const applied = await migrateUp(database);
  if (applied.length)
    logger.info({ migrations: applied.map((m) => `${m.version}_${m.name}`) }, "migrations applied");
}

/** Builds the dependency bag around an open database and runs startup hooks (e.g. demo seed). */
export async function createDeps(
  config: Config,
  database: Database,
  options: { logger?: Logger; now?: () => Date; runStartupHooks?: boolean } = {},
): Promise<Deps> {
  const logger = options.logger ?? createLogger(config);
  const deps: Deps = {
    config,
    database,
    db: database.db,
    logger,
    metrics: createMetrics({ defaultMetrics: options.runStartupHooks !== false }),
    now: options.now ?? (() => new Date()),
    closers: [],
  };
  if (options.runStartupHooks !== false) {
    for (const hook of STARTUP_HOOKS) await hook(deps);
  }
  return deps;
}
