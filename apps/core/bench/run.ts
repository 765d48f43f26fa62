// Load benchmark of POST /api/v1/authz/check against a real, durable PostgreSQL.
//
//   pnpm bench [--scale small|medium|large] [--duration 60] [--warmup 10] [--connections 64]
//              [--rate 1000] [--rate-duration 30] [--pool 10] [--instances 1] [--flushes N] [--cache N]
//              [--keep] [--profile] [--no-engine] [--openfga <bench-openfga results dir or .json>]
//              [--wal-segments 64] [--settle 5] [--sample-waits]
//
// Starts a throwaway cluster with durable defaults (fsync and synchronous_commit on), loads the
// dataset, starts Core as a child process, checks a corpus sample for correct decisions, runs the
// phases with autocannon, proves that every 200 answer has exactly one audit row and that the hash
// chain verifies, then writes bench-results/<stamp>-<scale>.{json,md}. Not part of CI: it is slow.
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import pg from "pg";
import {
  type CorpusLine,
  checkBody,
  type DatasetInfo,
  describeDataset,
  generateDataset,
  SCALES,
  type ScaleName,
} from "./dataset.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const CORE_DIR = resolve(HERE, "..");
const REPO = resolve(CORE_DIR, "../..");
const RESULTS = join(REPO, "bench-results");
const CHECK_PATH = "/api/v1/authz/check";

interface Options {
  scale: ScaleName;
  duration: number;
  warmup: number;
  connections: number;
  rate: number;
  rateDuration: number;
  pool: number;
  pgPort: number;
  keep: boolean;
  profile: boolean;
  engine: boolean;
  sanity: number;
  /** Core reaches PostgreSQL over its Unix socket instead of TCP loopback. */
  socket: boolean;
  /** Core processes on the one port (src/cluster.ts, PLYSTRA_WORKERS); 1 runs src/main.ts. */
  instances: number;
  /** Audit flushes in flight per process (PLYSTRA_AUDIT_FLUSHES); null keeps Core's default. */
  flushes: number | null;
  /** Decision-context cache entries per part (AUTHZ_CONTEXT_CACHE_ENTRIES; 0 = off); null keeps Core's default. */
  cache: number | null;
  /** A bench-openfga results file, or a directory whose newest `*.json` is read, for the ratio line. */
  openfga: string;
  /** WAL segments created and recycled before the run (prepareWal); 0 runs on a fresh cluster's WAL. */
  walSegments: number;
  /** Idle seconds before each phase after the first, so one phase's backlog does not land in the next. */
  settle: number;
  /** Sample PostgreSQL wait events during the paced phase (a diagnostic; costs a little CPU). */
  sampleWaits: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    scale: "medium",
    duration: 60,
    warmup: 10,
    connections: 64,
    rate: 1000,
    rateDuration: 30,
    pool: 10,
    pgPort: 55477,
    keep: false,
    profile: false,
    engine: true,
    sanity: 500,
    socket: false,
    instances: 1,
    flushes: null,
    cache: null,
    openfga: join(RESULTS, "openfga"),
    walSegments: 64,
    settle: 5,
    sampleWaits: false,
  };
  const num = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a non-negative number (got ${v})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    switch (a) {
      case "--":
        break;
      case "--scale": {
        const s = next();
        if (!(s in SCALES)) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(", ")}`);
        o.scale = s as ScaleName;
        break;
      }
      case "--duration":
        o.duration = num("duration", next());
        break;
      case "--warmup":
        o.warmup = num("warmup", next());
        break;
      case "--connections":
        o.connections = Math.max(1, num("connections", next()));
        break;
      case "--rate":
        o.rate = num("rate", next());
        break;
      case "--rate-duration":
        o.rateDuration = num("rate-duration", next());
        break;
      case "--pool":
        o.pool = Math.max(1, num("pool", next()));
        break;
      case "--pg-port":
        o.pgPort = num("pg-port", next());
        break;
      case "--sanity":
        o.sanity = num("sanity", next());
        break;
      case "--keep":
        o.keep = true;
        break;
      case "--profile":
        o.profile = true;
        break;
      case "--socket":
        o.socket = true;
        break;
      case "--instances":
        o.instances = Math.max(1, Math.floor(num("instances", next())));
        break;
      case "--flushes":
        o.flushes = Math.max(1, Math.floor(num("flushes", next())));
        break;
      case "--cache":
        o.cache = Math.floor(num("cache", next()));
        break;
      case "--no-engine":
        o.engine = false;
        break;
      case "--sample-waits":
        o.sampleWaits = true;
        break;
      case "--settle":
        o.settle = num(a, next());
        break;
      case "--wal-segments":
        o.walSegments = num(a, next());
        break;
      case "--openfga":
        o.openfga = resolve(next() ?? "");
        break;
      default:
        throw new Error(`unknown option ${a}`);
    }
  }
  return o;
}

const log = (msg: string) => process.stdout.write(`${msg}\n`);

// ---------------------------------------------------------------------------------------------
// Processes: PostgreSQL cluster, Core child, CPU/RSS sampling from /proc.

interface Cluster {
  dir: string;
  url: string;
  postmasterPid: number;
}

/**
 * PostgreSQL settings for the audit write load, as docs/self-hosting.md recommends them: keep 1 GB of
 * old WAL segments for reuse at each checkpoint (see prepareWal); have backends start writeback of
 * the pages they write (without it the kernel flushes them in bursts that stall WAL fsyncs for
 * 100–200 ms); compress the full-page images that follow a checkpoint (less WAL to fsync while one
 * is in progress). Durability settings stay at their defaults.
 */
const PG_AUDIT_SETTINGS = ["min_wal_size=1GB", "backend_flush_after=256kB", "wal_compression=lz4"];

function startCluster(port: number): Cluster {
  const probe = spawnSync("bash", ["-c", `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: "ignore" });
  if (probe.status === 0) {
    throw new Error(
      `port ${port} is already in use (a cluster kept with --keep?); stop it or pass --pg-port`,
    );
  }
  // Durable defaults: fsync, synchronous_commit and full_page_writes stay on. pg_stat_statements
  // is loaded so the report can name the statements that bound the check.
  const out = execFileSync("bash", [join(REPO, "scripts/pg-throwaway.sh")], {
    env: {
      ...process.env,
      PGPORT_THROWAWAY: String(port),
      PG_DURABLE: "1",
      PG_EXTRA_OPTS:
        "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=top -c pg_stat_statements.track_planning=on" +
        PG_AUDIT_SETTINGS.map((setting) => ` -c ${setting}`).join("") +
        // Extra server settings to compare tunings (durability settings must stay on).
        (process.env.BENCH_PG_OPTS ? ` ${process.env.BENCH_PG_OPTS}` : ""),
    },
    encoding: "utf8",
  });
  const dir = /PLYSTRA_PG_DIR=(\S+)/.exec(out)?.[1];
  const url = /DATABASE_URL=(\S+)/.exec(out)?.[1];
  if (!dir || !url) throw new Error(`pg-throwaway.sh printed no cluster: ${out}`);
  const postmasterPid = Number(readFileSync(join(dir, "data/postmaster.pid"), "utf8").split("\n")[0]);
  return { dir, url, postmasterPid };
}

