import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Database, migrateUp, openDatabase } from "@plystra/db";
import { sql } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { COMMANDS } from "../src/cli/commands/index.ts";
import { runDoctor } from "../src/cli/doctor.ts";
import { runCli } from "../src/cli/main.ts";
import { seedDemo } from "../src/features/demo/demo.seed.ts";
import { insertApiKey } from "./fixtures.ts";
import { createTestApp, createTestDatabase, TEST_ENV } from "./harness.ts";
import { captureOutput } from "./capture-output.ts";

const DEMO_ACTOR = {
  user_id: "user_alice",
  member_id: "member_finance_reviewer",
  user_member_id: "um_alice_finance_reviewer",
  space_id: "space_acme",
};

/** Runs plystractl in-process, capturing what it prints. */
async function cli(argv: string[], env: Record<string, string | undefined> = {}) {
  return captureOutput(() => runCli(argv, { ...TEST_ENV, ...env }));
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/**
 * A migrated database the CLI opens by configuration: a PostgreSQL clone by URL, or an on-disk
 * PGlite directory (one process at a time, so `use` closes the handle around the CLI call).
 */
async function store() {
  const probe = await createTestDatabase();
  if (probe.url) {
    cleanups.push(() => probe.drop());
    return {
      env: { DATABASE_URL: probe.url } as Record<string, string>,
      url: probe.url,
      async use<T>(fn: (db: Database) => Promise<T>) {
        return fn(probe.database);
      },
    };
  }
  await probe.drop();
  const dir = mkdtempSync(join(tmpdir(), "plystra-ops-cli-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const first = await openDatabase({ dataDir: dir });
  await migrateUp(first);
  await first.close();
  return {
    env: { PLYSTRA_DATA_DIR: dir } as Record<string, string>,
    url: null,
    async use<T>(fn: (db: Database) => Promise<T>) {
      const db = await openDatabase({ dataDir: dir });
      try {
        return await fn(db);
      } finally {
        await db.close();
      }
    },
  };
}

const statusOf = (checks: Awaited<ReturnType<typeof runDoctor>>, name: string) =>
  checks.filter((c) => c.name === name);

describe("plystractl --help", () => {
  it("exits 0 with the command's usage for every command, and 2 for an unknown one", async () => {
    const top = await cli(["--help"]);
    expect(top.code).toBe(0);
    for (const c of COMMANDS) {
      const res = await cli([...c.name.split(" "), "--help"]);
      expect(res.code, c.name).toBe(0);
      expect(res.stdout, c.name).toContain(`usage: plystractl ${c.name}`);
      expect(top.stdout).toContain(c.name);
    }
    const unknown = await cli(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });
});

describe("plystractl doctor", () => {
  it("reports every section ok on a migrated database and exits 0 (--json too)", async () => {
    const s = await store();
    const res = await cli(["doctor", "--json"], s.env);
    const report = JSON.parse(res.stdout);
    const names = [...new Set(report.checks.map((c: { name: string }) => c.name))];
    expect(names).toEqual([
      "environment",
      "configuration",
      "database",
      "migrations",
      "schema",
      "service readiness",
    ]);
    for (const name of ["database", "migrations", "schema", "service readiness"]) {
      expect(
        statusOf(report.checks, name).map((c) => c.status),
        name,
      ).toEqual(["ok"]);
    }
    expect(report.ok).toBe(true);
    expect(res.code).toBe(0);
  });

  it("fails on a pending migration, naming it and the command to run", async () => {
    const s = await store();
    await s.use((db) =>
      sql`DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`.execute(
        db.db,
      ),
    );
    const res = await cli(["doctor"], s.env);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/fail\s+migrations\s+1 pending \(\d{3}_\w+\); run: plystractl migrate up/);
  });

  it("fails on a tampered migration (checksum mismatch)", async () => {
    const s = await store();
    await s.use((db) =>
      sql`UPDATE schema_migrations SET checksum = 'tampered' WHERE version = '002'`.execute(db.db),
    );
    const checks = await runDoctor({ ...TEST_ENV, ...s.env });
    const [m] = statusOf(checks, "migrations");
    expect(m.status).toBe("fail");
    expect(m.message).toMatch(/checksum mismatch: 002_\w+/);
  });

  it("fails on schema drift: a dropped audit trigger and a dropped index are named", async () => {
    const s = await store();
    const trigger = await s.use(async (db) => {
      const { rows } = await sql<{ tgname: string }>`
        SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE c.relname = 'audit_logs' AND NOT t.tgisinternal ORDER BY t.tgname LIMIT 1`.execute(db.db);
      await sql`DROP TRIGGER ${sql.id(rows[0].tgname)} ON audit_logs`.execute(db.db);
      await sql`DROP INDEX audit_logs_created_idx`.execute(db.db);
      return rows[0].tgname;
    });
    const checks = await runDoctor({ ...TEST_ENV, ...s.env });
    const [schema] = statusOf(checks, "schema");
    expect(schema.status).toBe("fail");
    expect(schema.message).toContain("index audit_logs_created_idx");
    expect(schema.message).toContain(`trigger audit_logs.${trigger}`);
    expect(statusOf(checks, "service readiness")[0].status).toBe("fail");
  });

  it("fails within seconds on an unreachable database, with an actionable message", async () => {
    const started = Date.now();
    const res = await cli(["doctor", "--timeout", "3"], {
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
    });
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/fail\s+database\s+cannot reach PostgreSQL 127\.0\.0\.1:1\/none/);
    expect(res.stdout).toContain("Check DATABASE_URL");
  });

  it("in production fails on the startup guard's rules, naming the variable; outside it only warns", async () => {
    const s = await store();
    const prod = {
      ...s.env,
      DATABASE_URL: s.url ?? "postgres://svc:pw@db.invalid:5432/plystra",
      SERVER_MODE: "production",
      PLYSTRA_SESSION_SECRET: "too-short",
      PLYSTRA_API_KEY_SECRET: "k".repeat(40),
      CORS_ALLOWED_ORIGINS: "https://admin.example.test",
      SERVER_PUBLIC_URL: "https://authz.example.test",
    };
    const res = await cli(["doctor", "--timeout", "3"], prod);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/fail\s+configuration\s+.*PLYSTRA_SESSION_SECRET/);
    // On PostgreSQL the database answers, so readiness fails on the configuration alone.
    if (s.url) expect(res.stdout).toMatch(/fail\s+service readiness\s+Core refuses to start/);

    const dev = await runDoctor({ ...TEST_ENV, ...s.env, PLYSTRA_SESSION_SECRET: "too-short" });
    const config = statusOf(dev, "configuration");
    expect(config.map((c) => c.status)).toEqual(["warn"]);
    expect(config[0].message).toContain("PLYSTRA_SESSION_SECRET");
  });
});

function pgTool(name: string): string | null {
  const onPath = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  if (onPath) return onPath;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, "bin", name))) return join(root, v, "bin", name);
  return null;
}

