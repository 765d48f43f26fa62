#!/usr/bin/env node
// Starts one real Plystra Core for SDK tests (TypeScript, Python, Go): a child process on a free
// loopback port with a fresh embedded database, or a fresh database on $DATABASE_URL's server,
// demo seed on. Used two ways:
//   - imported: `const core = await startTestCore(); … await core.stop()` (vitest global setup);
//   - run: `node scripts/test-core.mjs` prints one line `PLYSTRA_BASE_URL=http://127.0.0.1:<port>`
//     once Core is ready, then keeps Core up until its stdin closes or it gets SIGTERM/SIGINT, and
//     cleans up (Core stopped, database dropped, data dir removed). Python and Go fixtures spawn it.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const coreDir = join(repoDir, "apps", "core");

/** A loopback port that was free a moment ago (retry if something takes it first). */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** Creates `<prefix>_<rand>` on the server of `url`; returns its URL and a dropper. */
export async function freshPostgresDatabase(url, prefix = "plystra_sdk") {
  // pg lives in apps/core; the SDKs themselves have no database client.
  const pg = createRequire(join(coreDir, "package.json"))("pg");
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
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
async function waitReady(baseUrl, marker, child) {
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const ready = await fetch(`${baseUrl}/api/v1/ready`);
      const version = await (await fetch(`${baseUrl}/api/v1/version`)).json();
      if (ready.ok && version.data?.core_version === marker) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("Core did not become ready within 90 s");
}

/**
 * Starts Core and resolves once it answers `/api/v1/ready`.
 * @param {{ env?: Record<string, string>, onEarlyExit?: (log: string) => void }} [options]
 * @returns {Promise<{ baseUrl: string, log: () => string, stop: () => Promise<void> }>}
 */
export async function startTestCore(options = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "plystra-sdk-"));
  const env = {
    ...process.env,
    SERVER_HOST: "127.0.0.1",
    LOG_LEVEL: process.env.PLYSTRA_TEST_CORE_LOG_LEVEL ?? "warn",
    NODE_ENV: "development",
    ...options.env,
  };
  delete env.SERVER_MODE;
  delete env.PLYSTRA_ENV;
  delete env.PLYSTRA_DATABASE_URL;
  let dropDatabase;
  const databaseUrl = process.env.DATABASE_URL ?? process.env.PLYSTRA_DATABASE_URL;
  if (databaseUrl) {
    const db = await freshPostgresDatabase(databaseUrl);
    env.DATABASE_URL = db.url;
    // A fresh, throwaway database: the demo seed is wanted here.
    env.PLYSTRA_DEMO_SEED = "true";
    dropDatabase = db.drop;
  }

  let child;
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
      const keep = (chunk) => {
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
  child.once("exit", (code, signal) => {
    // A Core that dies mid-run explains every later failure: say so loudly, with its last output.
    if (!stopping) {
      const message = `Core exited early (code ${code}, signal ${signal}):\n${log}\n`;
      if (options.onEarlyExit) options.onEarlyExit(message);
      else process.stderr.write(`\n[test-core] ${message}`);
    }
  });

  return {
    baseUrl,
    /** The last ~20 kB Core wrote to stdout/stderr. */
    log: () => log,
    stop: async () => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", () => r()));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await dropDatabase?.().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const core = await startTestCore();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await core.stop();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.stdin.resume();
  process.stdout.write(`PLYSTRA_BASE_URL=${core.baseUrl}\n`);
}