/**
 * Makes the fresh cluster's WAL look like a long-running server's: creates `segments` WAL segments
 * (16 MiB each) and checkpoints, so that later writes reuse recycled segments (`min_wal_size=1GB`
 * keeps them). A fresh cluster instead creates and zero-fills a new segment every 16 MiB of WAL
 * (every ~5 s at 1,000 audited checks/s) while holding the WAL write lock, which stalled every
 * commit for 120–145 ms in the seventh round; a server that has run for a while recycles segments
 * and never does. docs/self-hosting.md recommends the same `min_wal_size` for production.
 */
async function prepareWal(db: pg.Client, segments: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < segments; i++) {
    // A switch needs some WAL in the current segment; a non-transactional message is the smallest.
    await db.query("SELECT pg_logical_emit_message(false, 'plystra-bench', 'wal')");
    await db.query("SELECT pg_switch_wal()");
  }
  await db.query("CHECKPOINT");
  return Math.round(performance.now() - t0) / 1000;
}

function stopCluster(c: Cluster): void {
  spawnSync("bash", [join(REPO, "scripts/pg-throwaway.sh"), "stop", c.dir], { stdio: "ignore" });
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime, stime, cutime, cstime, ppid of a process (ticks); null when it is gone. */
function procTimes(pid: number): { self: number; children: number; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields after the comm: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    return {
      ppid: Number(f[1]),
      self: Number(f[11]) + Number(f[12]),
      children: Number(f[13]) + Number(f[14]),
    };
  } catch {
    return null;
  }
}

/** Live child processes of a pid (the cluster launcher's workers). */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const t = procTimes(Number(name));
    if (t && t.ppid === pid) out.push(Number(name));
  }
  return out;
}

/** CPU seconds of Core: the process, its live children (cluster workers) and its reaped ones. */
function coreCpuSeconds(pid: number): number {
  const t = procTimes(pid);
  if (!t) return 0;
  let ticks = t.self + t.children;
  for (const c of childPids(pid)) ticks += procTimes(c)?.self ?? 0;
  return ticks / CLK_TCK;
}

/** Peak RSS of Core: the process plus its live children (each worker's own peak, summed). */
function corePeakRssKb(pid: number): number {
  return [pid, ...childPids(pid)].reduce((s, p) => s + procStatusKb(p, "VmHWM"), 0);
}

/**
 * CPU seconds of the whole PostgreSQL cluster: the postmaster, its reaped children (cutime) and
 * its live children (backends, walwriter, checkpointer, autovacuum).
 */
function clusterCpuSeconds(postmasterPid: number): number {
  const pm = procTimes(postmasterPid);
  if (!pm) return 0;
  let ticks = pm.self + pm.children;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const t = procTimes(Number(name));
    if (t && t.ppid === postmasterPid) ticks += t.self;
  }
  return ticks / CLK_TCK;
}

function procStatusKb(pid: number, field: "VmHWM" | "VmRSS"): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

interface Core {
  child: ChildProcess;
  pid: number;
  base: string;
  stderr: string[];
}

