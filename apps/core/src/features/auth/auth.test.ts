import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { hashPassword } from "../../security/passwords.ts";
import { hmacHex } from "../../security/tokens.ts";
import { revokeUserSessions } from "./auth.repository.ts";
import {
  bindMember,
  expectNoSecretsLeaked,
  login,
  PASSWORD,
  seedLoginUser,
  trackResponses,
} from "../../../test/accounts.ts";

const MIN = 60_000;
const DAY = 86_400_000;

let t: TestApp;
let seen: string[];

beforeAll(async () => {
  t = await createTestApp();
  seen = trackResponses(t);
});
afterAll(async () => {
  await expectNoSecretsLeaked(t, seen);
  await t.close();
});

const context = (token: string) => t.request("GET", "/api/v1/actor/context", { token });

describe("login", () => {
  it("returns opaque tokens, the user, the default actor and the live bindings", async () => {
    const u = await seedLoginUser(t, "user_login_ok", { email: "Login.OK@Example.test" });
    // A second, non-primary binding in a Space whose name sorts first: primary still wins.
    await bindMember(t, u.id, "space_aaa", "member_aaa", { spaceName: "AAA" });
    const res = await login(t, "  login.ok@EXAMPLE.test ");
    expect(res.status).toBe(200);
    const d = res.body.data;
    expect(d.access_token).toMatch(/^ply_at_[0-9a-f]{64}$/);
    expect(d.refresh_token).toMatch(/^ply_rt_[0-9a-f]{64}$/);
    expect(d.token_type).toBe("Bearer");
    const now = t.deps.now().getTime();
    expect(new Date(d.expires_at).getTime() - now).toBeGreaterThan(14 * MIN);
    expect(new Date(d.expires_at).getTime() - now).toBeLessThanOrEqual(15 * MIN + 5_000);
    expect(new Date(d.refresh_expires_at).getTime() - now).toBeGreaterThan(29.9 * DAY);
    expect(d.user).toEqual({ id: u.id, email: u.email, status: "active" });
    expect(d.actor).toEqual({
      user_id: u.id,
      member_id: "member_user_login_ok",
      user_member_id: "um_user_login_ok_member_user_login_ok",
      space_id: "space_login",
    });
    expect(d.available_members.map((m: { member_id: string }) => m.member_id)).toEqual([
      "member_user_login_ok",
      "member_aaa",
    ]);
    expect(res.body.request_id).toBeTruthy();

    const ctx = await context(d.access_token);
    expect(ctx.status).toBe(200);
    expect(ctx.body.data.actor.member_id).toBe("member_user_login_ok");

    const user = await t.deps.db
      .selectFrom("users")
      .selectAll()
      .where("id", "=", u.id)
      .executeTakeFirstOrThrow();
    expect(user.last_login_at).not.toBeNull();
    const session = await t.deps.db
      .selectFrom("sessions")
      .selectAll()
      .where("user_id", "=", u.id)
      .executeTakeFirstOrThrow();
    // Only HMACs are stored, never the tokens.
    expect(session.access_token_hash).toBe(hmacHex(t.config.sessionSecret, d.access_token));
    expect(session.refresh_token_hash).toBe(hmacHex(t.config.sessionSecret, d.refresh_token));
    expect(JSON.stringify(session)).not.toContain(d.access_token);
  });

  it("answers unknown email, wrong password and inactive user identically", async () => {
    await seedLoginUser(t, "user_wrongpw");
    await seedLoginUser(t, "user_inactive", { status: "disabled" });
    const results = [
      await login(t, "nobody@example.test"),
      await login(t, "user_wrongpw@example.test", "not the password at all"),
      await login(t, "user_inactive@example.test"),
    ];
    for (const r of results) {
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("AUTHENTICATION_REQUIRED");
      expect(r.body.error.message).toBe("Email or password is incorrect.");
      expect(r.body.error.details).toBeNull();
    }
    const [a, b, c] = results.map((r) => JSON.stringify({ ...r.body.error, request_id: null }));
    expect(a).toBe(b);
    expect(b).toBe(c);
    await t.deps.db.deleteFrom("login_throttles").execute();
  });

  it("refuses a user with no live binding with 403 and creates no session", async () => {
    const u = await seedLoginUser(t, "user_unbound", { bind: false });
    const res = await login(t, u.email);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("ACTIVE_MEMBER_REQUIRED");
    const sessions = await t.deps.db
      .selectFrom("sessions")
      .select("id")
      .where("user_id", "=", u.id)
      .execute();
    expect(sessions).toHaveLength(0);
  });

  it("rejects malformed JSON, unknown fields and oversized bodies with a 400 envelope", async () => {
    const bad = await t.request("POST", "/api/v1/auth/login", { rawBody: "{not json" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    expect(bad.body.error.request_id).toBe(bad.body.request_id);
    expect(bad.body.request_id).toBeTruthy();

    const unknown = await t.request("POST", "/api/v1/auth/login", {
      body: { email: "a@b.c", password: "x", remember_me: true },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("remember_me");

    const missing = await t.request("POST", "/api/v1/auth/login", { body: { email: "a@b.c" } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("password");

    const huge = await t.request("POST", "/api/v1/auth/login", {
      rawBody: JSON.stringify({ email: "a@b.c", password: "x".repeat(1_100_000) }),
    });
    expect(huge.status).toBe(400);
    expect(huge.body.error.code).toBe("VALIDATION_FAILED");
  });

  it("rehashes an Argon2id hash made with outdated parameters on successful login", async () => {
    const old = await hashPassword(PASSWORD, { memoryKib: 19_456, iterations: 1, parallelism: 1 });
    const u = await seedLoginUser(t, "user_rehash", { hash: old });
    expect((await login(t, u.email)).status).toBe(200);
    const row = await t.deps.db
      .selectFrom("users")
      .select("password_hash")
      .where("id", "=", u.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).not.toBe(old);
    expect(row.password_hash).toContain(
      `m=${t.config.passwordHashMemoryKib},t=${t.config.passwordHashIterations},p=2`,
    );
    expect((await login(t, u.email)).status).toBe(200);
  });

  it("accepts the v1.0 `argon2id$…` spelling and never verifies non-Argon2id hashes", async () => {
    const phc = await hashPassword(PASSWORD, { memoryKib: 19_456, iterations: 2, parallelism: 2 });
    const u = await seedLoginUser(t, "user_v1hash", { hash: phc.slice(1) });
    expect((await login(t, u.email)).status).toBe(200);
    const p = await seedLoginUser(t, "user_pbkdf2", { hash: "pbkdf2_sha256$600000$salt$abc" });
    expect((await login(t, p.email)).status).toBe(401);
    await t.deps.db.deleteFrom("login_throttles").execute();
  });
});

describe("refresh", () => {
  it("rotates both tokens; the old access and refresh tokens stop working (SE-15)", async () => {
    const u = await seedLoginUser(t, "user_refresh");
    const first = (await login(t, u.email)).body.data;
    const res = await t.request("POST", "/api/v1/auth/refresh", {
      body: { refresh_token: first.refresh_token },
    });
    expect(res.status).toBe(200);
    const next = res.body.data;
    expect(Object.keys(next).sort()).toEqual(
      ["access_token", "expires_at", "refresh_expires_at", "refresh_token", "token_type"].sort(),
    );
    expect(next.access_token).not.toBe(first.access_token);
    expect(next.refresh_token).not.toBe(first.refresh_token);
    // Absolute refresh lifetime: rotation does not extend it.
    expect(next.refresh_expires_at).toBe(first.refresh_expires_at);
    expect((await context(first.access_token)).status).toBe(401);
    expect((await context(next.access_token)).status).toBe(200);
  });

  it("treats a replayed refresh token as theft and revokes the whole session", async () => {
    const u = await seedLoginUser(t, "user_reuse");
    const first = (await login(t, u.email)).body.data;
    const second = (
      await t.request("POST", "/api/v1/auth/refresh", { body: { refresh_token: first.refresh_token } })
    ).body.data;
    const replay = await t.request("POST", "/api/v1/auth/refresh", {
      body: { refresh_token: first.refresh_token },
    });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe("SESSION_EXPIRED");
    // The legitimate holder's new tokens are dead too.
    expect((await context(second.access_token)).status).toBe(401);
    const again = await t.request("POST", "/api/v1/auth/refresh", {
      body: { refresh_token: second.refresh_token },
    });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe("SESSION_EXPIRED");
    const row = await t.deps.db
      .selectFrom("sessions")
      .select(["revoked_at", "revoked_reason"])
      .where("user_id", "=", u.id)
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();
    expect(row.revoked_reason).toBe("refresh_token_reuse");
  });

  it("a refresh token from several rotations ago is reuse too and revokes the session", async () => {
    const u = await seedLoginUser(t, "user_reuse_old");
    const refresh = (token: string) =>
      t.request("POST", "/api/v1/auth/refresh", { body: { refresh_token: token } });
    const rt1 = (await login(t, u.email)).body.data.refresh_token;
    const rt2 = (await refresh(rt1)).body.data.refresh_token;
    const latest = (await refresh(rt2)).body.data;
    expect((await refresh(rt1)).status).toBe(401);
    expect((await context(latest.access_token)).status).toBe(401);
    expect((await refresh(latest.refresh_token)).status).toBe(401);
  });

  it("expires access tokens after 15 minutes and refresh tokens after 30 days", async () => {
    const u = await seedLoginUser(t, "user_ttl");
    const d = (await login(t, u.email)).body.data;
    t.clock.advance(16 * MIN);
    expect((await context(d.access_token)).status).toBe(401);
    const r = await t.request("POST", "/api/v1/auth/refresh", { body: { refresh_token: d.refresh_token } });
    expect(r.status).toBe(200);
    expect((await context(r.body.data.access_token)).status).toBe(200);
    t.clock.advance(31 * DAY);
    const late = await t.request("POST", "/api/v1/auth/refresh", {
      body: { refresh_token: r.body.data.refresh_token },
    });
    expect(late.status).toBe(401);
    expect(late.body.error.code).toBe("SESSION_EXPIRED");
  });

  it("rejects garbage and unknown refresh tokens with SESSION_EXPIRED", async () => {
    const r = await t.request("POST", "/api/v1/auth/refresh", { body: { refresh_token: "ply_rt_nope" } });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("SESSION_EXPIRED");
    const empty = await t.request("POST", "/api/v1/auth/refresh", { body: {} });
    expect(empty.status).toBe(400);
  });
});

describe("logout", () => {
  it("revokes the session of the bearer token (SE-16)", async () => {
    const u = await seedLoginUser(t, "user_logout_bearer");
    const d = (await login(t, u.email)).body.data;
    const res = await t.request("POST", "/api/v1/auth/logout", { token: d.access_token });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ logged_out: true });
    expect((await context(d.access_token)).status).toBe(401);
    const r = await t.request("POST", "/api/v1/auth/refresh", { body: { refresh_token: d.refresh_token } });
    expect(r.status).toBe(401);
  });

  it("revokes the session of a refresh token sent in the body", async () => {
    const u = await seedLoginUser(t, "user_logout_body");
    const d = (await login(t, u.email)).body.data;
    const res = await t.request("POST", "/api/v1/auth/logout", { body: { refresh_token: d.refresh_token } });
    expect(res.status).toBe(200);
    expect((await context(d.access_token)).status).toBe(401);
    const r = await t.request("POST", "/api/v1/auth/refresh", { body: { refresh_token: d.refresh_token } });
    expect(r.status).toBe(401);
  });

  it("is idempotent and answers 200 for missing or unknown tokens", async () => {
    for (const opts of [{}, { token: "ply_at_unknown" }, { body: { refresh_token: "ply_rt_unknown" } }]) {
      const res = await t.request("POST", "/api/v1/auth/logout", opts);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ logged_out: true });
    }
  });
});

describe("sessions", () => {
  it("revokeUserSessions ends every session of the user (used by password change, SE-14)", async () => {
    const u = await seedLoginUser(t, "user_pwchange");
    const a = (await login(t, u.email)).body.data;
    const b = (await login(t, u.email)).body.data;
    const n = await revokeUserSessions(t.deps.db, u.id, "password_changed", t.deps.now());
    expect(n).toBe(2);
    expect((await context(a.access_token)).status).toBe(401);
    expect((await context(b.access_token)).status).toBe(401);
    const r = await t.request("POST", "/api/v1/auth/refresh", { body: { refresh_token: b.refresh_token } });
    expect(r.status).toBe(401);
    expect((await login(t, u.email)).status).toBe(200);
  });

  it("stops authenticating a session once its user is disabled", async () => {
    const u = await seedLoginUser(t, "user_disabled_later");
    const d = (await login(t, u.email)).body.data;
    await t.deps.db.updateTable("users").set({ status: "disabled" }).where("id", "=", u.id).execute();
    expect((await context(d.access_token)).status).toBe(401);
    const r = await t.request("POST", "/api/v1/auth/refresh", { body: { refresh_token: d.refresh_token } });
    expect(r.status).toBe(401);
  });

  it("accepts tokens hashed under a previous session secret during rotation", async () => {
    const u = await seedLoginUser(t, "user_rotate_secret");
    const d = (await login(t, u.email)).body.data;
    const rotated = await createTestApp({
      database: t.db,
      env: {
        PLYSTRA_SESSION_SECRET: "a-brand-new-session-secret-0123456789abcdef",
        PLYSTRA_SESSION_SECRET_PREVIOUS: t.config.sessionSecret,
      },
    });
    try {
      expect((await rotated.request("GET", "/api/v1/actor/context", { token: d.access_token })).status).toBe(
        200,
      );
      const r = await rotated.request("POST", "/api/v1/auth/refresh", {
        body: { refresh_token: d.refresh_token },
      });
      expect(r.status).toBe(200);
      const row = await t.deps.db
        .selectFrom("sessions")
        .select("access_token_hash")
        .where("user_id", "=", u.id)
        .executeTakeFirstOrThrow();
      // New tokens are always hashed under the primary secret.
      expect(row.access_token_hash).toBe(hmacHex(rotated.config.sessionSecret, r.body.data.access_token));
    } finally {
      await rotated.close();
    }
  });
});
