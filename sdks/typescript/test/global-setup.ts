// Starts one real Plystra Core for the SDK tests: a child process on a free loopback port with a
// fresh embedded database (or a fresh database on $DATABASE_URL's server), demo seed on.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

const sdkDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const coreDir = resolve(sdkDir, "..", "..", "apps", "core");

declare module "vitest" {
  export interface ProvidedContext {
    plystraBaseUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

/** Creates `plystra_sdk_<rand>` on the server of `url` and returns its URL plus a dropper. */
async function freshPostgresDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  // pg lives in apps/core; the SDK itself has no database client.
  const { createRequire } = await import("node:module");
  type PgClient = { connect(): Promise<unknown>; query(sql: string): Promise<unknown>; end(): Promise<void> };
  const pg = createRequire(join(coreDir, "package.json"))("pg") as {
    Client: new (options: { connectionString: string }) => PgClient;
  };
  const name = `plystra_sdk_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Waits until OUR child answers (a unique version marker rules out another server on the port). */
async function waitReady(baseUrl: string, marker: string, child: ChildProcess): Promise<boolean> {
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const ready = await fetch(`${baseUrl}/api/v1/ready`);
      const version = (await (await fetch(`${baseUrl}/api/v1/version`)).json()) as {
        data?: { core_version?: string };
      };
      if (ready.ok && version.data?.core_version === marker) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("Core did not become ready within 90 s");
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), "plystra-sdk-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SERVER_HOST: "127.0.0.1",
    LOG_LEVEL: process.env.PLYSTRA_TEST_CORE_LOG_LEVEL ?? "warn",
    NODE_ENV: "development",
  };
  delete env.SERVER_MODE;
  delete env.PLYSTRA_ENV;
  delete env.PLYSTRA_DATABASE_URL;
  let dropDatabase: (() => Promise<void>) | undefined;
  const databaseUrl = process.env.DATABASE_URL ?? process.env.PLYSTRA_DATABASE_URL;
  if (databaseUrl) {
    const db = await freshPostgresDatabase(databaseUrl);
    env.DATABASE_URL = db.url;
    dropDatabase = db.drop;
  }

  let child: ChildProcess | undefined;
  let log = "";
  let stopping = false;
  let baseUrl = "";
  try {
    // A port picked free can be taken before Core binds it (other suites run servers too): retry.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const marker = `1.0.0-sdk-test.${randomBytes(4).toString("hex")}`;
      log = "";
      const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
        cwd: coreDir,
        env: {
          ...env,
          SERVER_PORT: String(port),
          PLYSTRA_CORE_VERSION: marker,
          PLYSTRA_DATA_DIR: join(dataDir, `attempt-${attempt}`),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const keep = (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-20_000);
      };
      proc.stdout?.on("data", keep);
      proc.stderr?.on("data", keep);
      baseUrl = `http://127.0.0.1:${port}`;
      if (await waitReady(baseUrl, marker, proc).catch(() => false)) {
        child = proc;
        break;
      }
      proc.kill("SIGKILL");
      if (attempt >= 3) throw new Error(`Core failed to start:\n${log}`);
    }
  } catch (err) {
    await dropDatabase?.().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const core = child as ChildProcess;
  core.once("exit", (code, signal) => {
    // A Core that dies mid-run explains every later failure: say so loudly, with its last output.
    if (!stopping)
      process.stderr.write(`\n[sdk tests] Core exited early (code ${code}, signal ${signal}):\n${log}\n`);
  });

  project.provide("plystraBaseUrl", baseUrl);
  process.env.PLYSTRA_TEST_BASE_URL = baseUrl;

  return async () => {
    stopping = true;
    if (core.exitCode === null && core.signalCode === null) {
      const exited = new Promise<void>((r) => core.once("exit", () => r()));
      core.kill("SIGTERM");
      const timer = setTimeout(() => core.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await dropDatabase?.().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
