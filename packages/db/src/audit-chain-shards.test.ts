import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "./database.ts";
import { MIGRATIONS_DIR, migrateUp } from "./migrator.ts";
import type { DB } from "./schema.ts";

const row = (id: string) => ({
  id,
  action: "invoice.approve",
  decision: "allow",
  trace: JSON.stringify({ id }),
});

/** Rows whose digest or back-link (within their shard, in seq order) does not verify. */
async function brokenLinks(db: Kysely<DB>): Promise<number> {
  const r = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (
      SELECT prev_hash, row_hash, audit_row_digest(prev_hash, a) AS expected,
             coalesce(lag(row_hash) OVER (PARTITION BY chain_shard ORDER BY seq), repeat('0', 64)) AS prev,
             coalesce(chain_pos, seq) AS pos,
             row_number() OVER (PARTITION BY chain_shard ORDER BY seq) AS rn
      FROM audit_logs a) x
    WHERE row_hash <> expected OR prev <> prev_hash OR pos <> rn`.execute(db);
  return r.rows[0].n;
}

describe("audit chain shards: rows written before migration 006", () => {
  const dirs: string[] = [];
  let database: Database | null = null;
  afterAll(async () => {
    await database?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("keep their digests and start shard 0; new rows continue that chain", async () => {
    const old = mkdtempSync(join(tmpdir(), "plystra-mig-"));
    dirs.push(old);
    for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => /^00[1-5]_/.test(f)))
      copyFileSync(join(MIGRATIONS_DIR, f), join(old, f));
    database = await openDatabase({});
    await migrateUp(database, old);
    await database.db
      .insertInto("audit_logs")
      .values([row("old1"), row("old2"), row("old3")] as never)
      .execute();
    const before = await sql<{ id: string; row_hash: string }>`
      SELECT id, row_hash FROM audit_logs ORDER BY seq`.execute(database.db);

    await migrateUp(database);
    const recomputed = await sql<{ id: string; digest: string }>`
      SELECT id, audit_row_digest(prev_hash, a) AS digest FROM audit_logs a ORDER BY seq`.execute(
      database.db,
    );
    expect(recomputed.rows.map((r) => [r.id, r.digest])).toEqual(before.rows.map((r) => [r.id, r.row_hash]));

    await database.db
      .insertInto("audit_logs")
      .values([row("new1"), row("new2")])
      .execute();
    const rows = await database.db
      .selectFrom("audit_logs")
      .select(["id", "seq", "chain_shard", "chain_pos", "prev_hash", "row_hash"])
      .orderBy("seq")
      .execute();
    expect(rows.map((r) => [r.id, Number(r.seq), r.chain_shard, r.chain_pos && Number(r.chain_pos)])).toEqual(
      [
        ["old1", 1, 0, null],
        ["old2", 2, 0, null],
        ["old3", 3, 0, null],
        ["new1", 4, 0, 4],
        ["new2", 5, 0, 5],
      ],
    );
    expect(rows[3].prev_hash).toBe(rows[2].row_hash);
    expect(await brokenLinks(database.db)).toBe(0);
  });
});

const url = process.env.DATABASE_URL;

describe.skipIf(!url)("audit chain shards under concurrency (PostgreSQL)", () => {
  const name = `plystra_shards_${process.pid}_${Date.now()}`;
  let admin: pg.Client | null = null;
  let database: Database | null = null;
  afterAll(async () => {
    await database?.close();
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await admin.end();
    }
  });

  it("a transaction holding one shard does not block another writer, and every shard verifies", async () => {
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const dbUrl = new URL(url!);
    dbUrl.pathname = `/${name}`;
    database = await openDatabase({ url: dbUrl.toString(), poolMax: 4 });
    await migrateUp(database);
    const db = database.db;

    // A transaction takes a shard and keeps it (uncommitted) while others write.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let inserted: () => void = () => {};
    const firstInserted = new Promise<void>((r) => {
      inserted = r;
    });
    const holder = db.transaction().execute(async (trx) => {
      await trx.insertInto("audit_logs").values(row("held1")).execute();
      inserted();
      await held;
      await trx.insertInto("audit_logs").values(row("held2")).execute();
    });
    await firstInserted;

    // Before shards this INSERT waited for the holder's commit; now it takes the next free shard.
    // A short lock timeout turns a regression into a failure instead of a hang.
    await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL lock_timeout = '2s'`.execute(trx);
      await trx
        .insertInto("audit_logs")
        .values([row("free1"), row("free2")])
        .execute();
    });
    // Several concurrent writers while the holder still holds its shard.
    await Promise.all(
      Array.from({ length: 3 }, (_, i) =>
        db
          .insertInto("audit_logs")
          .values([row(`c${i}a`), row(`c${i}b`)])
          .execute(),
      ),
    );
    release();
    await holder;

    const rows = await db
      .selectFrom("audit_logs")
      .select(["id", "chain_shard", "chain_pos"])
      .orderBy("seq")
      .execute();
    expect(rows).toHaveLength(10);
    const shardOf = new Map(rows.map((r) => [r.id, r.chain_shard]));
    expect(shardOf.get("held2")).toBe(shardOf.get("held1"));
    expect(shardOf.get("free1")).not.toBe(shardOf.get("held1"));
    expect(await brokenLinks(db)).toBe(0);
    const heads = await sql<{ shard: number; ok: boolean }>`
      SELECT h.shard, h.last_pos = coalesce(max(a.chain_pos), 0)
             AND h.last_hash = coalesce((SELECT row_hash FROM audit_logs x WHERE x.chain_shard = h.shard
                                          ORDER BY seq DESC LIMIT 1), repeat('0', 64)) AS ok
        FROM audit_chain_shards h LEFT JOIN audit_logs a ON a.chain_shard = h.shard
       GROUP BY h.shard, h.last_pos, h.last_hash ORDER BY h.shard`.execute(db);
    expect(heads.rows.length).toBeGreaterThanOrEqual(2);
    expect(heads.rows.every((h) => h.ok)).toBe(true);
  });
});
