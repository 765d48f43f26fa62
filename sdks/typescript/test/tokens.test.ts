// Token mode: rotation, transparent refresh, one shared refresh for concurrent callers, scoping.
import { describe, expect, it } from "vitest";
import { PlystraAuthError, type Tokens } from "../src/index";
import { ALICE, DEMO_ALICE_ACTOR, aliceClient, newClient, recordingFetch, unique } from "./helpers";

const BOGUS_ACCESS_TOKEN = `ply_at_${"0".repeat(64)}`;

describe("token mode", () => {
  it("onTokenChange fires on login and refresh, and the rotated-out refresh token is rejected", async () => {
    const events: Tokens[] = [];
    const client = newClient({ onTokenChange: (t) => void events.push(t) });
    const login = await client.auth.login(ALICE);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ accessToken: login.access_token, refreshToken: login.refresh_token });
    expect(events[0].expiresAt).toBe(login.expires_at);

    const refreshed = await client.auth.refresh();
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      accessToken: refreshed.access_token,
      refreshToken: refreshed.refresh_token,
    });
    expect(refreshed.refresh_token).not.toBe(login.refresh_token);

    // Replaying the old refresh token fails, from any client.
    const replay = await newClient()
      .auth.refresh(login.refresh_token)
      .catch((e: unknown) => e);
    expect(replay).toBeInstanceOf(PlystraAuthError);
    expect((replay as PlystraAuthError).code).toBe("SESSION_EXPIRED");
  });

  it("a replayed refresh token ends the session; the client then forgets its tokens", async () => {
    const events: Tokens[] = [];
    const client = newClient({ onTokenChange: (t) => void events.push(t) });
    const login = await client.auth.login(ALICE);
    await client.auth.refresh();
    await newClient()
      .auth.refresh(login.refresh_token)
      .catch(() => undefined);

    const err = await client.admin.me().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlystraAuthError);
    expect(client.tokens()).toMatchObject({ accessToken: null, refreshToken: null });
    expect(events.at(-1)).toMatchObject({ accessToken: null, refreshToken: null });
  });

  it("refreshes transparently once when the access token is rejected, then retries the call", async () => {
    const rec = recordingFetch();
    const events: Tokens[] = [];
    const client = newClient({ fetchImpl: rec.impl, onTokenChange: (t) => void events.push(t) });
    const login = await client.auth.login(ALICE);
    client.setTokens({ accessToken: BOGUS_ACCESS_TOKEN, refreshToken: login.refresh_token });

    const me = await client.admin.me();
    expect(JSON.stringify(me)).toContain("user_alice");
    expect(rec.count("/api/v1/auth/refresh")).toBe(1);
    const meCalls = rec.calls.filter((c) => c.path === "/api/v1/admin/me");
    expect(meCalls.map((c) => c.status)).toEqual([401, 200]);
    expect(meCalls[0].headers.get("authorization")).toBe(`Bearer ${BOGUS_ACCESS_TOKEN}`);
    const now = client.tokens();
    expect(now.accessToken).not.toBe(BOGUS_ACCESS_TOKEN);
    expect(now.refreshToken).not.toBe(login.refresh_token);
    expect(meCalls[1].headers.get("authorization")).toBe(`Bearer ${now.accessToken}`);
    expect(events.at(-1)).toMatchObject({ accessToken: now.accessToken, refreshToken: now.refreshToken });
  });

  it("concurrent callers hitting an expired access token share one refresh", async () => {
    const rec = recordingFetch();
    const client = newClient({ fetchImpl: rec.impl });
    const login = await client.auth.login(ALICE);
    client.setTokens({ accessToken: BOGUS_ACCESS_TOKEN, refreshToken: login.refresh_token });

    const results = await Promise.all([
      client.admin.me(),
      client.actor.context(),
      client.system.version(),
      client.authz.check({ resource_type: "invoice", resource_id: "invoice_001", action: "approve" }),
      client.admin.me(),
      client.audit.list({ limit: 1 }),
    ]);
    expect(results).toHaveLength(6);
    expect(results[3]).toMatchObject({ decision: "allow" });
    expect(rec.count("/api/v1/auth/refresh")).toBe(1);
    // The session survived (no refresh-token replay): the new tokens keep working.
    await expect(client.admin.me()).resolves.toBeTruthy();
    await expect(client.auth.refresh()).resolves.toBeTruthy();
  });

  it("without a refresh token a rejected access token surfaces as PlystraAuthError", async () => {
    const client = newClient({ accessToken: BOGUS_ACCESS_TOKEN });
    const err = await client.admin.me().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlystraAuthError);
    expect((err as PlystraAuthError).code).toBe("AUTHENTICATION_REQUIRED");
  });

  it("logout revokes the session and clears the stored tokens", async () => {
    const events: Tokens[] = [];
    const client = newClient({ onTokenChange: (t) => void events.push(t) });
    const login = await client.auth.login(ALICE);
    await client.auth.logout();
    expect(client.tokens()).toMatchObject({ accessToken: null, refreshToken: null });
    expect(events.at(-1)).toMatchObject({ accessToken: null, refreshToken: null });
    const stale = newClient({ accessToken: login.access_token });
    await expect(stale.admin.me()).rejects.toBeInstanceOf(PlystraAuthError);
  });

  it("tokens restored with setTokens authenticate a fresh client", async () => {
    const first = await aliceClient();
    const second = newClient();
    second.setTokens(first.tokens());
    await expect(second.admin.me()).resolves.toBeTruthy();
  });
});

describe("request ids", () => {
  it("withRequestId scopes X-Request-ID to every call of the returned client and shares credentials", async () => {
    const rec = recordingFetch();
    const client = newClient({ fetchImpl: rec.impl });
    const scoped = client.withRequestId(unique("req_sdk_scope"));
    await client.auth.login(ALICE); // logging in on the parent is visible to the scoped client
    const d = await scoped.authz.check({
      resource_type: "invoice",
      resource_id: "invoice_001",
      action: "approve",
    });
    const sent = rec.calls.filter((c) => c.path === "/api/v1/authz/check")[0].headers.get("x-request-id");
    expect(sent).toMatch(/^req_sdk_scope_/);
    const row = await client.audit.get(d.audit_log_id);
    expect(row.request_id).toBe(sent);
    // The parent client is unaffected.
    await client.system.version();
    expect(rec.calls.at(-1)?.headers.get("x-request-id")).toBeNull();
  });

  it("a per-call requestId is sent and echoed on errors", async () => {
    const client = await aliceClient();
    const requestId = unique("req_sdk_call");
    const err = await client.users.get("user_does_not_exist", { requestId }).catch((e: unknown) => e);
    expect((err as PlystraAuthError).requestId).toBe(requestId);
  });
});

describe("API-key mode", () => {
  it("sends X-Plystra-API-Key and no bearer token", async () => {
    const admin = await aliceClient();
    const key = await admin.apiKeys.create({
      name: unique("sdk_mode"),
      level: "instance",
      permission_keys: ["authz:check"],
    });
    const rec = recordingFetch();
    const service = newClient({ apiKey: key.api_key, fetchImpl: rec.impl });
    const d = await service.authz.check({
      actor: DEMO_ALICE_ACTOR,
      resource_type: "invoice",
      resource_id: "invoice_001",
      action: "approve",
    });
    expect(d.allow).toBe(true);
    expect(rec.calls[0].headers.get("x-plystra-api-key")).toBe(key.api_key);
    expect(rec.calls[0].headers.get("authorization")).toBeNull();
    await admin.apiKeys.revoke(key.id);
  });
});
