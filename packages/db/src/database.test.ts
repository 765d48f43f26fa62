import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "./database.ts";

const url = process.env.DATABASE_URL;
let database: Database | null = null;
afterEach(async () => {
  await database?.close();
  database = null;
});

describe.skipIf(!url)("prepared statement marker (PostgreSQL)", () => {
  it("runs marked statements as named prepared statements and leaves the rest alone", async () => {
    // One pooled connection, so pg_prepared_statements shows that connection's statements.
    database = await openDatabase({ url, poolMax: 1 });
    const marked = (n: number) =>
      sql<{ v: number }>`/* prepared:plystra_test_marker */ SELECT ${n}::int + 1 AS v`.execute(database!.db);
    expect((await marked(1)).rows[0].v).toBe(2);
    expect((await marked(41)).rows[0].v).toBe(42);
    await sql`SELECT 1 AS plain`.execute(database.db);
    const { rows } = await sql<{
      name: string;
    }>`SELECT name FROM pg_prepared_statements ORDER BY name`.execute(database.db);
    expect(rows.map((r) => r.name)).toEqual(["plystra_test_marker"]);
  });
});
