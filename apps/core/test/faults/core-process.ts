/**
 * Real Core processes for the fault tests: spawned like production (`node --import tsx src/main.ts`)
 * on a PostgreSQL database the test controls, so a test can kill -9 them, run two on one database,
 * or stop the database underneath them.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
// @ts-expect-error plain ESM script shared with the SDK test suites; no type declarations.
import { freePort, freshPostgresDatabase } from "../../../../scripts/test-core.mjs";

const coreDir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const repoDir = resolve(coreDir, "..", "..");

/** The CI PostgreSQL server every fault test creates its databases on. */
export function adminUrl(): string {
  const url = process.env.DATABASE_URL || process.env.PLYSTRA_DATABASE_URL;
  if (!url)
    throw new Error("the fault tests need DATABASE_URL (a PostgreSQL server they may create databases on)");
  return url;
}

export { freePort };

/** Creates an empty database on `serverUrl`'s server; `drop()` removes it. */
export function freshDatabase(serverUrl = adminUrl()): Promise<{ url: string; drop: () => Promise<void> }> {
  return freshPostgresDatabase(serverUrl, "plystra_fault");
}

export interface CoreProcess {
  baseUrl: string;
  proc: ChildProcess;
  /** Output so far (last 50 kB). */
  log: () => string;
  /** Resident set size of the Core process in KiB (Linux /proc). */
  rssKib: () => number;
  /** SIGTERM, then SIGKILL after 10 s; resolves when it exited. */
  stop: () => Promise<void>;
  /** SIGKILL now; resolves when it exited. */
  kill9: () => Promise<void>;
}

/** Starts Core in development mode (demo seed on) on `databaseUrl` and waits for /ready. */
export async function startCore(databaseUrl: string, env: Record<string, string> = {}): Promise<CoreProcess> {
  const port = await freePort();
  const marker = `1.0.0-fault.${randomBytes(4).toString("hex")}`;
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: "development",
    SERVER_HOST: "127.0.0.1",
    SERVER_PORT: String(port),
    DATABASE_URL: databaseUrl,
    PLYSTRA_DEMO_SEED: "true",
    PLYSTRA_CORE_VERSION: marker,
    LOG_LEVEL: "warn",
    ...env,
  };
  delete childEnv.SERVER_MODE;
  delete childEnv.PLYSTRA_ENV;
  delete childEnv.PLYSTRA_DATABASE_URL;
  const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: coreDir,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-50_000);
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`Core exited on start:\n${log}`);
    if (Date.now() > until) {
      proc.kill("SIGKILL");
      throw new Error(`Core not ready within 60 s:\n${log}`);
    }
    try {
      const v = (await (await fetch(`${baseUrl}/api/v1/version`)).json()) as {
        data?: { core_version?: string };
      };
      if (v.data?.core_version === marker && (await fetch(`${baseUrl}/api/v1/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  return {
    baseUrl,
    proc,
    log: () => log,
    rssKib: () => {
      const status = readFileSync(`/proc/${proc.pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    },
    stop: async () => {
      if (!alive()) return;
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
    },
    kill9: async () => {
      if (!alive()) return;
      proc.kill("SIGKILL");
      await exited;
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  ms: number;
}

/** One JSON request; `apiKey` or `token` authenticates it. */
export async function api(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; apiKey?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.apiKey) headers["x-plystra-api-key"] = opts.apiKey;
  const started = Date.now();
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body, ms: Date.now() - started };
}

/** Alice (demo instance super admin) logs in; returns her access and refresh tokens. */
export async function loginAlice(baseUrl: string) {
  const res = await api(baseUrl, "POST", "/api/v1/auth/login", {
    body: { email: "alice@example.com", password: "plystra-demo" },
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.data.access_token as string, refresh: res.body.data.refresh_token as string };
}

/** An instance API key holding `*`, created with `token`. */
export async function instanceKey(baseUrl: string, token: string): Promise<{ id: string; key: string }> {
  const res = await api(baseUrl, "POST", "/api/v1/api-keys", {
    token,
    body: { name: `fault-${randomBytes(3).toString("hex")}`, level: "instance", permission_keys: ["*"] },
  });
  if (res.status !== 201) throw new Error(`key create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.data.id, key: res.body.data.api_key };
}

/** Alice approving invoice_001 through `binding` (allow in the demo data). */
export function checkBody(memberId = "member_finance_reviewer", bindingId = "um_alice_finance_reviewer") {
  return {
    action: "approve",
    resource_type: "invoice",
    resource_id: "invoice_001",
    actor: { user_id: "user_alice", member_id: memberId, user_member_id: bindingId, space_id: "space_acme" },
  };
}

/** A throwaway PostgreSQL cluster (scripts/pg-throwaway.sh) the test may stop and start. */
export async function throwawayCluster() {
  const port = await freePort();
  const script = join(repoDir, "scripts", "pg-throwaway.sh");
  const out = execFileSync("bash", [script], {
    env: { ...process.env, PGPORT_THROWAWAY: String(port) },
  }).toString();
  const dir = /PLYSTRA_PG_DIR=(\S+)/.exec(out)?.[1];
  const url = /DATABASE_URL=(\S+)/.exec(out)?.[1];
  if (!dir || !url) throw new Error(`pg-throwaway.sh printed no cluster:\n${out}`);
  const run = async (cmd: string) => {
    await promisify(execFile)("bash", [script, cmd, dir]);
  };
  return {
    url,
    /** Stops the server (fast shutdown: sessions are terminated), keeping its data. */
    halt: () => run("halt"),
    /** Starts the stopped server again on the same port. */
    resume: () => run("resume"),
    destroy: () => run("stop"),
  };
}
