// (a) kill -9 under load: every decision answered 200 has its audit row, the hash chain verifies,
//     and Core restarts cleanly on the same database.
// (f) two concurrent refreshes of one refresh token: exactly one wins.
import { openDatabase } from "@plystra/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../src/features/audit/audit.repository.ts";
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
let core: CoreProcess | undefined;

beforeAll(async () => {
  database = await freshDatabase();
  core = await startCore(database.url);
});
afterAll(async () => {
  await core?.stop();
  await database?.drop();
});

async function chainVerdict() {
  const db = await openDatabase({ url: database.url, poolMax: 2 });
  try {
    return await verifyAuditChain(db.db);
  } finally {
    await db.close();
  }
}

describe("kill -9 while checks are being answered", () => {
  it("loses no acknowledged decision, keeps the chain intact and restarts cleanly", async () => {
    if (!core) throw new Error("no core");
    const { token } = await loginAlice(core.baseUrl);
    const { key } = await instanceKey(core.baseUrl, token);
    const acknowledged: string[] = [];
    let failures = 0;
    let lastFailure = "";
    let running = true;
    const base = core.baseUrl;
    // Eight clients send checks back to back until the process dies under them.
    const clients = Array.from({ length: 8 }, async () => {
      while (running) {
        try {
          const res = await api(base, "POST", "/api/v1/authz/check", { apiKey: key, body: checkBody() });
          if (res.status === 200) acknowledged.push(res.body.data.audit_log_id);
          else {
            failures++;
            lastFailure = `${res.status} ${JSON.stringify(res.body)}`;
          }
        } catch {
          failures++;
          await sleep(20);
        }
      }
    });
    for (let waited = 0; acknowledged.length < 50 && waited < 15_000; waited += 100) await sleep(100);
    expect(acknowledged.length, lastFailure).toBeGreaterThanOrEqual(50);
    const failuresBeforeKill = failures;
    await core.kill9();
    await sleep(300);
    running = false;
    await Promise.all(clients);
    expect(failures).toBeGreaterThan(failuresBeforeKill); // the kill did land mid-load

    const db = await openDatabase({ url: database.url, poolMax: 2 });
    try {
      const rows = await db.db
        .selectFrom("audit_logs")
        .select("id")
        .where("id", "in", acknowledged)
        .execute();
      const stored = new Set(rows.map((r) => r.id));
      const lost = acknowledged.filter((id) => !stored.has(id));
      expect(
        lost,
        `${lost.length} of ${acknowledged.length} acknowledged decisions have no audit row`,
      ).toEqual([]);
    } finally {
      await db.close();
    }
    const verdict = await chainVerdict();
    expect(verdict.ok, JSON.stringify(verdict)).toBe(true);

    // Same database, new process: ready, answering, and the chain still verifies after more writes.
    core = await startCore(database.url);
    const again = await api(core.baseUrl, "POST", "/api/v1/authz/check", { apiKey: key, body: checkBody() });
    expect(again.status).toBe(200);
    expect(again.body.data.decision).toBe("allow");
    expect((await chainVerdict()).ok).toBe(true);
  });
});

describe("refresh token rotation under a race", () => {
  it("two concurrent refreshes of one token: exactly one succeeds", async () => {
    if (!core) throw new Error("no core");
    for (let round = 0; round < 5; round++) {
      const { refresh } = await loginAlice(core.baseUrl);
      const results = await Promise.all(
        [0, 1].map(() =>
          api(core?.baseUrl ?? "", "POST", "/api/v1/auth/refresh", { body: { refresh_token: refresh } }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses, JSON.stringify(results.map((r) => r.body))).toEqual([200, 401]);
      const loser = results.find((r) => r.status === 401);
      expect(loser?.body.error.code).toBe("SESSION_EXPIRED");
    }
  });
});
