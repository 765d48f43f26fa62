import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { login, seedLoginUser } from "../../../test/accounts.ts";

const MIN = 60_000;

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await seedLoginUser(t, "user_lock");
  await seedLoginUser(t, "user_other");
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.deps.db.deleteFrom("login_throttles").execute();
});

function expectLocked(res: Awaited<ReturnType<typeof login>>) {
  expect(res.status).toBe(429);
  expect(res.body.error.code).toBe("AUTH_RATE_LIMITED");
  const retry = Number(res.headers.get("retry-after"));
  expect(retry).toBeGreaterThanOrEqual(1);
  expect(retry).toBeLessThanOrEqual(15 * 60);
  expect(res.body.error.details.retry_after_seconds).toBe(retry);
}

describe("login lockout (SE-13)", () => {
  it("locks an email after 8 failures; the 8th failure already answers 429", async () => {
    for (let i = 1; i <= 7; i++)
      expect((await login(t, "user_lock@example.test", `wrong-${i}`)).status).toBe(401);
    expectLocked(await login(t, "user_lock@example.test", "wrong-8"));
    // Even the right password is refused while locked.
    expectLocked(await login(t, "user_lock@example.test"));
    t.clock.advance(16 * MIN);
    expect((await login(t, "user_lock@example.test")).status).toBe(200);
    // Success clears the account's counter only; the IP counter keeps its own window, so logging
    // into an account of one's own cannot reset a per-IP guessing budget.
    const left = await t.deps.db.selectFrom("login_throttles").select("key").execute();
    expect(left.map((r) => r.key)).toEqual([expect.stringMatching(/^ip:/)]);
  });

  it("locks the client IP across different emails", async () => {
    for (let i = 1; i <= 7; i++) expect((await login(t, `ghost${i}@example.test`, "x")).status).toBe(401);
    expectLocked(await login(t, "ghost8@example.test", "x"));
    // A different, valid account from the same IP is blocked too.
    expectLocked(await login(t, "user_other@example.test"));
    t.clock.advance(16 * MIN);
    expect((await login(t, "user_other@example.test")).status).toBe(200);
  });

  it("8 failures spread over 14 minutes lock; the lock holds for the full 15 minutes", async () => {
    for (let i = 1; i <= 7; i++) {
      expect((await login(t, "user_lock@example.test", "wrong")).status).toBe(401);
      t.clock.advance(2 * MIN);
    }
    expectLocked(await login(t, "user_lock@example.test", "wrong"));
    t.clock.advance(14 * MIN);
    const late = await login(t, "user_lock@example.test");
    expectLocked(late);
    expect(Number(late.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    t.clock.advance(61_000);
    expect((await login(t, "user_lock@example.test")).status).toBe(200);
  });

  it("starts a fresh window once the old one has elapsed", async () => {
    for (let i = 1; i <= 7; i++) await login(t, "user_lock@example.test", "wrong");
    t.clock.advance(16 * MIN);
    // Window elapsed: the count restarts, so this is failure 1 of a new window.
    expect((await login(t, "user_lock@example.test", "wrong")).status).toBe(401);
    const row = await t.deps.db
      .selectFrom("login_throttles")
      .selectAll()
      .where("key", "=", "email:user_lock@example.test")
      .executeTakeFirstOrThrow();
    expect(row.failures).toBe(1);
    expect(row.locked_until).toBeNull();
  });

  it("holds across two Core processes sharing one database", async () => {
    const other = await createTestApp({ database: t.db });
    try {
      other.clock.set(t.clock.now);
      for (let i = 0; i < 4; i++) {
        expect((await login(t, "user_lock@example.test", "wrong")).status).toBe(401);
        const r = await other.request("POST", "/api/v1/auth/login", {
          body: { email: "user_lock@example.test", password: "wrong" },
        });
        expect(r.status).toBe(i < 3 ? 401 : 429);
      }
      expectLocked(await login(t, "user_lock@example.test"));
      const r = await other.request("POST", "/api/v1/auth/login", {
        body: { email: "user_lock@example.test", password: "correct horse battery staple" },
      });
      expect(r.status).toBe(429);
    } finally {
      await other.close();
    }
  });

  it("counts concurrent failures without losing any", async () => {
    await Promise.all(Array.from({ length: 6 }, () => login(t, "user_lock@example.test", "wrong")));
    const row = await t.deps.db
      .selectFrom("login_throttles")
      .selectAll()
      .where("key", "=", "email:user_lock@example.test")
      .executeTakeFirstOrThrow();
    expect(row.failures).toBe(6);
  });
});
