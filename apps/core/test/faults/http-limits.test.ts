// (d) Slow clients (headers or body trickled) are cut off by the configured timeouts while other
//     requests are served. (e) A 10 MiB body, 10,000-deep JSON and 100,000-element arrays are
//     refused fast, and Core's memory stays flat.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  type CoreProcess,
  checkBody,
  freshDatabase,
  instanceKey,
  loginAlice,
  sleep,
  startCore,
} from "./core-process.ts";

let database: Awaited<ReturnType<typeof freshDatabase>>;
let core: CoreProcess;
let port: number;

const HEADER_TIMEOUT_MS = 1_000;
const READ_TIMEOUT_MS = 2_000;

beforeAll(async () => {
  database = await freshDatabase();
  core = await startCore(database.url, {
    HTTP_READ_HEADER_TIMEOUT: `${HEADER_TIMEOUT_MS}ms`,
    HTTP_READ_TIMEOUT: `${READ_TIMEOUT_MS}ms`,
  });
  port = Number(new URL(core.baseUrl).port);
});
afterAll(async () => {
  await core?.stop();
  await database?.drop();
});

/** Opens a raw connection, sends `head`, then one byte of `drip` every `everyMs`; resolves when Core closes it. */
function trickle(
  head: string,
  drip: string,
  everyMs: number,
): Promise<{ closedAfterMs: number; reply: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, "127.0.0.1");
    let reply = "";
    let i = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on("connect", () => {
      socket.write(head);
      timer = setInterval(() => {
        if (!socket.destroyed && socket.writable) socket.write(drip[i++ % drip.length]);
      }, everyMs);
    });
    socket.on("data", (d) => {
      reply += d.toString();
    });
    socket.on("error", () => {}); // a reset is a cut-off too
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ closedAfterMs: Date.now() - started, reply });
    });
    setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error("Core kept a trickling client for 15 s"));
    }, 15_000);
  });
}

/** Polls /health while `during` runs; returns the slowest answer. */
async function servedMeanwhile(during: Promise<unknown>): Promise<{ count: number; slowestMs: number }> {
  let done = false;
  void during.finally(() => {
    done = true;
  });
  let count = 0;
  let slowestMs = 0;
  while (!done) {
    const res = await api(core.baseUrl, "GET", "/api/v1/health", { timeoutMs: 5_000 });
    expect(res.status).toBe(200);
    count++;
    slowestMs = Math.max(slowestMs, res.ms);
    await sleep(100);
  }
  return { count, slowestMs };
}

describe("slow clients", () => {
  it("headers trickled byte by byte are cut off after HTTP_READ_HEADER_TIMEOUT; others are served", async () => {
    const slow = Array.from({ length: 5 }, () =>
      trickle("GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ", "abcdefgh", 100),
    );
    const meanwhile = await servedMeanwhile(Promise.all(slow));
    for (const s of await Promise.all(slow)) {
      expect(s.closedAfterMs).toBeGreaterThanOrEqual(HEADER_TIMEOUT_MS - 100);
      expect(s.closedAfterMs).toBeLessThan(HEADER_TIMEOUT_MS + 2_000);
      expect(s.reply).not.toContain("200 OK");
    }
    expect(meanwhile.count).toBeGreaterThan(3);
    expect(meanwhile.slowestMs).toBeLessThan(500);
  });

  it("a body trickled byte by byte is cut off after HTTP_READ_TIMEOUT; others are served", async () => {
    const body = JSON.stringify({ email: "alice@example.com", password: "x".repeat(200) });
    const head =
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
      `Content-Length: ${body.length}\r\n\r\n`;
    const slow = Array.from({ length: 5 }, () => trickle(head, body, 100));
    const meanwhile = await servedMeanwhile(Promise.all(slow));
    for (const s of await Promise.all(slow)) {
      expect(s.closedAfterMs).toBeGreaterThanOrEqual(READ_TIMEOUT_MS - 100);
      expect(s.closedAfterMs).toBeLessThan(READ_TIMEOUT_MS + 2_000);
      expect(s.reply).not.toMatch(/^HTTP\/1\.1 (200|5\d\d)/);
    }
    expect(meanwhile.count).toBeGreaterThan(5);
    expect(meanwhile.slowestMs).toBeLessThan(500);
  });
});

describe("hostile bodies", () => {
  it("a 10 MiB body, 10,000-deep nesting and 100,000-element arrays are refused fast; memory stays flat", async () => {
    const { token } = await loginAlice(core.baseUrl);
    const { key } = await instanceKey(core.baseUrl, token);
    const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    const payloads: { name: string; path: string; raw: string; auth: "key" | "token" }[] = [
      {
        name: "10 MiB",
        path: "/api/v1/authz/check",
        raw: JSON.stringify({ ...checkBody(), pad: "x".repeat(10 * 1024 * 1024) }),
        auth: "key",
      },
      {
        name: "10,000-deep metadata",
        path: "/api/v1/spaces",
        raw: `{"name":"deep","metadata":{"a":${deep}}}`,
        auth: "token",
      },
      {
        name: "10,000-deep top level",
        path: "/api/v1/authz/check",
        raw: `{"action":${deep}}`,
        auth: "key",
      },
      {
        name: "100,000 inline grants",
        path: "/api/v1/authz/check",
        raw: JSON.stringify({
          ...checkBody(),
          grants: Array.from({ length: 100_000 }, () => ({ scope: "self" })),
        }),
        auth: "key",
      },
      {
        name: "100,000 permission keys",
        path: "/api/v1/api-keys",
        raw: JSON.stringify({
          name: "many",
          level: "instance",
          permission_keys: Array.from({ length: 100_000 }, (_, i) => `d${i}:read`),
        }),
        auth: "token",
      },
    ];
    const send = async (p: (typeof payloads)[number]) => {
      const started = Date.now();
      const res = await fetch(`${core.baseUrl}${p.path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(p.auth === "key" ? { "x-plystra-api-key": key } : { authorization: `Bearer ${token}` }),
        },
        body: p.raw,
        signal: AbortSignal.timeout(20_000),
      }).catch((err: Error) => ({ status: 0, err }));
      const ms = Date.now() - started;
      return { name: p.name, status: res.status, ms };
    };
    // Warm up (JIT, pools), then measure RSS across repeated rounds.
    for (const p of payloads) await send(p);
    const before = core.rssKib();
    for (let round = 0; round < 3; round++) {
      for (const p of payloads) {
        const r = await send(p);
        expect([400, 413], `${r.name} answered ${r.status}`).toContain(r.status);
        expect(r.ms, `${r.name} took ${r.ms} ms`).toBeLessThan(3_000);
      }
    }
    const after = core.rssKib();
    expect(after - before, `RSS grew from ${before} to ${after} KiB`).toBeLessThan(64 * 1024);
    // And Core still answers normally.
    const ok = await api(core.baseUrl, "POST", "/api/v1/authz/check", { apiKey: key, body: checkBody() });
    expect(ok.status).toBe(200);
  });
});