async function startCore(
  opts: Options,
  databaseUrl: string,
  secrets: Record<string, string>,
  profDir: string,
) {
  const port = await freePort();
  const nodeArgs = ["--import", "tsx"];
  if (opts.profile) nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${profDir}`);
  // Extra Node flags for Core to compare tunings, e.g. BENCH_NODE_ARGS="--max-semi-space-size=32".
  if (process.env.BENCH_NODE_ARGS) nodeArgs.push(...process.env.BENCH_NODE_ARGS.split(/\s+/).filter(Boolean));
  // The server runs directly under node (not the tsx CLI wrapper) so its pid is the one sampled.
  // Several instances: the cluster launcher, whose workers are its children (sampled with it).
  const entry = opts.instances > 1 ? "src/cluster.ts" : "src/main.ts";
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: CORE_DIR,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SERVER_MODE: "development",
      SERVER_HOST: "127.0.0.1",
      SERVER_PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_MAX: String(opts.pool),
      LOG_LEVEL: "warn",
      PLYSTRA_DEMO_SEED: "false",
      METRICS_ENABLED: "true",
      METRICS_TOKEN: secrets.metrics,
      PLYSTRA_SESSION_SECRET: secrets.session,
      PLYSTRA_API_KEY_SECRET: secrets.apiKey,
      ...(opts.instances > 1 ? { PLYSTRA_WORKERS: String(opts.instances) } : {}),
      ...(opts.flushes ? { PLYSTRA_AUDIT_FLUSHES: String(opts.flushes) } : {}),
      ...(opts.cache !== null ? { AUTHZ_CONTEXT_CACHE_ENTRIES: String(opts.cache) } : {}),
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr?.on("data", (d: Buffer) => {
    stderr.push(d.toString());
    if (stderr.length > 200) stderr.shift();
  });
  child.once("exit", (code, signal) => {
    if (!stopping.has(child))
      log(`!! Core exited unexpectedly (code ${code}, signal ${signal}):\n${stderr.join("")}`);
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Core exited with ${child.exitCode}:\n${stderr.join("")}`);
    try {
      const r = await fetch(`${base}/api/v1/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Core did not become healthy:\n${stderr.join("")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // The first worker answers health before the others have started.
  while (opts.instances > 1 && childPids(child.pid!).length < opts.instances) {
    if (Date.now() > deadline)
      throw new Error(`only ${childPids(child.pid!).length} of ${opts.instances} workers started`);
    await new Promise((r) => setTimeout(r, 200));
  }
  if (opts.instances > 1) await new Promise((r) => setTimeout(r, 2000));
  return { child, pid: child.pid!, base, stderr } satisfies Core;
}

const stopping = new WeakSet<ChildProcess>();

async function stopCore(core: Core): Promise<number | null> {
  stopping.add(core.child);
  if (core.child.exitCode !== null) return core.child.exitCode;
  const exited = new Promise<number | null>((r) => core.child.once("exit", (code) => r(code)));
  core.child.kill("SIGTERM");
  const timer = setTimeout(() => core.child.kill("SIGKILL"), 20_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

// ---------------------------------------------------------------------------------------------
// Phases

interface LatencySummary {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

interface PhaseResult {
  name: string;
  connections: number;
  targetRate: number | null;
  seconds: number;
  sent: number;
  responses: number;
  ok200: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  checksPerSecond: number;
  latencyMs: LatencySummary;
  /** autocannon's own (coordinated-omission corrected when rate limited) p99, for reference. */
  autocannonP99Ms: number;
  /**
   * Paced phases only: how late the driver sent each request after it was due (its 1 ms timer and
   * its own event loop on the shared cores), and latency measured from that send instead of from
   * the due time. `latencyMs` (from due) is the figure that counts; these say how much of it the
   * driver added.
   */
  driver?: {
    sendLagMs: LatencySummary;
    fromSendMs: LatencySummary;
    /** Requests slower than 20 ms, by second of the phase (when they were due): where the tail is. */
    slowBySecond: Record<string, number>;
    /**
     * With `--sample-waits`: PostgreSQL wait events of the non-idle backends and background
     * processes, sampled every ~20 ms, for each second that had slow requests (what they waited on).
     */
    waitsInSlowSeconds?: Record<string, Record<string, number>>;
  };
  cpu: {
    coreCores: number;
    postgresCores: number;
    driverCores: number;
    coreRssPeakMiB: number;
    /** CPU milliseconds per answered check: a contention-robust efficiency figure. */
    coreMsPerCheck: number;
    postgresMsPerCheck: number;
  };
  audit: { rows: number; avgBatch: number | null; flushes: number; shards: number };
  /**
   * Decision-context statements per answered check (pg_stat_statements): 1 without the
   * decision-context cache; with it, the share of checks that were cache misses or re-decided.
   */
  contextPerCheck: number | null;
  /** 1-minute load average at the end of the phase (other work on the machine shows here). */
  loadavg1: number;
}

function summarise(lat: Float64Array, n: number): LatencySummary {
  const a = lat.subarray(0, n).sort();
  const q = (p: number) => (n ? a[Math.min(n - 1, Math.ceil((p / 100) * n) - 1)] : 0);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i];
  const r = (v: number) => Math.round(v * 100) / 100;
  return {
    p50: r(q(50)),
    p90: r(q(90)),
    p95: r(q(95)),
    p99: r(q(99)),
    p999: r(q(99.9)),
    max: r(n ? a[n - 1] : 0),
    mean: r(n ? sum / n : 0),
  };
}

/**
 * Audit flushes since `afterSeq`, from the rows themselves (works for any number of Core
 * processes): rows of one flush share their transaction's created_at and chain shard.
 */
async function auditFlushes(db: pg.Client, afterSeq: number) {
  const r = await db.query(
    `SELECT count(*)::int AS rows, count(DISTINCT (chain_shard, created_at))::int AS flushes,
            count(DISTINCT chain_shard)::int AS shards, coalesce(max(seq), $1)::bigint AS max_seq
       FROM audit_logs WHERE seq > $1 AND resource_type = 'document'`,
    [afterSeq],
  );
  const x = r.rows[0];
  return {
    rows: x.rows as number,
    flushes: x.flushes as number,
    shards: x.shards as number,
    maxSeq: Number(x.max_seq),
  };
}

/** Calls of the decision-context statement so far (null without pg_stat_statements). */
async function contextCalls(db: pg.Client): Promise<number | null> {
  try {
    const r = await db.query(
      `SELECT coalesce(sum(calls), 0)::bigint AS n FROM pg_stat_statements
        WHERE query LIKE '/* prepared:plystra_authz_context */%'`,
    );
    return Number(r.rows[0].n);
  } catch {
    return null;
  }
}

async function maxAuditSeq(db: pg.Client): Promise<number> {
  return Number((await db.query("SELECT coalesce(max(seq), 0)::bigint AS s FROM audit_logs")).rows[0].s);
}

/** CPU, audit and context-statement counters read at the start of a phase. */
async function startMeter(ctx: { core: Core; cluster: Cluster; db: pg.Client }) {
  return {
    seqBefore: await maxAuditSeq(ctx.db),
    contextBefore: await contextCalls(ctx.db),
    cpu0: {
      core: coreCpuSeconds(ctx.core.pid),
      pg: clusterCpuSeconds(ctx.cluster.postmasterPid),
      driver: process.cpuUsage(),
    },
    t0: performance.now(),
  };
}

const r2 = (v: number) => Math.round(v * 100) / 100;

/** What every phase reports from its counters: throughput, CPU per check, audit flushes, cache misses. */
async function finishMeter(
  ctx: { core: Core; cluster: Cluster; db: pg.Client },
  meter: Awaited<ReturnType<typeof startMeter>>,
  statusCodes: Record<string, number>,
  responses: number,
) {
  const seconds = (performance.now() - meter.t0) / 1000;
  const driver = process.cpuUsage(meter.cpu0.driver);
  const coreCores = (coreCpuSeconds(ctx.core.pid) - meter.cpu0.core) / seconds;
  const postgresCores = (clusterCpuSeconds(ctx.cluster.postmasterPid) - meter.cpu0.pg) / seconds;
  const flushes = await auditFlushes(ctx.db, meter.seqBefore);
  const contextAfter = await contextCalls(ctx.db);
  const { contextBefore } = meter;
  const ok200 = statusCodes["200"] ?? 0;
  const non2xx = Object.entries(statusCodes)
    .filter(([code]) => !code.startsWith("2"))
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    seconds: r2(seconds),
    ok200,
    non2xx,
    checksPerSecond: Math.round(ok200 / seconds),
    shared: {
      cpu: {
        coreCores: r2(coreCores),
        postgresCores: r2(postgresCores),
        driverCores: r2((driver.user + driver.system) / 1e6 / seconds),
        coreRssPeakMiB: Math.round(corePeakRssKb(ctx.core.pid) / 1024),
        coreMsPerCheck: responses ? r2((coreCores * seconds * 1000) / responses) : 0,
        postgresMsPerCheck: responses ? r2((postgresCores * seconds * 1000) / responses) : 0,
      },
      loadavg1: r2(loadavg()[0]),
      contextPerCheck:
        contextBefore !== null && contextAfter !== null && contextAfter >= contextBefore && ok200
          ? r2((contextAfter - contextBefore) / ok200)
          : null,
      audit: {
        rows: flushes.rows,
        avgBatch: flushes.flushes ? r2(flushes.rows / flushes.flushes) : null,
        flushes: flushes.flushes,
        shards: flushes.shards,
      },
    },
  };
}

/**
 * One autocannon phase. autocannon's own duration stop destroys sockets with requests in flight
 * (the server still answers and audits them), so the phase stops gracefully instead: at the deadline
 * every client's request budget is capped at what it already sent, each client finishes its
 * outstanding request, and only then does autocannon report. Nothing is in flight afterwards.
 */
async function runPhase(
  name: string,
  ctx: {
    core: Core;
    cluster: Cluster;
    bodies: string[];
    apiKey: string;
    db: pg.Client;
  },
  p: { seconds: number; connections: number; rate?: number },
): Promise<PhaseResult> {
  let next = Math.floor(Math.random() * ctx.bodies.length);
  const clients: Array<{ reqsMade: number; responseMax?: number; destroyed?: boolean }> = [];
  const lat = new Float64Array(Math.max(1024, Math.ceil(p.seconds * (p.rate || 6000) * 1.5)));
  let latN = 0;
  let latBuf = lat;
  const statusCodes: Record<string, number> = {};
  const meter = await startMeter(ctx);
  let finish: (r: autocannon.Result) => void = () => {};
  let fail: (e: unknown) => void = () => {};
  const finished = new Promise<autocannon.Result>((res, rej) => {
    finish = res;
    fail = rej;
  });
  const instance = autocannon(
    {
      url: ctx.core.base,
      connections: p.connections,
      // The real stop is the graceful cap below; this is only a backstop.
      duration: p.seconds + 600,
      overallRate: p.rate || undefined,
      timeout: 30,
      headers: { "content-type": "application/json", "x-plystra-api-key": ctx.apiKey },
      requests: [
        {
          method: "POST",
          path: CHECK_PATH,
          setupRequest: (req) => {
            next = next + 1 === ctx.bodies.length ? 0 : next + 1;
            return { ...req, body: ctx.bodies[next] };
          },
        },
      ],
      setupClient: (client) => clients.push(client as unknown as (typeof clients)[number]),
    },
    (err, res) => (err ? fail(err) : finish(res)),
  );
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    if (latN === latBuf.length) {
      const grown = new Float64Array(latBuf.length * 2);
      grown.set(latBuf);
      latBuf = grown;
    }
    latBuf[latN++] = responseTime;
  });
  const stopTimer = setTimeout(() => {
    for (const c of clients) if (!c.destroyed) c.responseMax = Math.max(1, c.reqsMade);
  }, p.seconds * 1000);
  const result = await finished;
  clearTimeout(stopTimer);
  const m = await finishMeter(ctx, meter, statusCodes, latN);
  return {
    name,
    connections: p.connections,
    targetRate: p.rate || null,
    seconds: m.seconds,
    sent: result.requests.sent,
    responses: latN,
    ok200: m.ok200,
    non2xx: m.non2xx,
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
    checksPerSecond: m.checksPerSecond,
    latencyMs: summarise(latBuf, latN),
    autocannonP99Ms: result.latency.p99,
    ...m.shared,
  };
}

/**
 * A steady, open-loop rate: request k is due at t0 + k / rate and is sent then (a 1 ms timer sends
 * whatever is due), over at most `connections` keep-alive connections. autocannon's own rate
 * limiting is not steady: each connection sends its whole per-second quota back to back at the
 * start of every second and then waits, so its "fixed rate" is a burst of all connections each
 * second. Latency here is measured from the moment a request was due, so a late send (driver or
 * a full connection pool) counts against the server, without coordinated omission. At the end
 * nothing is left in flight: the phase waits for every response.
 */
async function runPacedPhase(
  name: string,
  ctx: { core: Core; cluster: Cluster; bodies: string[]; apiKey: string; db: pg.Client },
  p: { seconds: number; connections: number; rate: number; sampleWaits?: boolean },
): Promise<PhaseResult> {
  const target = new URL(ctx.core.base);
  const waitsBySecond: Record<string, Record<string, number>> = {};
  let sampling = false;
  const agent = new Agent({ keepAlive: true, maxSockets: p.connections, scheduling: "fifo" });
  const total = Math.floor(p.seconds * p.rate);
  const lat = new Float64Array(total + 1);
  const lag = new Float64Array(total + 1);
  const fromSend = new Float64Array(total + 1);
  const slowBySecond: Record<string, number> = {};
  let latN = 0;
  let sent = 0;
  let outstanding = 0;
  let errors = 0;
  let next = Math.floor(Math.random() * ctx.bodies.length);
  const statusCodes: Record<string, number> = {};
  const meter = await startMeter(ctx);
  const t0 = meter.t0;
  const sampler = p.sampleWaits
    ? setInterval(() => {
        if (sampling) return;
        sampling = true;
        const sec = String(Math.floor((performance.now() - t0) / 1000));
        ctx.db
          .query<{ w: string }>(
            `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' (' || backend_type || ')' AS w
               FROM pg_stat_activity
              WHERE pid <> pg_backend_pid() AND (state IS NULL OR state <> 'idle')
                -- Background processes idling in their main loops are not waits anyone feels.
                AND wait_event_type IS DISTINCT FROM 'Activity'`,
          )
          .then(({ rows }) => {
            waitsBySecond[sec] ??= {};
            const tally = waitsBySecond[sec];
            for (const r of rows) tally[r.w] = (tally[r.w] ?? 0) + 1;
          })
          .catch(() => {})
          .finally(() => {
            sampling = false;
          });
      }, 20)
    : null;
  await new Promise<void>((resolveAll) => {
    const settled = () => {
      outstanding--;
      if (sent === total && outstanding === 0) resolveAll();
    };
    const fire = (due: number) => {
      sent++;
      outstanding++;
      next = next + 1 === ctx.bodies.length ? 0 : next + 1;
      const body = ctx.bodies[next];
      const sentAt = performance.now();
      const req = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: CHECK_PATH,
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            "x-plystra-api-key": ctx.apiKey,
          },
        },
        (res) => {
          res.resume();
          res.once("end", () => {
            const code = String(res.statusCode ?? 0);
            statusCodes[code] = (statusCodes[code] ?? 0) + 1;
            const now = performance.now();
            lag[latN] = sentAt - due;
            fromSend[latN] = now - sentAt;
            lat[latN++] = now - due;
            if (now - due > 20) {
              const sec = String(Math.floor((due - t0) / 1000));
              slowBySecond[sec] = (slowBySecond[sec] ?? 0) + 1;
            }
            settled();
          });
        },
      );
      req.once("error", () => {
        errors++;
        settled();
      });
      req.end(body);
    };
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * p.rate));
      while (sent < due) fire(t0 + (sent * 1000) / p.rate);
      if (sent < total) setTimeout(tick, 1);
      else if (outstanding === 0) resolveAll();
    };
    tick();
  });
  agent.destroy();
  if (sampler) clearInterval(sampler);
  const m = await finishMeter(ctx, meter, statusCodes, latN);
  const latencyMs = summarise(lat, latN);
  return {
    name,
    connections: p.connections,
    targetRate: p.rate,
    seconds: m.seconds,
    sent,
    responses: latN,
    ok200: m.ok200,
    non2xx: m.non2xx,
    statusCodes,
    errors,
    timeouts: 0,
    checksPerSecond: m.checksPerSecond,
    latencyMs,
    autocannonP99Ms: latencyMs.p99,
    driver: {
      sendLagMs: summarise(lag, latN),
      fromSendMs: summarise(fromSend, latN),
      slowBySecond,
      ...(p.sampleWaits
        ? {
            waitsInSlowSeconds: Object.fromEntries(
              Object.keys(slowBySecond)
                .filter((sec) => waitsBySecond[sec])
                .map((sec) => [
                  sec,
                  Object.fromEntries(
                    Object.entries(waitsBySecond[sec])
                      .sort((a, b) => b[1] - a[1])
                      .slice(0, 6),
                  ),
                ]),
            ),
          }
        : {}),
    },
    ...m.shared,
  };
}

// ---------------------------------------------------------------------------------------------
// Correctness: decisions of a corpus sample, exact audit accounting, chain verification.

interface SanityResult {
  checked: number;
  ok200: number;
  statusCodes: Record<string, number>;
  mismatches: number;
  examples: Array<{ line: CorpusLine; got: string; deny_code: string | null; reason: string }>;
  denyCodes: Record<string, number>;
}

async function sanity(core: Core, apiKey: string, corpus: CorpusLine[], n: number): Promise<SanityResult> {
  const out: SanityResult = {
    checked: 0,
    ok200: 0,
    statusCodes: {},
    mismatches: 0,
    examples: [],
    denyCodes: {},
  };
  for (const line of corpus.slice(0, n)) {
    const r = await fetch(`${core.base}${CHECK_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-plystra-api-key": apiKey },
      body: checkBody(line),
    });
    const body = (await r.json()) as {
      data?: { decision: string; deny_code: string | null; reason: string };
      error?: { code: string; message: string };
    };
    out.checked++;
    out.statusCodes[r.status] = (out.statusCodes[r.status] ?? 0) + 1;
    if (r.status === 404 || r.status === 401 || r.status === 403) {
      throw new Error(
        `${CHECK_PATH} answered ${r.status} ${JSON.stringify(body.error ?? body)}; is the check endpoint in place?`,
      );
    }
    if (r.status !== 200 || !body.data) continue;
    out.ok200++;
    const d = body.data;
    if (d.deny_code) out.denyCodes[d.deny_code] = (out.denyCodes[d.deny_code] ?? 0) + 1;
    if (d.decision !== line.expect) {
      out.mismatches++;
      if (out.examples.length < 5)
        out.examples.push({ line, got: d.decision, deny_code: d.deny_code, reason: d.reason });
    }
  }
  return out;
}

