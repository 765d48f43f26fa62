// Runs several Core processes on one port (node:cluster), so one machine's cores all serve checks.
//
//   PLYSTRA_WORKERS=2 tsx src/cluster.ts        (PLYSTRA_WORKERS=auto: one per available core)
//
// Each worker is an ordinary Core (src/main.ts): its own database pool, caches and audit writer.
// Nothing is shared between them but PostgreSQL, which is what keeps them correct together: every
// check reads credential and binding liveness in its own context statement, and the audit chain
// shards let their audit flushes commit side by side (docs/scaling.md). The embedded database is
// single-process, so more than one worker needs DATABASE_URL.
//
// The first worker starts alone (it applies migrations and startup hooks such as the demo seed);
// the others start once it listens. SIGTERM/SIGINT are passed to every worker, which drain as a
// single Core does; the launcher exits when they have. A worker that dies unexpectedly is
// replaced (at most once per second).
//
// Workers run with a 32 MiB young generation (`--max-semi-space-size=32`) unless the operator set
// one: a check allocates many short-lived objects, and the larger nursery cut Core's CPU per check
// by ~12% in the benchmark (docs/benchmarks.md, fifth round). A single process started without
// the launcher can get the same with NODE_OPTIONS=--max-semi-space-size=32.
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { WORKERS_SCHEMA } from "./config.ts";

/** PLYSTRA_WORKERS: a whole number 1–64, or `auto`; unset means 1 (the config schema's rule). */
export function parseWorkers(value: string | undefined, cores = availableParallelism()): number {
  const parsed = WORKERS_SCHEMA.safeParse(value);
  if (!parsed.success) throw new Error(`PLYSTRA_WORKERS ${parsed.error.issues[0].message}`);
  return parsed.data === "auto" ? Math.max(1, cores) : parsed.data;
}

function fail(message: string): never {
  process.stderr.write(`plystra-core: ${message}\n`);
  process.exit(78);
}

async function primary(): Promise<void> {
  let workers: number;
  try {
    workers = parseWorkers(process.env.PLYSTRA_WORKERS);
  } catch (err) {
    fail((err as Error).message);
  }
  if (workers > 1 && !process.env.DATABASE_URL) {
    fail(`PLYSTRA_WORKERS=${workers} needs DATABASE_URL: the embedded database is single-process`);
  }
  if (workers === 1) {
    await import("./main.ts");
    return;
  }

  const own = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  if (!own.some((a) => a.startsWith("--max-semi-space-size"))) {
    cluster.setupPrimary({ execArgv: [...process.execArgv, "--max-semi-space-size=32"] });
  }

  let stopping = false;
  let lastRestart = 0;
  const live = new Set<Worker>();
  const fork = (): Worker => {
    const w = cluster.fork();
    live.add(w);
    w.once("exit", (code, signal) => {
      live.delete(w);
      if (stopping) {
        if (live.size === 0) process.exit(0);
        return;
      }
      process.stderr.write(
        `plystra-core: worker ${w.process.pid} exited (code ${code}, signal ${signal}); starting another\n`,
      );
      const wait = Math.max(0, lastRestart + 1000 - Date.now());
      lastRestart = Date.now() + wait;
      setTimeout(() => {
        if (!stopping) fork();
      }, wait);
    });
    return w;
  };

  const first = fork();
  await new Promise<void>((resolve, reject) => {
    first.once("listening", () => resolve());
    first.once("exit", (code) =>
      reject(new Error(`the first worker exited with code ${code} before listening`)),
    );
  }).catch((err: Error) => {
    stopping = true;
    fail(err.message);
  });
  for (let i = 1; i < workers; i++) fork();

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const w of live) w.process.kill(signal);
    if (live.size === 0) process.exit(0);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

if (cluster.isPrimary) await primary();
else await import("./main.ts");
