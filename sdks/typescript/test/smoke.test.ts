// The SDK release smoke list: every call against a real Core over HTTP.
import { describe, expect, it } from "vitest";
import { PlystraAuthError } from "../src/index";
import { ALICE, aliceClient, DEMO_ALICE_ACTOR, newClient, unique } from "./helpers";

describe("release smoke list", () => {
  it("system.version reports the core version", async () => {
    const v = await newClient().system.version();
    expect(typeof v.version).toBe("string");
    expect(v.version.length).toBeGreaterThan(0);
  });

  it("system.health and system.ready answer", async () => {
    const client = newClient();
    await expect(client.system.health()).resolves.toBeTruthy();
    await expect(client.system.ready()).resolves.toBeTruthy();
  });

  it("auth.login stores tokens and auth.refresh rotates both", async () => {
    const client = newClient();
    const login = await client.auth.login(ALICE);
    expect(login.access_token).toMatch(/^ply_at_/);
    expect(login.refresh_token).toMatch(/^ply_rt_/);
    expect(client.tokens()).toMatchObject({
      accessToken: login.access_token,
      refreshToken: login.refresh_token,
    });
    const refreshed = await client.auth.refresh();
    expect(refreshed.access_token).not.toBe(login.access_token);
    expect(refreshed.refresh_token).not.toBe(login.refresh_token);
    expect(client.tokens().accessToken).toBe(refreshed.access_token);
  });

  it("admin.me describes the logged-in principal", async () => {
    const client = await aliceClient();
    const me = await client.admin.me();
    expect(JSON.stringify(me)).toContain("user_alice");
  });

  it("auth.me names the session's user and active actor; API keys are not sessions", async () => {
    const client = await aliceClient();
    const me = await client.auth.me();
    expect(me.user.id).toBe("user_alice");
    expect(me.actor?.member_id).toBe("member_finance_reviewer");
    const err = await newClient({ apiKey: "ply_ak_nope.nope" })
      .auth.me()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401 });
  });

  it("apiKeys.create returns the plaintext once and apiKeys.revoke disables it", async () => {
    const admin = await aliceClient();
    const key = await admin.apiKeys.create({
      name: unique("sdk_smoke"),
      level: "instance",
      permission_keys: ["authz:check"],
    });
    expect(key.api_key).toMatch(/^ply_ak_/);
    const service = newClient({ apiKey: key.api_key });
    const allowed = await service.authz.check({
      actor: DEMO_ALICE_ACTOR,
      resource_type: "invoice",
      resource_id: "invoice_001",
      action: "approve",
    });
    expect(allowed.decision).toBe("allow");

    const revoked = await admin.apiKeys.revoke(key.id);
    expect(revoked.status).toBe("revoked");
    const err = await service.authz
      .check({ resource_type: "invoice", resource_id: "invoice_001", action: "approve" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlystraAuthError);
    expect((err as PlystraAuthError).status).toBe(401);
  });

  it("authz.check returns allow for Alice on invoice_001", async () => {
    const client = await aliceClient();
    const d = await client.authz.check({
      resource_type: "invoice",
      resource_id: "invoice_001",
      action: "approve",
    });
    expect(d).toMatchObject({ allow: true, decision: "allow", deny_code: null });
    expect(d.audit_log_id).toMatch(/^audit_/);
    expect(
      await client.authz.isAllowed({
        resource_type: "invoice",
        resource_id: "invoice_001",
        action: "approve",
      }),
    ).toBe(true);
  });

  it("authz.check returns a deny as a value (invoice_002 is out of scope)", async () => {
    const client = await aliceClient();
    const d = await client.authz.check({
      resource_type: "invoice",
      resource_id: "invoice_002",
      action: "approve",
    });
    expect(d).toMatchObject({ allow: false, decision: "deny", deny_code: "SCOPE_OUT_OF_BOUNDS" });
    expect(
      await client.authz.isAllowed({
        resource_type: "invoice",
        resource_id: "invoice_002",
        action: "approve",
      }),
    ).toBe(false);
  });

  it("audit.list finds the decision a check just wrote", async () => {
    const client = await aliceClient();
    const requestId = unique("req_sdk_audit");
    const d = await client.authz.check(
      { resource_type: "invoice", resource_id: "invoice_002", action: "approve" },
      { requestId },
    );
    const page = await client.audit.list({ request_id: requestId });
    expect(page.data.map((r) => r.id)).toContain(d.audit_log_id);
    const row = await client.audit.get(d.audit_log_id);
    expect(row).toMatchObject({ id: d.audit_log_id, request_id: requestId, decision: "deny" });
  });
});
