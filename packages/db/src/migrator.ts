import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import type { Database } from "./database.ts";

/**
 * Where the SQL files live: `migrations/` beside the running module when Core runs from its
 * compiled bundle (`apps/core/dist/migrations`), else this package's `migrations/` folder.
 */
export const MIGRATIONS_DIR = [
  new URL("./migrations/", import.meta.url),
  new URL("../migrations/", import.meta.url),
]
  .map((u) => fileURLToPath(u))
  .find((dir) => existsSync(dir)) as string;

export interface MigrationFile {
  version: string;
  name: string;
  checksum: string;
  sql: string;
}

export type MigrationState = "applied" | "pending" | "checksum_mismatch";

export interface MigrationStatus {
  version: string;
  name: string;
  state: MigrationState;
  applied_at: Date | null;
}

/** Reads `NNN_name.sql` files in version order. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3,}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), "utf8");
      const [version, ...rest] = file.replace(/\.sql$/, "").split("_");
      return {
        version,
        name: rest.join("_"),
        checksum: createHash("sha256").update(text).digest("hex"),
        sql: text,
      };
    });
}

/** The newest migration version shipped with this build. */
export function expectedSchemaVersion(dir: string = MIGRATIONS_DIR): string {
  const all = loadMigrations(dir);
  return all.length ? all[all.length - 1].version : "000";
}

const LEDGER_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version text PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  execution_time_ms integer NOT NULL DEFAULT 0
);`;

async function ledger(database: Database) {
  const exists = await sql<{
    present: boolean;
  }>`select to_regclass('public.schema_migrations') is not null as present`.execute(database.db);
  if (!exists.rows[0]?.present) return [];
  return database.db.selectFrom("schema_migrations").selectAll().orderBy("version").execute();
}

/** Per-migration state against the ledger (applied, pending, checksum mismatch). */
export async function migrationStatus(database: Database, dir?: string): Promise<MigrationStatus[]> {
  const applied = new Map((await ledger(database)).map((r) => [r.version, r]));
  return loadMigrations(dir).map((m) => {
    const row = applied.get(m.version);
    return {
      version: m.version,
      name: m.name,
      state: !row ? "pending" : row.checksum === m.checksum ? "applied" : "checksum_mismatch",
      applied_at: row ? new Date(row.applied_at) : null,
    };
  });
}

export class MigrationError extends Error {}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Applies pending migrations in order, each in its own transaction with its ledger row.
 * Refuses to run when an applied migration's file changed (checksum mismatch).
 */
export async function migrateUp(database: Database, dir?: string): Promise<MigrationStatus[]> {
  await database.execScript(LEDGER_DDL);
  const status = await migrationStatus(database, dir);
  const mismatch = status.filter((s) => s.state === "checksum_mismatch");
  if (mismatch.length) {
    throw new MigrationError(
      `checksum mismatch for applied migration(s) ${mismatch.map((m) => `${m.version}_${m.name}`).join(", ")}; applied migrations must never be edited`,
    );
  }
  const files = new Map(loadMigrations(dir).map((m) => [m.version, m]));
  const applied: MigrationStatus[] = [];
  for (const s of status.filter((x) => x.state === "pending")) {
    const m = files.get(s.version)!;
    const started = Date.now();
    try {
      // The advisory lock keeps two processes from applying the same migration at once.
      await database.execScript(
        `BEGIN;\nSELECT pg_advisory_xact_lock(4242001);\n${m.sql}\n;\nINSERT INTO schema_migrations (version, name, checksum, execution_time_ms) VALUES (${quote(m.version)}, ${quote(m.name)}, ${quote(m.checksum)}, ${Date.now() - started});\nCOMMIT;`,
      );
    } catch (err) {
      throw new MigrationError(
        `migration ${m.version}_${m.name} failed and was rolled back: ${(err as Error).message}`,
      );
    }
    applied.push({ ...s, state: "applied", applied_at: new Date() });
  }
  return applied;
}

/** Throws unless every migration is applied with a matching checksum. */
export async function migrateVerify(database: Database, dir?: string): Promise<void> {
  const status = await migrationStatus(database, dir);
  const bad = status.filter((s) => s.state !== "applied");
  if (bad.length) {
    throw new MigrationError(
      bad
        .map((s) =>
          s.state === "pending"
            ? `${s.version}_${s.name} is pending; run plystractl migrate up`
            : `${s.version}_${s.name} checksum mismatch`,
        )
        .join("; "),
    );
  }
}
