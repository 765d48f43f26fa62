import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import type { DB } from "./schema.ts";

/** An open database: a typed Kysely handle plus the few raw operations migrations need. */
export interface Database {
  readonly kind: "postgres" | "pglite";
  readonly db: Kysely<DB>;
  /** Runs a multi-statement SQL script on a single connection. */
  execScript(sql: string): Promise<void>;
  /** Connection-pool occupancy (PostgreSQL); the embedded database is a single in-process connection. */
  poolStats(): { total: number; idle: number; waiting: number };
  /** Embedded only: the PGlite instance (used to snapshot/clone test databases). */
  readonly pglite?: PGlite;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL connection URL. When absent an embedded PGlite database is used. */
  url?: string;
  /** Embedded data directory; omitted means in-memory. */
  dataDir?: string;
  /** Embedded: a dumped data dir (from `dumpDataDir`) to start from. */
  loadDataDir?: Blob | File;
  /** Maximum pooled PostgreSQL connections. */
  poolMax?: number;
  /** How long a request waits for a new PostgreSQL connection before failing (default 5 s). */
  connectTimeoutMs?: number;
  applicationName?: string;
}

// int8 (count(*), seq) as JS number when safe; ids never use int8.
pg.types.setTypeParser(20, (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});

/**
 * Opens PostgreSQL (when `url` is given) or embedded PGlite.
 *
 * @example
 * const database = await openDatabase({ url: process.env.DATABASE_URL });
 * await database.db.selectFrom("users").selectAll().execute();
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options);
  return openPglite(options);
}

/**
 * A statement whose text opens with `/* prepared:<name> *\/` runs as a named prepared statement:
 * PostgreSQL parses and plans it once per pooled connection instead of on every call. For hot
 * statements with constant text and every value bound as a parameter (the check's context query,
 * whose planning cost several times its execution); never for SQL whose text varies.
 */
export const PREPARED_STATEMENT_MARKER = /^\/\* prepared:([A-Za-z0-9_]+) \*\//;

class PreparingClient extends pg.Client {}
const plainQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
// Kysely calls `query(text, values)`; only marked texts are turned into named statements.
(PreparingClient.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (
  this: pg.Client,
  ...args: unknown[]
) {
  const [text, values, callback] = args;
  const m = typeof text === "string" ? PREPARED_STATEMENT_MARKER.exec(text) : null;
  if (!m) return plainQuery.apply(this, args);
  return plainQuery.call(this, { name: m[1], text, values }, callback);
};

function openPostgres(url: string, options: OpenDatabaseOptions): Database {
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString: url,
    max: options.poolMax ?? 10,
    application_name: options.applicationName ?? "plystra-core",
    idleTimeoutMillis: 30_000,
    // With the server unreachable a request fails within this bound (a 503) instead of hanging.
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
  });
  // An idle client error must not crash the process; the next query reports it.
  pool.on("error", () => {});
  // Nor may a server-side termination (restart, failover: 57P01) of a connection that is checked
  // out between two queries: pg emits it as an 'error' event with no listener, which kills Node.
  // The client is no longer queryable, so the pool discards it on release.
  pool.on("connect", (client) => {
    client.on("error", () => {});
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: "postgres",
    db,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async execScript(sql: string) {
      const client = await pool.connect();
      try {
        await client.query(sql);
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

async function openPglite(options: OpenDatabaseOptions): Promise<Database> {
  const pglite = await PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
  });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return {
    kind: "pglite",
    db,
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    pglite,
    async execScript(sql: string) {
      try {
        await pglite.exec(sql);
      } catch (err) {
        await pglite.exec("ROLLBACK").catch(() => {});
        throw err;
      }
    },
    async close() {
      await db.destroy().catch(() => {});
      if (!pglite.closed) await pglite.close();
    },
  };
}
