import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "./database.ts";
import {
  expectedSchemaVersion,
  loadMigrations,
  MIGRATIONS_DIR,
  MigrationError,
  migrateUp,
  migrateVerify,
  migrationStatus,
} from "./migrator.ts";

/** A private copy of the shipped migrations that a test may extend or tamper with. */
function migrationsCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "plystra-mig-"));
  for (const m of loadMigrations()) writeFileSync(join(dir, `${m.version}_${m.name}.sql`), m.sql);
  return dir;
}

let database: Database | null = null;
afterEach(async () => {
  await database?.close();
  database = null;
});

describe("migrator (embedded PostgreSQL)", () => {
  it("applies every migration in order, records checksums, and verifies", async () => {
    database = await openDatabase({});
    const applied = await migrateUp(database);
    expect(applied.map((m) => m.version)).toEqual(loadMigrations().map((m) => m.version));
    const ledger = await database.db.selectFrom("schema_migrations").selectAll().orderBy("version").execute();
    expect(ledger.map((r) => r.checksum)).toEqual(loadMigrations().map((m) => m.checksum));
    await expect(migrateVerify(database)).resolves.toBeUndefined();
    expect(await migrateUp(database)).toEqual([]);
    expect(expectedSchemaVersion()).toBe(ledger[ledger.length - 1].version);
  });

  it("reports a pending migration and fails verify naming it", async () => {
    const dir = migrationsCopy();
    database = await openDatabase({});
    await migrateUp(database, dir);
    writeFileSync(join(dir, "900_extra_table.sql"), "CREATE TABLE extra_table (id text PRIMARY KEY);");
    const status = await migrationStatus(database, dir);
    expect(status.at(-1)).toMatchObject({ version: "900", state: "pending" });
    await expect(migrateVerify(database, dir)).rejects.toThrow(
      /900_extra_table is pending; run plystractl migrate up/,
    );
    await migrateUp(database, dir);
    await expect(migrateVerify(database, dir)).resolves.toBeUndefined();
  });

  it("detects an edited applied migration and refuses to migrate", async () => {
    const dir = migrationsCopy();
    database = await openDatabase({});
    await migrateUp(database, dir);
    const first = loadMigrations(dir)[0];
    const file = join(dir, `${first.version}_${first.name}.sql`);
    writeFileSync(file, `${readFileSync(file, "utf8")}\n-- edited after release\n`);
    expect((await migrationStatus(database, dir))[0].state).toBe("checksum_mismatch");
    await expect(migrateVerify(database, dir)).rejects.toThrow(/checksum mismatch/);
    await expect(migrateUp(database, dir)).rejects.toBeInstanceOf(MigrationError);
  });

  it("rolls back a failing migration completely, leaving no ledger row", async () => {
    const dir = migrationsCopy();
    database = await openDatabase({});
    await migrateUp(database, dir);
    writeFileSync(
      join(dir, "901_broken.sql"),
      "CREATE TABLE half_done (id text);\nSELECT * FROM no_such_table;",
    );
    await expect(migrateUp(database, dir)).rejects.toThrow(/901_broken failed and was rolled back/);
    const exists = await sql<{ t: string | null }>`select to_regclass('public.half_done')::text as t`.execute(
      database.db,
    );
    expect(exists.rows[0].t).toBeNull();
    expect((await migrationStatus(database, dir)).at(-1)?.state).toBe("pending");
  });

  it("ships migrations from the package directory", () => {
    expect(MIGRATIONS_DIR).toMatch(/migrations\/$/);
    expect(loadMigrations().length).toBeGreaterThanOrEqual(2);
  });
});
