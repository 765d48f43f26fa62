import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@plystra/db";
import { sql } from "kysely";
import { afterEach, describe, expect, inject, it } from "vitest";
import { auditCommands } from "../src/cli/commands/audit.ts";
import { loadConfig } from "../src/config.ts";
import { seedDemo } from "../src/features/demo/demo.seed.ts";
import { insertApiKey } from "./fixtures.ts";
import { createTestApp, createTestDatabase, TEST_ENV } from "./harness.ts";
import { captureOutput } from "./capture-output.ts";

// The decision-engine acceptance item: a row altered behind the trigger's back is reported by the
// operator command itself (`plystractl audit verify`), not only by the library function it wraps.

const verify = auditCommands.find((c) => c.name === "audit verify")!;

async function runVerify(env: Record<string, string>) {
  return captureOutput(() =>
    verify.run({ config: loadConfig({ ...TEST_ENV, ...env }), options: {}, args: [] }),
  );
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/**
 * A database the CLI can open by configuration: the PostgreSQL clone by URL, or (PGlite runs) an
 * on-disk clone of the migrated template, since the command opens its own connection.
 */
async function openStore() {
  if (inject("dbKind") === "postgres") {
    const clone = await createTestDatabase();
    cleanups.push(() => clone.drop());
    const database = clone.database;
    return {
      database,
      env: { DATABASE_URL: clone.url as string },
      release: async () => {},
      reopen: async () => database,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "plystra-audit-cli-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const clone = await createTestDatabase({ dataDir: dir });
  // PGlite allows one process per directory: the app's handle must be closed before the CLI runs.
  const store = {
    database: clone.database,
    env: { PLYSTRA_DATA_DIR: dir } as Record<string, string>,
    release: () => store.database.close(),
    reopen: async () => {
      store.database = await openDatabase({ dataDir: dir });
      return store.database;
    },
  };
  return store;
}

describe("plystractl audit verify", () => {
  it("passes on an intact chain and exits 1 naming the seq of a row altered with the trigger disabled", async () => {
    const store = await openStore();
    const t = await createTestApp({
      database: { database: store.database, url: null, drop: async () => {} },
    });
    await seedDemo(t.deps.db);
    const key = await insertApiKey(t, { level: "instance", permissionKeys: ["authz:check"] });
    for (const resource of ["invoice_001", "invoice_002", "invoice_001", "invoice_002"]) {
      const res = await t.request("POST", "/api/v1/authz/check", {
        apiKey: key,
        body: {
          actor: {
            user_id: "user_alice",
            member_id: "member_finance_reviewer",
            user_member_id: "um_alice_finance_reviewer",
            space_id: "space_acme",
          },
          resource_type: "invoice",
          resource_id: resource,
          action: "approve",
        },
      });
      expect(res.status).toBe(200);
    }
    await t.close();
    const victim = await store.database.db
      .selectFrom("audit_logs")
      .select(["id", "seq"])
      .where("decision", "=", "deny")
      .orderBy("seq")
      .executeTakeFirstOrThrow();

    await store.release();
    const ok = await runVerify(store.env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/audit chain: ok \(\d+ rows\)/);
    const db = (await store.reopen()).db;

    // An UPDATE through SQL is refused while the trigger is on.
    await expect(
      sql`UPDATE audit_logs SET decision = 'allow' WHERE id = ${victim.id}`.execute(db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_logs WHERE id = ${victim.id}`.execute(db)).rejects.toThrow(
      /append-only/,
    );

    await sql`ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_no_update`.execute(db);
    await sql`UPDATE audit_logs SET decision = 'allow', deny_code = NULL WHERE id = ${victim.id}`.execute(db);
    await sql`ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_no_update`.execute(db);
    await store.release();

    const broken = await runVerify(store.env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`BROKEN at seq ${victim.seq}`);
    expect(broken.stderr).toContain(victim.id);
  });
});