describe.skipIf(!process.env.DATABASE_URL)("backup and restore on PostgreSQL", () => {
  it("pg_dump → pg_restore into a fresh database → verify-backup and audit verify pass with equal counts", async () => {
    const pgDump = pgTool("pg_dump");
    const pgRestore = pgTool("pg_restore");
    expect(pgDump, "pg_dump is installed").not.toBeNull();
    const s = await store();
    const t = await createTestApp({
      database: { database: (await s.use(async (d) => d)) as Database, url: s.url, drop: async () => {} },
    });
    await seedDemo(t.deps.db);
    const key = await insertApiKey(t, { level: "instance", permissionKeys: ["authz:check"] });
    for (const resource of ["invoice_001", "invoice_002", "invoice_001"]) {
      const res = await t.request("POST", "/api/v1/authz/check", {
        apiKey: key,
        body: { actor: DEMO_ACTOR, resource_type: "invoice", resource_id: resource, action: "approve" },
      });
      expect(res.status).toBe(200);
    }

    const work = mkdtempSync(join(tmpdir(), "plystra-backup-"));
    cleanups.push(() => rmSync(work, { recursive: true, force: true }));
    const manifestFile = join(work, "plystra.dump.manifest.json");
    const archive = join(work, "plystra.dump");

    const printed = await cli(["backup", "pg-dump-command", "--file", archive], s.env);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain("pg_dump --format=custom --no-owner --file");
    expect(printed.stdout).toContain('"$DATABASE_URL"');
    expect(printed.stdout).not.toContain(s.url!);

    const manifest = await cli(["backup", "manifest", "--out", manifestFile], s.env);
    expect(manifest.code).toBe(0);
    const m = JSON.parse(readFileSync(manifestFile, "utf8"));
    expect(m.format).toBe("plystra.backup.manifest.v1");
    expect(m.tables.audit_logs).toBeGreaterThanOrEqual(3);
    expect(m.restore_order.indexOf("spaces")).toBeLessThan(m.restore_order.indexOf("groups"));
    expect(m.database_url_fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);

    // The printed commands, run for real (with the URL the operator keeps in $DATABASE_URL).
    const dump = spawnSync(pgDump!, ["--format=custom", "--no-owner", "--file", archive, s.url!], {
      encoding: "utf8",
    });
    expect(dump.status, dump.stderr).toBe(0);

    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    const fresh = `plystra_restore_${Date.now().toString(36)}`;
    await admin.query(`CREATE DATABASE ${fresh}`);
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${fresh} WITH (FORCE)`);
      await admin.end();
    });
    const target = new URL(process.env.DATABASE_URL!);
    target.pathname = `/${fresh}`;
    const restore = spawnSync(
      pgRestore!,
      ["--no-owner", "--exit-on-error", "--single-transaction", "--dbname", target.toString(), archive],
      { encoding: "utf8" },
    );
    expect(restore.status, restore.stderr).toBe(0);

    const targetEnv = { DATABASE_URL: target.toString() };
    const verified = await cli(["restore", "verify-backup", "--file", manifestFile], targetEnv);
    expect(verified.stdout).toMatch(/ok\s+row counts match/);
    expect(verified.stdout).toMatch(/ok\s+audit chain intact \(\d+ rows\)/);
    expect(verified.code).toBe(0);
    expect((await cli(["audit", "verify"], targetEnv)).code).toBe(0);
    expect((await cli(["migrate", "verify"], targetEnv)).code).toBe(0);

    // A restore that lost rows is caught.
    const restored = await openDatabase({ url: target.toString(), poolMax: 1 });
    await sql`DELETE FROM resources WHERE id = 'invoice_002'`.execute(restored.db);
    await restored.close();
    const lossy = await cli(["restore", "verify-backup", "--file", manifestFile], targetEnv);
    expect(lossy.code).toBe(1);
    expect(lossy.stdout).toMatch(/fail\s+row counts differ: resources: \d+ \(backup \d+\)/);
    await t.close();
  }, 120_000);
});

describe("plystractl audit export", () => {
  it("streams the window's rows as NDJSON in seq order and refuses a bad --since", async () => {
    const s = await store();
    const before = new Date(Date.now() - 1000).toISOString();
    await s.use(async (database) => {
      const t = await createTestApp({ database: { database, url: s.url, drop: async () => {} } });
      await seedDemo(t.deps.db);
      const key = await insertApiKey(t, { level: "instance", permissionKeys: ["authz:check"] });
      for (let i = 0; i < 4; i++) {
        await t.request("POST", "/api/v1/authz/check", {
          apiKey: key,
          body: {
            actor: DEMO_ACTOR,
            resource_type: "invoice",
            resource_id: "invoice_001",
            action: "approve",
          },
        });
      }
      for (const close of t.deps.closers) await close();
    });
    const res = await cli(["audit", "export", "--since", before, "--format", "ndjson"], s.env);
    expect(res.code).toBe(0);
    const rows = res.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const decisions = rows.filter((r) => r.action === "invoice.approve");
    expect(decisions.length).toBe(4);
    expect(decisions.every((r) => r.decision === "allow" && r.row_hash && r.created_at >= before)).toBe(true);
    const seqs = rows.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(res.stderr).toContain(`audit export: ${rows.length} rows`);

    const empty = await cli(
      ["audit", "export", "--since", "2000-01-01T00:00:00Z", "--until", "2000-01-02T00:00:00Z"],
      s.env,
    );
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe("");

    const bad = await cli(["audit", "export", "--since", "yesterday"], s.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--since is not a valid ISO 8601 time");
  });
});
