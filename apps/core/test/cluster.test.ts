// Several Core processes on one port (src/cluster.ts): the launcher refuses what cannot work, and on
// PostgreSQL two workers serve checks, each writing its audit rows, and a key revoked through a
// third Core is refused by both workers on the very next request although both had cached it.
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { seedDemo } from "../src/features/demo/demo.seed.ts";
import { superAdminToken } from "./fixtures.ts";
import { createTestApp, createTestDatabase, TEST_ENV, type TestApp } from "./harness.ts";

const CORE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");

function launch(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cluster.ts"], {
    cwd: CORE_DIR,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...TEST_ENV, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  return { child, output: () => out };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });

describe("cluster launcher refuses what cannot work", () => {
  it("more than one worker on the embedded database, and a malformed PLYSTRA_WORKERS", async () => {
    const embedded = launch({ PLYSTRA_WORKERS: "2", SERVER_PORT: "0" });
    expect(await exited(embedded.child)).toBe(78);
    expect(embedded.output()).toContain("PLYSTRA_WORKERS=2 needs DATABASE_URL");
    const bad = launch({ PLYSTRA_WORKERS: "two", DATABASE_URL: "postgres://127.0.0.1:1/x" });
    expect(await exited(bad.child)).toBe(78);
    expect(bad.output()).toContain("PLYSTRA_WORKERS must be a whole number");
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** One request on a new TCP connection, so the cluster hands successive requests to other workers. */
function post(port: number, path: string, apiKey: string, body: unknown) {
  const data = JSON.stringify(body);
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        agent: false,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(data),
          "x-plystra-api-key": apiKey,
        },
      },
      (res) => {
        let text = "";
        res.on("data", (c) => {
          text += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

/** Live child processes of a pid (Linux /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const ALICE = {
  user_id: "user_alice",
  member_id: "member_finance_reviewer",
  user_member_id: "um_alice_finance_reviewer",
  space_id: "space_acme",
};
const ALLOWED = { actor: ALICE, resource_type: "invoice", resource_id: "invoice_001", action: "approve" };

const probe = await createTestDatabase();
const pgUrl = probe.url;
if (!pgUrl) await probe.drop();

describe.skipIf(!pgUrl)("two Core workers on one PostgreSQL", () => {
  let admin: TestApp | null = null;
  let launched: ReturnType<typeof launch> | null = null;
  afterAll(async () => {
    if (launched && launched.child.exitCode === null) {
      launched.child.kill("SIGKILL");
      await exited(launched.child);
    }
    await admin?.close();
    await probe.drop();
  });

  it("serve checks with one audit row each, and both refuse a key revoked elsewhere at once", async () => {
    admin = await createTestApp({ database: probe });
    await seedDemo(admin.deps.db);
    const root = await superAdminToken(admin);
    const created = await admin.request("POST", "/api/v1/api-keys", {
      token: root,
      body: { name: "cluster-test", level: "instance", permission_keys: ["authz:check"] },
    });
    expect(created.status).toBe(201);
    const key = created.body.data as { id: string; api_key: string };

    const port = await freePort();
    launched = launch({
      PLYSTRA_WORKERS: "2",
      DATABASE_URL: pgUrl!,
      SERVER_MODE: "development",
      SERVER_HOST: "127.0.0.1",
      SERVER_PORT: String(port),
      PLYSTRA_DEMO_SEED: "false",
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      expect(launched.child.exitCode, launched.output()).toBeNull();
      try {
        if ((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).ok) break;
      } catch {
        // not listening yet
      }
      expect(Date.now() < deadline, launched.output()).toBe(true);
      await new Promise((r) => setTimeout(r, 200));
    }
    // The second worker starts after the first listens; wait until both are up.
    while (childrenOf(launched.child.pid!).length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(childrenOf(launched.child.pid!)).toHaveLength(2);
    // Workers get the larger young generation unless the operator chose one.
    for (const pid of childrenOf(launched.child.pid!))
      expect(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")).toContain("--max-semi-space-size=32");
    await new Promise((r) => setTimeout(r, 1500));

    // Eight checks on eight connections: round-robin gives each worker several, so both cache the key.
    const before = await Promise.all(
      Array.from({ length: 8 }, () => post(port, "/api/v1/authz/check", key.api_key, ALLOWED)),
    );
    expect(before.map((r) => r.status)).toEqual(Array(8).fill(200));
    const ids = before.map((r) => r.body.data.audit_log_id as string);
    const rows = await admin.deps.db.selectFrom("audit_logs").select("id").where("id", "in", ids).execute();
    expect(rows).toHaveLength(8);

    const revoked = await admin.request("POST", `/api/v1/api-keys/${key.id}/revoke`, {
      token: root,
      body: {},
    });
    expect(revoked.status).toBe(200);
    const after = await Promise.all(
      Array.from({ length: 8 }, () => post(port, "/api/v1/authz/check", key.api_key, ALLOWED)),
    );
    expect(after.map((r) => r.status)).toEqual(Array(8).fill(401));

    launched.child.kill("SIGTERM");
    expect(await exited(launched.child)).toBe(0);
  });
});