async function auditRowCount(db: pg.Client): Promise<number> {
  const r = await db.query("SELECT count(*)::int AS n FROM audit_logs WHERE resource_type = 'document'");
  return r.rows[0].n;
}

interface ChainResult {
  rows: number;
  badDigest: number;
  badLink: number;
  /** Position gaps within a shard (positions are gap-free per shard; seq itself may skip). */
  seqGaps: number;
  shardsUsed: number;
  headMatches: boolean;
  seconds: number;
  cli: string | null;
}

/** Recomputes every row hash with the database's own digest function and walks the links. */
async function verifyChain(db: pg.Client, databaseUrl: string): Promise<ChainResult> {
  const t = performance.now();
  const r = await db.query(`
    WITH c AS (
      SELECT a.seq, a.chain_shard, coalesce(a.chain_pos, a.seq) AS pos, a.prev_hash, a.row_hash,
             audit_row_digest(a.prev_hash, a) AS digest,
             lag(a.row_hash) OVER (PARTITION BY a.chain_shard ORDER BY a.seq) AS prev_row_hash,
             row_number() OVER (PARTITION BY a.chain_shard ORDER BY a.seq) AS rn
      FROM audit_logs a
    ), tips AS (
      SELECT DISTINCT ON (chain_shard) chain_shard, pos, row_hash FROM c ORDER BY chain_shard, seq DESC
    )
    SELECT (SELECT count(*) FROM c)::int AS rows,
           (SELECT count(*) FROM c WHERE digest <> row_hash)::int AS bad_digest,
           (SELECT count(*) FROM c WHERE prev_hash <> coalesce(prev_row_hash, repeat('0', 64)))::int AS bad_link,
           (SELECT count(*) FROM c WHERE pos <> rn)::int AS seq_gaps,
           (SELECT count(*) FROM tips)::int AS shards_used,
           (SELECT bool_and(h.last_pos = coalesce(t.pos, 0) AND h.last_hash = coalesce(t.row_hash, repeat('0', 64)))
              FROM audit_chain_shards h LEFT JOIN tips t ON t.chain_shard = h.shard) AS head_matches`);
  const row = r.rows[0];
  // The CLI verifier, when this build has one (`plystractl audit verify`).
  let cli: string | null = null;
  const res = spawnSync(process.execPath, ["--import", "tsx", "src/cli/plystractl.ts", "audit", "verify"], {
    cwd: CORE_DIR,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" },
    encoding: "utf8",
    timeout: 600_000,
  });
  const text = `${res.stdout ?? ""}${res.stderr ?? ""}`.trim();
  if (!/unknown command|usage/i.test(text) || res.status === 0)
    cli = `exit ${res.status}: ${text.split("\n").slice(-3).join(" | ")}`;
  return {
    rows: row.rows,
    badDigest: row.bad_digest,
    badLink: row.bad_link,
    seqGaps: row.seq_gaps,
    shardsUsed: row.shards_used,
    headMatches: row.head_matches,
    seconds: Math.round((performance.now() - t) / 10) / 100,
    cli,
  };
}

