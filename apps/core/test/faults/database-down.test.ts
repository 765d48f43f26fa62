// (b) PostgreSQL stops under load: /ready answers 503, requests fail fast with 503 + Retry-After
//     (never a hang, never a 500), and Core recovers by itself once PostgreSQL is back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  type CoreProcess,
  checkBody,
  instanceKey,
  loginAlice,
  sleep,
  startCore,
  throwawayCluster,
} from "./core-process.ts";

let cluster: ReturnType<typeof throwawayCluster> extends Promise<infer T> ? T : never;
let core: CoreProcess | undefined;

beforeAll(async () => {
  // Its own cluster: this test stops the server, which must not disturb anything else.
  cluster = await throwawayCluster();
  core = await startCore(cluster.url);
});
afterAll(async () => {
  if (core && core.proc.exitCode !== null) console.log(`Core exited:\n${core.log()}`);
  await core?.stop();
  await cluster?.destroy();
});

describe("PostgreSQL goes away under load", () => {
  it("answers 503 + Retry-After fast while it is down and recovers without a restart", async () => {
    if (!core) throw new Error("no core");
    const base = core.baseUrl;
    const { token } = await loginAlice(base);
    const { key } = await instanceKey(base, token);
    const seen: { phase: string; status: number; ms: number; retryAfter: string | null; code?: string }[] =
      [];
    let phase = "up";
    let running = true;
    const clients = Array.from({ length: 4 }, async () => {
      while (running) {
        const startedIn = phase;
        try {
          const res = await api(base, "POST", "/api/v1/authz/check", {
            apiKey: key,
            body: checkBody(),
            timeoutMs: 15_000,
          });
          seen.push({
            phase: startedIn,
            status: res.status,
            ms: res.ms,
            retryAfter: res.headers.get("retry-after"),
            code: res.body?.error?.code,
          });
        } catch (err) {
          seen.push({ phase: startedIn, status: 0, ms: -1, retryAfter: null, code: (err as Error).name });
        }
        if (phase === "down") await sleep(50);
      }
    });
    await sleep(1_000);
    expect(seen.filter((s) => s.status === 200).length).toBeGreaterThan(5);

    phase = "halting";
    await cluster.halt();
    phase = "down";
    await sleep(500);
    const ready = await api(base, "GET", "/api/v1/ready", { timeoutMs: 10_000 });
    expect(ready.status).toBe(503);
    expect(ready.body.error.code).toBe("NOT_READY");
    expect(ready.ms).toBeLessThan(6_000);
    const session = await api(base, "GET", "/api/v1/admin/me", { token, timeoutMs: 10_000 });
    expect(session.status).toBe(503);
    expect(session.headers.get("retry-after")).toMatch(/^\d+$/);
    await sleep(2_500);

    phase = "resuming";
    await cluster.resume();
    phase = "recovering";
    let recoveredAfterMs = -1;
    const resumedAt = Date.now();
    while (Date.now() - resumedAt < 30_000) {
      const r = await api(base, "GET", "/api/v1/ready", { timeoutMs: 10_000 }).catch(() => null);
      if (r?.status === 200) {
        recoveredAfterMs = Date.now() - resumedAt;
        break;
      }
      await sleep(200);
    }
    expect(recoveredAfterMs, "Core did not become ready again by itself").toBeGreaterThanOrEqual(0);
    phase = "back";
    await sleep(1_000);
    running = false;
    await Promise.all(clients);

    const down = seen.filter((s) => s.phase === "down");
    expect(down.length).toBeGreaterThan(5);
    // While the database is down: only 503 NOT_READY with Retry-After, each answered fast.
    const bad = down.filter((s) => s.status !== 503 || s.code !== "NOT_READY" || !s.retryAfter);
    expect(bad, JSON.stringify(bad.slice(0, 5))).toEqual([]);
    expect(Math.max(...down.map((s) => s.ms))).toBeLessThan(6_000);
    // Never a 500, in any phase; and decisions are answered again once it is back.
    expect(seen.filter((s) => s.status >= 500 && s.status !== 503)).toEqual([]);
    const back = seen.filter((s) => s.phase === "back");
    expect(back.length).toBeGreaterThan(0);
    expect(back.every((s) => s.status === 200)).toBe(true);
    const after = await api(base, "POST", "/api/v1/authz/check", { apiKey: key, body: checkBody() });
    expect(after.status).toBe(200);
    expect(after.body.data.decision).toBe("allow");
  });
});
