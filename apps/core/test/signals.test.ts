import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `pnpm dev` must hand SIGTERM to the server (pnpm does not forward it through a nested
 * `pnpm --filter … dev` and a shell), so stopping the wrapper stops Core after a graceful drain.
 * (`pnpm start` is checked the same way by scripts/smoke-prod.sh, which has a build.)
 */
const ROOT = resolve(import.meta.dirname, "../../..");

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`exited early with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} not up within ${ms} ms`);
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("signals through the pnpm wrapper", () => {
  it("pnpm dev: SIGTERM to pnpm drains and stops the server", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "plystra-signal-"));
    dirs.push(dataDir);
    const port = await freePort();
    const env: Record<string, string | undefined> = {
      ...process.env,
      SERVER_PORT: String(port),
      SERVER_HOST: "127.0.0.1",
      PLYSTRA_DATA_DIR: dataDir,
      DATABASE_URL: undefined,
      PLYSTRA_DATABASE_URL: undefined,
    };
    const child = spawn("pnpm", ["dev"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (d) => {
      output += d;
    });
    child.stderr?.on("data", (d) => {
      output += d;
    });
    try {
      await waitFor(`http://127.0.0.1:${port}/api/v1/health`, child, 60_000);
      expect(output).toContain("alice@example.com / plystra-demo (instance super admin)");
      const exited = new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));
      child.kill("SIGTERM");
      await exited;
      // The server behind the wrapper is gone too: nothing answers on its port.
      await new Promise((r) => setTimeout(r, 1500));
      await expect(fetch(`http://127.0.0.1:${port}/api/v1/health`)).rejects.toThrow();
      expect(output).toContain("shutting down: draining in-flight requests");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 90_000);
});