async function topStatements(db: pg.Client) {
  try {
    // Grouped by the statement's opening, so multi-row audit INSERTs of every batch size add up.
    const r = await db.query(`
      SELECT sum(calls)::bigint AS calls, round(sum(total_exec_time)::numeric, 1) AS exec_ms,
             round(sum(total_plan_time)::numeric, 1) AS plan_ms,
             round((sum(total_exec_time) / nullif(sum(calls), 0))::numeric, 3) AS mean_exec_ms,
             round((sum(total_plan_time) / nullif(sum(calls), 0))::numeric, 3) AS mean_plan_ms,
             sum(rows)::bigint AS rows, min(q) AS query
      FROM (SELECT *, left(regexp_replace(query, '\\s+', ' ', 'g'), 120) AS q FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())) s
      GROUP BY left(q, 60)
      ORDER BY sum(total_exec_time) + sum(total_plan_time) DESC LIMIT 8`);
    return r.rows.map((x) => ({
      calls: Number(x.calls),
      exec_ms: Number(x.exec_ms),
      plan_ms: Number(x.plan_ms),
      mean_exec_ms: Number(x.mean_exec_ms),
      mean_plan_ms: Number(x.mean_plan_ms),
      rows: Number(x.rows),
      query: x.query as string,
    }));
  } catch (err) {
    log(`  (pg_stat_statements unavailable: ${(err as Error).message})`);
    return [];
  }
}

