import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type Database, MigrationError, migrateUp, migrateVerify, openDatabase } from "@plystra/db";
import type { Logger } from "pino";
import type { Config } from "./config.ts";

/** Opens the configured database: PostgreSQL when a URL is set, else embedded PGlite on disk. */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  if (config.databaseUrl) {
    return openDatabase({ url: config.databaseUrl, poolMax: config.databasePoolMax });
  }
  mkdirSync(config.dataDir, { recursive: true });
  const release = lockDataDir(config.dataDir);
  try {
    const database = await openDatabase({ dataDir: config.dataDir });
    return {
      ...database,
      async close() {
        try {
          await database.close();
        } finally {
          release();
        }
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

/**
 * The embedded database is single-process: a second process opening the same data directory
 * (a second server, or plystractl while the server runs) could corrupt it. A pid lock file turns
 * that into a clear error; a lock left by a dead process is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  // Beside the directory, not inside it: PGlite treats a non-empty new directory as a cluster.
  const file = `${dataDir.replace(/[\\/]+$/, "")}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number(readFileSync(file, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new Error(
          `the embedded database in ${dataDir} is in use by process ${pid}; stop it first, or set DATABASE_URL to use PostgreSQL`,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock the embedded database in ${dataDir}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
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
