import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { migrateUp, openDatabase } from "@plystra/db";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { parse } from "yaml";

declare module "vitest" {
  export interface ProvidedContext {
    dbKind: "postgres" | "pglite";
    /** postgres: admin URL + migrated template database name. */
    pgAdminUrl: string;
    pgTemplate: string;
    /** pglite: path of a dumped, migrated data dir. */
    pgliteDump: string;
    /** The OpenAPI spec, parsed once per run and stored as JSON (YAML parsing costs ~1 s a file). */
    specJson: string;
  }
}

const SPEC_FILE = fileURLToPath(new URL("../../../openapi/plystra.yaml", import.meta.url));

function databaseUrl(): string | undefined {
  return process.env.DATABASE_URL || process.env.PLYSTRA_DATABASE_URL || undefined;
}

/** Migrates once per run; every test file then clones the migrated template (fast, isolated). */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "plystra-test-"));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const specJson = join(dir, "spec.json");
  writeFileSync(specJson, JSON.stringify(parse(readFileSync(SPEC_FILE, "utf8"))));
  project.provide("specJson", specJson);
  const url = databaseUrl();
  if (url) {
    const template = `plystra_tpl_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${template}`);
    const tplUrl = new URL(url);
    tplUrl.pathname = `/${template}`;
    const database = await openDatabase({ url: tplUrl.toString(), poolMax: 1 });
    await migrateUp(database);
    await database.close();
    project.provide("dbKind", "postgres");
    project.provide("pgAdminUrl", url);
    project.provide("pgTemplate", template);
    project.provide("pgliteDump", "");
    return async () => {
      // Drop leftover per-file databases and the template.
      const { rows } = await admin.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE $1",
        [`${template.replace("tpl", "t")}%`],
      );
      for (const r of rows)
        await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`).catch(() => {});
      await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => {});
      await admin.end();
      removeDir();
    };
  }
  const database = await openDatabase({});
  await migrateUp(database);
  const dump = await database.pglite!.dumpDataDir("none");
  writeFileSync(join(dir, "template.tar"), Buffer.from(await dump.arrayBuffer()));
  await database.close();
  project.provide("dbKind", "pglite");
  project.provide("pgAdminUrl", "");
  project.provide("pgTemplate", "");
  project.provide("pgliteDump", join(dir, "template.tar"));
  return removeDir;
}
