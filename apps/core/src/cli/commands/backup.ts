import { once } from "node:events";
import { readFileSync, writeFileSync } from "node:fs";
import { sql } from "kysely";
import { openConfiguredDatabase } from "../../database.ts";
import { buildManifest, parseManifest, verifyAgainstManifest } from "../backup.ts";
import type { Command } from "./types.ts";

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

/** Writes without buffering the whole export in memory: waits whenever stdout's buffer is full. */
async function write(text: string) {
  if (!process.stdout.write(text)) await once(process.stdout, "drain");
}

function instant(value: unknown, flag: string): Date | string {
  if (typeof value !== "string" || !value.trim())
    return `--${flag} is required (an ISO 8601 time, e.g. 2026-01-31T00:00:00Z)`;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? `--${flag} is not a valid ISO 8601 time: "${value}"` : d;
}

const EXPORT_BATCH = 1000;

export const backupCommands: Command[] = [
  {
    name: "backup manifest",
    summary: "record schema version, table counts and audit head for a backup (JSON)",
    help: ["--out <file>                    write the manifest to a file instead of stdout"],
    options: { out: { type: "string" } },
    async run({ config, options }) {
      const database = await openConfiguredDatabase(config);
      try {
        const manifest = await buildManifest(database, config);
        const text = `${JSON.stringify(manifest, null, 2)}\n`;
        if (typeof options.out === "string" && options.out) {
          writeFileSync(options.out, text);
          err(`wrote ${options.out} (schema ${manifest.schema_version}, ${manifest.audit.rows} audit rows)`);
        } else {
          process.stdout.write(text);
        }
        return 0;
      } finally {
        await database.close();
      }
    },
  },
  {
    name: "backup pg-dump-command",
    summary: "print the pg_dump command for a full backup (credentials stay in $DATABASE_URL)",
    help: ["--file <archive>                archive name (default plystra-<UTC date>.dump)"],
    options: { file: { type: "string" } },
    async run({ config, options }) {
      if (!config.databaseUrl) {
        err(
          "backup pg-dump-command: DATABASE_URL is not set; the embedded database is backed up by copying its stopped data directory",
        );
        return 1;
      }
      const file =
        typeof options.file === "string" && options.file
          ? options.file
          : `plystra-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}.dump`;
      out(`pg_dump --format=custom --no-owner --file ${JSON.stringify(file)} "$DATABASE_URL"`);
      out(`plystractl backup manifest --out ${JSON.stringify(`${file}.manifest.json`)}`);
      return 0;
    },
  },
  {
    name: "restore pg-restore-command",
    summary: "print the commands that restore a pg_dump archive into an empty database",
    help: ["--file <archive>                the archive to restore (default plystra.dump)"],
    options: { file: { type: "string" } },
    async run({ options }) {
      const file = typeof options.file === "string" && options.file ? options.file : "plystra.dump";
      out("# into an EMPTY database named by $DATABASE_URL, with Core stopped:");
      out(
        `pg_restore --no-owner --exit-on-error --single-transaction --dbname "$DATABASE_URL" ${JSON.stringify(file)}`,
      );
      out("plystractl migrate verify");
      out(`plystractl restore verify-backup --file ${JSON.stringify(`${file}.manifest.json`)}`);
      return 0;
    },
  },
  {
    name: "restore verify-backup",
    summary: "compare the database with a backup manifest: schema, row counts, audit chain",
    help: ["--file <manifest.json>          the manifest written by `backup manifest` (required)"],
    options: { file: { type: "string" } },
    async run({ config, options }) {
      if (typeof options.file !== "string" || !options.file) {
        err("restore verify-backup: --file <manifest.json> is required");
        return 2;
      }
      let manifest: ReturnType<typeof parseManifest>;
      try {
        manifest = parseManifest(readFileSync(options.file, "utf8"));
      } catch (e) {
        err(`restore verify-backup: ${options.file}: ${(e as Error).message}`);
        return 2;
      }
      const database = await openConfiguredDatabase(config);
      try {
        const lines = await verifyAgainstManifest(database, manifest, config);
        for (const l of lines) out(`${l.status.padEnd(5)} ${l.message}`);
        return lines.some((l) => l.status === "fail") ? 1 : 0;
      } finally {
        await database.close();
      }
    },
  },
  {
    name: "audit export",
    summary: "stream audit rows in a time window as NDJSON (for a SIEM), oldest first",
    help: [
      "--since <time>                  ISO 8601 start, inclusive (required)",
      "--until <time>                  ISO 8601 end, exclusive (default: now)",
      "--format ndjson                 output format (ndjson is the only one)",
    ],
    options: { since: { type: "string" }, until: { type: "string" }, format: { type: "string" } },
    async run({ config, options }) {
      const since = instant(options.since, "since");
      const until = options.until === undefined ? new Date() : instant(options.until, "until");
      for (const v of [since, until]) {
        if (typeof v === "string") {
          err(`audit export: ${v}`);
          return 2;
        }
      }
      if (options.format !== undefined && options.format !== "ndjson") {
        err(`audit export: --format must be ndjson (got "${options.format}")`);
        return 2;
      }
      const database = await openConfiguredDatabase(config);
      try {
        let after = 0;
        let total = 0;
        for (;;) {
          // Keyset batches: memory stays flat however large the window.
          const { rows } = await sql<{ seq: number | string; created_at: Date | string }>`
            SELECT id, seq, created_at, space_id, actor_user_id, actor_member_id, actor_user_member_id,
                   actor_api_key_id, action, resource_type, resource_id, decision, deny_code, request_id,
                   ip_address, user_agent, trace, prev_hash, row_hash
              FROM audit_logs
             WHERE created_at >= ${since as Date} AND created_at < ${until as Date} AND seq > ${after}
             ORDER BY seq LIMIT ${EXPORT_BATCH}`.execute(database.db);
          for (const r of rows) {
            await write(
              `${JSON.stringify({ ...r, seq: Number(r.seq), created_at: new Date(r.created_at).toISOString() })}\n`,
            );
          }
          total += rows.length;
          if (rows.length < EXPORT_BATCH) break;
          after = Number(rows[rows.length - 1].seq);
        }
        err(`audit export: ${total} rows`);
        return 0;
      } finally {
        await database.close();
      }
    },
  },
];
