import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "./database.ts";
import { migrateUp } from "./migrator.ts";

let database: Database;
beforeAll(async () => {
  database = await openDatabase({});
  await migrateUp(database);
});
afterAll(() => database.close());

const row = (id: string) => ({
  id,
  action: "invoice.approve",
  decision: "allow",
  trace: JSON.stringify({ id }),
});

/** Rows whose hash or back-link does not match a recomputation over the stored columns. */
async function brokenLinks(): Promise<number> {
  const r = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (
      SELECT seq, prev_hash, row_hash,
             lag(row_hash) OVER (PARTITION BY chain_shard ORDER BY seq) AS prev,
             audit_row_digest(prev_hash, a) AS expected
      FROM audit_logs a) x
    WHERE row_hash <> expected OR (prev IS NOT NULL AND prev <> prev_hash)`.execute(database.db);
  return r.rows[0].n;
}

async function head() {
  return (
    await sql<{
      last_pos: number;
      last_hash: string;
    }>`SELECT last_pos::int, last_hash FROM audit_chain_shards WHERE shard = 0`.execute(database.db)
  ).rows[0];
}

describe("audit hash chain (database-maintained)", () => {
  it("chains multi-row and multi-statement transactions gap-free, and the head follows the last row", async () => {
    await database.db
      .insertInto("audit_logs")
      .values([row("c1"), row("c2"), row("c3")])
      .execute();
    await database.db.transaction().execute(async (trx) => {
      await trx.insertInto("audit_logs").values(row("c4")).execute();
      await trx
        .insertInto("audit_logs")
        .values([row("c5"), row("c6")])
        .execute();
    });
    const rows = await database.db
      .selectFrom("audit_logs")
      .select(["id", "seq", "chain_shard", "chain_pos", "row_hash"])
      .orderBy("seq")
      .execute();
    // One connection (embedded database): every transaction finds shard 0 free.
    expect(rows.every((r) => r.chain_shard === 0)).toBe(true);
    expect(rows.map((r) => [r.id, Number(r.chain_pos)])).toEqual([
      ["c1", 1],
      ["c2", 2],
      ["c3", 3],
      ["c4", 4],
      ["c5", 5],
      ["c6", 6],
    ]);
    expect(await brokenLinks()).toBe(0);
    expect(await head()).toEqual({ last_pos: 6, last_hash: rows[5].row_hash });
  });

  it("a rolled-back insert (failed statement in a savepoint, or an aborted transaction) leaves no gap in the chain", async () => {
    await database.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto("audit_logs").values(row("r1")).execute();
        throw new Error("abort");
      })
      .catch(() => {});
    await database.db.transaction().execute(async (trx) => {
      await sql`SAVEPOINT s1`.execute(trx);
      await trx.insertInto("audit_logs").values(row("s1")).execute();
      await sql`ROLLBACK TO SAVEPOINT s1`.execute(trx);
      await trx.insertInto("audit_logs").values(row("s2")).execute();
    });
    await database.db.insertInto("audit_logs").values(row("after")).execute();
    const rows = await database.db
      .selectFrom("audit_logs")
      .select(["id", "seq", "chain_pos"])
      .where("chain_pos", ">", 6 as never)
      .orderBy("seq")
      .execute();
    // Positions stay gap-free; seq only increases (a rolled-back insert may consume one).
    expect(rows.map((r) => [r.id, Number(r.chain_pos)])).toEqual([
      ["s2", 7],
      ["after", 8],
    ]);
    expect(Number(rows[1].seq)).toBeGreaterThan(Number(rows[0].seq));
    expect(await brokenLinks()).toBe(0);
    expect((await head()).last_pos).toBe(8);
  });

  it("rejects UPDATE, DELETE and TRUNCATE", async () => {
    await expect(sql`UPDATE audit_logs SET action = 'x'`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_logs`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_logs`.execute(database.db)).rejects.toThrow(/append-only/);
  });
});