function runEngineBench(): string[] {
  const res = spawnSync(process.execPath, ["--import", "tsx", "bench/decide.bench.ts"], {
    cwd: join(REPO, "packages/engine"),
    encoding: "utf8",
    timeout: 300_000,
  });
  return (res.stdout ?? "").trim().split("\n").filter(Boolean);
}

// ---------------------------------------------------------------------------------------------
// Report

function machine() {
  const c = cpus();
  return {
    cpus: c.length,
    cpuModel: c[0]?.model ?? "unknown",
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: (() => {
      try {
        const bin = readdirSync("/usr/lib/postgresql").sort().pop();
        return execFileSync(`/usr/lib/postgresql/${bin}/bin/postgres`, ["--version"], {
          encoding: "utf8",
        }).trim();
      } catch {
        return "unknown";
      }
    })(),
    loadavgAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

function phaseTable(phases: PhaseResult[]): string {
  const rows = [
    "| phase | conns | target/s | s | 200s | non-2xx | errors | checks/s | p50 ms | p95 ms | p99 ms | max ms | Core CPU | PG CPU | driver CPU | Core ms/check | PG ms/check | Core+PG ms/check | audit batch | context stmts/check | load |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const p of phases) {
    rows.push(
      `| ${p.name} | ${p.connections} | ${p.targetRate ?? "max"} | ${p.seconds} | ${p.ok200} | ${p.non2xx} | ${p.errors} | ${p.checksPerSecond} | ${p.latencyMs.p50} | ${p.latencyMs.p95} | ${p.latencyMs.p99} | ${p.latencyMs.max} | ${p.cpu.coreCores} | ${p.cpu.postgresCores} | ${p.cpu.driverCores} | ${p.cpu.coreMsPerCheck} | ${p.cpu.postgresMsPerCheck} | ${Math.round((p.cpu.coreMsPerCheck + p.cpu.postgresMsPerCheck) * 100) / 100} | ${p.audit.avgBatch ?? "n/a"} | ${p.contextPerCheck ?? "n/a"} | ${p.loadavg1} |`,
    );
  }
  return rows.join("\n");
}

function markdown(report: Report): string {
  const m = report.machine;
  const lines = [
    `# Plystra check benchmark — ${report.scale} (${report.startedAt})`,
    "",
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memGiB} GiB, ${m.node}, ${m.postgres}; load average at start ${m.loadavgAtStart.join(" / ")}. Core, PostgreSQL and the load driver share these cores.`,
    `Core: ${report.options.instances} process${report.options.instances > 1 ? "es (src/cluster.ts)" : ""}, SERVER_MODE=development, LOG_LEVEL=warn, DATABASE_POOL_MAX=${report.options.pool} per process, audit flushes in flight per process ${report.options.flushes ?? "default"}, decision-context cache entries per part ${report.options.cache ?? "default"} (0 = off), metrics on. PostgreSQL: durable defaults (fsync, synchronous_commit, full_page_writes on), ${PG_AUDIT_SETTINGS.join(", ")}${process.env.BENCH_PG_OPTS ? `, BENCH_PG_OPTS ${process.env.BENCH_PG_OPTS}` : ""}, ${report.options.walSegments} WAL segments created and recycled before the run (${report.options.walSegments ? "as on a long-running server" : "a fresh cluster's WAL"}).`,
    "",
    "## Dataset",
    "```",
    describeDataset(report.dataset),
    "```",
    "",
    "## Decisions of a corpus sample",
    `${report.sanity.checked} sequential checks: ${report.sanity.ok200} × 200, ${report.sanity.mismatches} decisions differing from the corpus expectation; deny codes ${JSON.stringify(report.sanity.denyCodes)}.`,
    "",
    "## Phases",
    phaseTable(report.phases),
    "",
    "CPU columns are cores used on average over the phase (1.0 = one core busy). Latency is measured by the driver per response, without coordinated-omission correction.",
    `Core peak RSS (VmHWM): ${report.corePeakRssMiB} MiB.`,
    "",
    "## No loss",
    `200 responses seen by the driver (sample + all phases): ${report.noLoss.responses200}; audit rows for decisions: ${report.noLoss.auditRows} → ${report.noLoss.equal ? "EQUAL" : "DIFFERENT"}.`,
    `Chain: ${report.chain.rows} rows, ${report.chain.badDigest} bad digests, ${report.chain.badLink} broken links, ${report.chain.seqGaps} position gaps, ${report.chain.shardsUsed} shards used, heads ${report.chain.headMatches ? "match" : "DO NOT match"} (${report.chain.seconds} s).${report.chain.cli ? ` CLI: ${report.chain.cli}` : ""}`,
    "",
  ];
  if (report.statements.length) {
    lines.push(
      "## Top statements during the max-throughput phase (pg_stat_statements)",
      "",
      "| calls | exec ms | plan ms | mean exec ms | mean plan ms | rows | query |",
      "|---:|---:|---:|---:|---:|---:|---|",
    );
    for (const s of report.statements)
      lines.push(
        `| ${s.calls} | ${s.exec_ms} | ${s.plan_ms} | ${s.mean_exec_ms} | ${s.mean_plan_ms} | ${s.rows} | \`${s.query.replace(/\|/g, "\\|")}\` |`,
      );
    lines.push("");
  }
  if (report.engine.length) lines.push("## Engine micro-benchmark", "```", ...report.engine, "```", "");
  if (report.profile) lines.push(`CPU profile: ${report.profile}`, "");
  lines.push("## Summary", "", ...summaryLines(report).map((l) => `- ${l}`), "");
  return lines.join("\n");
}

/**
 * The ratio lines of the newest bench-openfga run (`--openfga`, default bench-results/openfga/; run
 * the kit with `--out bench-results/openfga`). That kit starts its own servers: the ratio is its
 * measurement, quoted here with its date and load so the report carries it; this run does not
 * measure OpenFGA.
 */
function openfgaRatio(path: string): string | null {
  try {
    let file = path;
    if (!file.endsWith(".json")) {
      const newest = readdirSync(path)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .pop();
      if (!newest) return null;
      file = join(path, newest);
    }
    const r = JSON.parse(readFileSync(file, "utf8")) as {
      startedAt: string;
      options: { scale: string; rounds: number };
      machine?: { loadavgAtEnd?: number[] };
      summary: Array<{ label: string; checksPerSecond: number; load?: number[] }>;
    };
    const [p, ...others] = r.summary;
    const parts = others.map(
      (o) =>
        `plystra/${o.label} ${(p.checksPerSecond / o.checksPerSecond).toFixed(2)} (${p.checksPerSecond} vs ${o.checksPerSecond}/s)`,
    );
    return `bench-openfga ${r.startedAt} (${r.options.scale}, ${r.options.rounds} round(s), load in its phases ${(p.load ?? []).join(", ")}): ratio ${parts.join("; ")}`;
  } catch {
    return null;
  }
}

/** The closing lines: machine and load, CPU per check and throughput of the max phase, the OpenFGA ratio. */
function summaryLines(report: Report): string[] {
  const m = report.machine;
  const max =
    report.phases.find((p) => p.name === "max throughput") ??
    report.phases.find((p) => p.targetRate === null);
  const steady = report.phases.find((p) => p.driver);
  const lines = [
    `machine: ${m.cpus} × ${m.cpuModel}, ${m.memGiB} GiB, Node ${m.node}; load average at start ${m.loadavgAtStart.join(" / ")}, at the end of each phase ${report.phases.map((p) => p.loadavg1).join(", ")}`,
  ];
  if (max)
    lines.push(
      `${max.name}: ${max.checksPerSecond} checks/s, ${max.errors + max.non2xx} errors; CPU per check Core ${max.cpu.coreMsPerCheck} + PostgreSQL ${max.cpu.postgresMsPerCheck} = ${Math.round((max.cpu.coreMsPerCheck + max.cpu.postgresMsPerCheck) * 100) / 100} ms (driver ${Math.round((max.cpu.driverCores / Math.max(max.checksPerSecond, 1)) * 100000) / 100} ms)`,
    );
  if (steady?.driver)
    lines.push(
      `${steady.name}: p99 ${steady.latencyMs.p99} ms from due time (driver send lag p50 ${steady.driver.sendLagMs.p50} / p99 ${steady.driver.sendLagMs.p99} ms; from send p99 ${steady.driver.fromSendMs.p99} ms)`,
    );
  lines.push(
    `OpenFGA: ${openfgaRatio(report.options.openfga) ?? `no bench-openfga results in ${report.options.openfga} (run ../shared/tools/bench-openfga/run.sh --out ${report.options.openfga})`}`,
  );
  lines.push(
    `no loss: ${report.noLoss.responses200} answers, ${report.noLoss.auditRows} audit rows → ${report.noLoss.equal ? "EQUAL" : "DIFFERENT"}; chain ${report.chain.badDigest + report.chain.badLink + report.chain.seqGaps === 0 && report.chain.headMatches ? "verified" : "BROKEN"}`,
  );
  return lines;
}

interface Report {
  startedAt: string;
  scale: ScaleName;
  options: Options;
  machine: ReturnType<typeof machine>;
  dataset: DatasetInfo;
  sanity: SanityResult;
  phases: PhaseResult[];
  corePeakRssMiB: number;
  noLoss: { responses200: number; auditRows: number; equal: boolean };
  chain: ChainResult;
  statements: Awaited<ReturnType<typeof topStatements>>;
  engine: string[];
  coreExit: number | null;
  profile: string | null;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const stamp = startedAt.replace(/[:.]/g, "-").slice(0, 19);
  mkdirSync(RESULTS, { recursive: true });
  const mach = machine();
  log(
    `plystra bench: scale ${opts.scale}, ${opts.instances} Core process(es) on Node ${mach.node}, ${mach.cpus} cpus (${mach.cpuModel}), load ${mach.loadavgAtStart.join(" ")}`,
  );
  const secrets = {
    session: randomBytes(32).toString("hex"),
    apiKey: randomBytes(32).toString("hex"),
    metrics: randomBytes(16).toString("hex"),
  };
  let cluster: Cluster | null = null;
  let core: Core | null = null;
  let db: pg.Client | null = null;
  const cleanup = async () => {
    if (core) await stopCore(core).catch(() => {});
    core = null;
    if (db) await db.end().catch(() => {});
    db = null;
    if (cluster && !opts.keep) stopCluster(cluster);
  };
  process.once("SIGINT", () => void cleanup().then(() => process.exit(130)));
  try {
    log(`starting durable PostgreSQL on port ${opts.pgPort}…`);
    cluster = startCluster(opts.pgPort);
    const c = cluster;
    log("generating dataset…");
    const dataset = await generateDataset({
      url: c.url,
      scale: opts.scale,
      apiKeySecret: secrets.apiKey,
      corpusPath: join(RESULTS, `corpus-${opts.scale}.jsonl`),
      log,
    });
    log(describeDataset(dataset));
    const corpus = readFileSync(dataset.corpusPath, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as CorpusLine);
    const bodies = corpus.map(checkBody);
    db = new pg.Client({ connectionString: c.url, application_name: "plystra-bench-observer" });
    // A lost connection must fail the run through cleanup (which stops Core and the cluster), not
    // crash the process as an unhandled 'error' event and leave Core running.
    db.on("error", (err) => {
      log(`!! observer connection to PostgreSQL lost: ${err.message}`);
      void cleanup().then(() => process.exit(1));
    });
    await db.connect();
    await db.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").catch(() => {});
    if (opts.walSegments > 0) {
      log(`preparing WAL: ${opts.walSegments} segments created, then a checkpoint recycles them…`);
      log(`  done in ${await prepareWal(db, opts.walSegments)} s`);
    }

    const profDir = join(RESULTS, `prof-${stamp}`);
    log("starting Core…");
    const coreUrl = opts.socket
      ? `postgres://postgres@/postgres?host=${encodeURIComponent(c.dir)}&port=${opts.pgPort}`
      : c.url;
    core = await startCore(opts, coreUrl, secrets, profDir);
    const ctx = { core, cluster: c, bodies, apiKey: dataset.apiKey, db };

    log(`checking ${Math.min(opts.sanity, corpus.length)} corpus decisions sequentially…`);
    const sane = await sanity(core, dataset.apiKey, corpus, opts.sanity);
    log(`  ${sane.ok200} × 200, ${sane.mismatches} mismatches, deny codes ${JSON.stringify(sane.denyCodes)}`);
    for (const e of sane.examples)
      log(
        `  mismatch: expected ${e.line.expect} got ${e.got} (${e.deny_code}: ${e.reason}) ${JSON.stringify(e.line)}`,
      );

    const phases: PhaseResult[] = [];
    const show = (p: PhaseResult) =>
      log(
        `  ${p.name}: ${p.ok200} × 200 in ${p.seconds} s = ${p.checksPerSecond} checks/s; non-2xx ${p.non2xx}, errors ${p.errors}; p50 ${p.latencyMs.p50} / p95 ${p.latencyMs.p95} / p99 ${p.latencyMs.p99} / max ${p.latencyMs.max} ms; CPU core ${p.cpu.coreCores} pg ${p.cpu.postgresCores} driver ${p.cpu.driverCores} (ms/check core ${p.cpu.coreMsPerCheck} pg ${p.cpu.postgresMsPerCheck}); audit batch ${p.audit.avgBatch ?? "n/a"} over ${p.audit.shards} shards; context stmts/check ${p.contextPerCheck ?? "n/a"}; load ${p.loadavg1}${
          p.driver
            ? `; driver send lag p50 ${p.driver.sendLagMs.p50} / p99 ${p.driver.sendLagMs.p99} / max ${p.driver.sendLagMs.max} ms, latency from send p50 ${p.driver.fromSendMs.p50} / p99 ${p.driver.fromSendMs.p99} ms; over 20 ms by second ${JSON.stringify(p.driver.slowBySecond)}`
            : ""
        }`,
      );
    if (opts.warmup > 0) {
      log(`warm-up ${opts.warmup} s…`);
      phases.push(await runPhase("warm-up", ctx, { seconds: opts.warmup, connections: opts.connections }));
      show(phases[phases.length - 1]);
    }
    // A saturating phase leaves work behind (queued flushes, dirty buffers, an autovacuum it
    // triggered): a short idle gap keeps that out of the next phase's first seconds.
    const settle = async () => {
      if (phases.length > 0 && opts.settle > 0) await new Promise((r) => setTimeout(r, opts.settle * 1000));
    };
    let statements: Awaited<ReturnType<typeof topStatements>> = [];
    if (opts.duration > 0) {
      await settle();
      await db.query("SELECT pg_stat_statements_reset()").catch(() => {});
      log(`max throughput ${opts.duration} s, ${opts.connections} connections…`);
      phases.push(
        await runPhase("max throughput", ctx, { seconds: opts.duration, connections: opts.connections }),
      );
      show(phases[phases.length - 1]);
      statements = await topStatements(db);
    }
    if (opts.rate > 0 && opts.rateDuration > 0) {
      await settle();
      log(`steady ${opts.rate}/s for ${opts.rateDuration} s (paced, open loop)…`);
      phases.push(
        await runPacedPhase(`steady ${opts.rate}/s`, ctx, {
          seconds: opts.rateDuration,
          connections: opts.connections,
          rate: opts.rate,
          sampleWaits: opts.sampleWaits,
        }),
      );
      show(phases[phases.length - 1]);
      const waits = phases[phases.length - 1].driver?.waitsInSlowSeconds;
      if (waits) for (const [sec, w] of Object.entries(waits)) log(`    second ${sec}: ${JSON.stringify(w)}`);
      await settle();
      log(`fixed rate ${opts.rate}/s for ${opts.rateDuration} s (autocannon: per-second bursts)…`);
      phases.push(
        await runPhase(`autocannon ${opts.rate}/s`, ctx, {
          seconds: opts.rateDuration,
          connections: opts.connections,
          rate: opts.rate,
        }),
      );
      show(phases[phases.length - 1]);
    }
    const corePeakRssMiB = Math.round(corePeakRssKb(core.pid) / 1024);

    // Every response has arrived (graceful phase stop), so every acknowledged row is committed.
    const responses200 = sane.ok200 + phases.reduce((s, p) => s + p.ok200, 0);
    const auditRows = await auditRowCount(db);
    log(
      `no loss: ${responses200} × 200 answered, ${auditRows} decision audit rows → ${responses200 === auditRows ? "EQUAL" : "DIFFERENT"}`,
    );
    const coreExit = await stopCore(core);
    core = null;
    const profile = opts.profile && existsSync(profDir) ? join(profDir, readdirSync(profDir)[0] ?? "") : null;
    log("verifying the audit chain…");
    const chain = await verifyChain(db, c.url);
    log(
      `  ${chain.rows} rows: ${chain.badDigest} bad digests, ${chain.badLink} broken links, ${chain.seqGaps} position gaps, ${chain.shardsUsed} shards used, heads ${chain.headMatches ? "ok" : "MISMATCH"} (${chain.seconds} s)${chain.cli ? `; CLI ${chain.cli}` : ""}`,
    );
    if (opts.engine) log("engine micro-benchmark…");
    const engine = opts.engine ? runEngineBench() : [];
    for (const l of engine) log(`  ${l}`);

    const report: Report = {
      startedAt,
      scale: opts.scale,
      options: opts,
      machine: mach,
      dataset,
      sanity: sane,
      phases,
      corePeakRssMiB,
      noLoss: { responses200, auditRows, equal: responses200 === auditRows },
      chain,
      statements,
      engine,
      coreExit,
      profile,
    };
    const base = join(RESULTS, `${stamp}-${opts.scale}`);
    writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(`${base}.md`, markdown(report));
    log("");
    log(phaseTable(phases));
    log("");
    for (const l of summaryLines(report)) log(l);
    log(`\nreport: ${base}.md / .json`);
    if (opts.keep)
      log(`PostgreSQL kept: DATABASE_URL=${c.url}  (stop: scripts/pg-throwaway.sh stop ${c.dir})`);
    if (!report.noLoss.equal || chain.badDigest || chain.badLink || chain.seqGaps || !chain.headMatches)
      process.exitCode = 2;
  } finally {
    await cleanup();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
