import { createHash } from "node:crypto";
import { type Database, migrationStatus } from "@plystra/db";
import { sql } from "kysely";
import { verifyAuditChain } from "../features/audit/audit.repository.ts";

export const MANIFEST_FORMAT = "plystra.backup.manifest.v1";

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  created_at: string;
  core_version: string;
  /** sha256 of the database's identity (host, port, database, user) — never of the password. */
  database_url_fingerprint: string;
  schema_version: string | null;
  tables: Record<string, number>;
  audit: { rows: number; last_seq: number | null; last_hash: string | null };
  backup_scope: string;
  /** Tables in foreign-key order: parents before children (a data-only restore follows it). */
  restore_order: string[];
  restore_steps: string[];
}

/**
 * Identifies a database without revealing its credentials: same server, database and role give
 * the same fingerprint whatever the password. The embedded database is fingerprinted by its path.
 *
 * @example
 * fingerprintDatabaseUrl("postgres://app:pw@db:5432/plystra"); // "sha256:…"
 */
export function fingerprintDatabaseUrl(url: string | null, dataDir = ""): string {
  let identity = `embedded:${dataDir}`;
  if (url) {
    try {
      const u = new URL(url);
      identity = `postgres://${decodeURIComponent(u.username)}@${u.hostname}:${u.port || "5432"}${u.pathname}`;
    } catch {
      identity = "postgres:unparsable";
    }
  }
  return `sha256:${createHash("sha256").update(identity).digest("hex")}`;
}

async function publicTables(database: Database): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`.execute(database.db);
  return rows.map((r) => r.name);
}

/** Parents before children by foreign keys (ties alphabetical); cycles keep their table order. */
async function restoreOrder(database: Database, tables: string[]): Promise<string[]> {
  const { rows } = await sql<{ child: string; parent: string }>`
    SELECT c.relname AS child, p.relname AS parent
      FROM pg_constraint k
      JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE k.contype = 'f' AND n.nspname = 'public' AND c.relname <> p.relname`.execute(database.db);
  const parents = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const r of rows) parents.get(r.child)?.add(r.parent);
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < tables.length) {
    const next =
      tables.find((t) => !placed.has(t) && [...(parents.get(t) ?? [])].every((p) => placed.has(p))) ??
      tables.find((t) => !placed.has(t))!;
    order.push(next);
    placed.add(next);
  }
  return order;
}

/** Counts every table and records what a restore must reproduce. Reads only. */
export async function buildManifest(
  database: Database,
  info: { databaseUrl: string | null; dataDir: string; coreVersion: string; now?: Date },
): Promise<BackupManifest> {
  const tables = await publicTables(database);
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql.table(t)}`.execute(
      database.db,
    );
    counts[t] = Number(rows[0].n);
  }
  const applied = (await migrationStatus(database)).filter((s) => s.state === "applied");
  const head = tables.includes("audit_logs")
    ? (
        await sql<{ seq: number | string; row_hash: string }>`
          SELECT seq, row_hash FROM audit_logs ORDER BY seq DESC LIMIT 1`.execute(database.db)
      ).rows[0]
    : undefined;
  return {
    format: MANIFEST_FORMAT,
    created_at: (info.now ?? new Date()).toISOString(),
    core_version: info.coreVersion,
    database_url_fingerprint: fingerprintDatabaseUrl(info.databaseUrl, info.dataDir),
    schema_version: applied.length ? applied[applied.length - 1].version : null,
    tables: counts,
    audit: {
      rows: counts.audit_logs ?? 0,
      last_seq: head ? Number(head.seq) : null,
      last_hash: head?.row_hash ?? null,
    },
    backup_scope:
      "the whole PostgreSQL database (schema, data, audit log and its chain head) as one pg_dump custom-format archive",
    restore_order: await restoreOrder(database, tables),
    restore_steps: [
      "create an empty database",
      'pg_restore --no-owner --exit-on-error --single-transaction --dbname "$DATABASE_URL" <archive>',
      "plystractl migrate verify",
      "plystractl restore verify-backup --file <this manifest>",
      "plystractl audit verify",
    ],
  };
}

export interface VerifyLine {
  status: "ok" | "warn" | "fail";
  message: string;
}

/** Parses and checks a manifest's shape; throws with the field at fault. */
export function parseManifest(text: string): BackupManifest {
  let m: Partial<BackupManifest>;
  try {
    m = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON: ${(err as Error).message}`);
  }
  if (m?.format !== MANIFEST_FORMAT)
    throw new Error(`format must be ${MANIFEST_FORMAT} (got ${String(m?.format)})`);
  if (!m.tables || typeof m.tables !== "object") throw new Error("tables is missing");
  if (typeof m.created_at !== "string") throw new Error("created_at is missing");
  return m as BackupManifest;
}

/** Compares a restored database with the manifest taken when the backup was made. */
export async function verifyAgainstManifest(
  database: Database,
  manifest: BackupManifest,
  info: { databaseUrl: string | null; dataDir: string },
): Promise<VerifyLine[]> {
  const lines: VerifyLine[] = [];
  const live = await buildManifest(database, { ...info, coreVersion: manifest.core_version });
  lines.push(
    live.schema_version === manifest.schema_version
      ? { status: "ok", message: `schema version ${live.schema_version}` }
      : {
          status: "fail",
          message: `schema version ${live.schema_version ?? "none"} but the backup has ${manifest.schema_version}`,
        },
  );
  const differing = Object.entries(manifest.tables)
    .filter(([t, n]) => live.tables[t] !== n)
    .map(([t, n]) => `${t}: ${live.tables[t] ?? "missing"} (backup ${n})`);
  lines.push(
    differing.length
      ? { status: "fail", message: `row counts differ: ${differing.join(", ")}` }
      : { status: "ok", message: `row counts match for ${Object.keys(manifest.tables).length} tables` },
  );
  if (manifest.audit?.last_hash && live.audit.last_hash !== manifest.audit.last_hash) {
    lines.push({
      status: "fail",
      message: `audit chain head differs from the backup (seq ${manifest.audit.last_seq})`,
    });
  }
  const chain = await verifyAuditChain(database.db);
  lines.push(
    chain.ok
      ? { status: "ok", message: `audit chain intact (${chain.rows} rows)` }
      : {
          status: "fail",
          message: `audit chain broken at seq ${chain.broken?.seq}: ${chain.broken?.reason}`,
        },
  );
  lines.push(
    live.database_url_fingerprint === manifest.database_url_fingerprint
      ? { status: "ok", message: "same database as the backup was taken from" }
      : {
          status: "warn",
          message: "a different database than the backup was taken from (expected after a restore elsewhere)",
        },
  );
  return lines;
}
