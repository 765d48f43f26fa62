// Typed errors for every failure family; a deny is never one of them.
import { describe, expect, it } from "vitest";
import {
  PlystraApiError,
  PlystraAuthError,
  PlystraAuthorizationError,
  PlystraConflictError,
  PlystraError,
  PlystraNotFoundError,
  PlystraValidationError,
} from "../src/index";
import { ALICE, BOB, DEMO_ALICE_ACTOR, aliceClient, newClient, unique } from "./helpers";

async function failure(p: Promise<unknown>): Promise<PlystraApiError> {
  const err = await p.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlystraApiError);
  expect(err).toBeInstanceOf(PlystraError);
  return err as PlystraApiError;
}

describe("typed errors", () => {
  it("a revoked API key is PlystraAuthError", async () => {
    const admin = await aliceClient();
    const key = await admin.apiKeys.create({
      name: unique("sdk_revoked"),
      level: "instance",
      permission_keys: ["authz:check"],
    });
    await admin.apiKeys.revoke(key.id);
    const service = newClient({ apiKey: key.api_key });
    const err = await failure(
      service.authz.check({
        actor: DEMO_ALICE_ACTOR,
        resource_type: "invoice",
        resource_id: "invoice_001",
        action: "approve",
      }),
    );
    expect(err).toBeInstanceOf(PlystraAuthError);
    expect(err).toMatchObject({ status: 401, code: "AUTHENTICATION_REQUIRED" });
    expect(err.requestId).toMatch(/\S/);
  });

  it("bad input is PlystraValidationError naming the field", async () => {
    const client = await aliceClient();
    const err = await failure(
      client.users.create({ email: "not-an-email", password: "long enough passphrase" }),
    );
    expect(err).toBeInstanceOf(PlystraValidationError);
    expect(err).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });
    expect((err as PlystraValidationError).field).toBe("email");
    expect(err.message).toMatch(/email/);
  });

  it("a check without an action is PlystraValidationError on `action`", async () => {
    const client = await aliceClient();
    const err = await failure(
      client.authz.check({ resource_type: "invoice", resource_id: "invoice_001" } as never),
    );
    expect(err).toBeInstanceOf(PlystraValidationError);
    expect((err as PlystraValidationError).field).toBe("action");
  });

  it("an unknown id is PlystraNotFoundError", async () => {
    const client = await aliceClient();
    const err = await failure(client.users.get("user_sdk_missing"));
    expect(err).toBeInstanceOf(PlystraNotFoundError);
    expect(err.status).toBe(404);
  });

  it("a duplicate is PlystraConflictError", async () => {
    const client = await aliceClient();
    const email = `${unique("dup")}@example.com`;
    await client.users.create({ email, password: "long enough passphrase" });
    const err = await failure(client.users.create({ email, password: "long enough passphrase" }));
    expect(err).toBeInstanceOf(PlystraConflictError);
    expect(err.status).toBe(409);
  });

  it("missing admin permission is PlystraAuthorizationError carrying details.permission", async () => {
    const bob = newClient();
    await bob.auth.login(BOB);
    const err = await failure(bob.users.list({ limit: 1 }));
    expect(err).toBeInstanceOf(PlystraAuthorizationError);
    expect(err).toMatchObject({ status: 403, code: "ADMIN_PERMISSION_REQUIRED" });
    expect((err.details as { permission?: string }).permission).toMatch(/^users:/);
  });

  it("a wrong password is PlystraAuthError and stores no tokens", async () => {
    const client = newClient();
    const err = await failure(client.auth.login({ email: ALICE.email, password: "wrong password" }));
    expect(err).toBeInstanceOf(PlystraAuthError);
    expect(client.tokens()).toMatchObject({ accessToken: null, refreshToken: null });
  });

  it("no credential at all is PlystraAuthError", async () => {
    const err = await failure(newClient().admin.me());
    expect(err).toBeInstanceOf(PlystraAuthError);
    expect(err.code).toBe("AUTHENTICATION_REQUIRED");
  });
});

describe("deny is a value", () => {
  it("the revoked binding yields deny USER_MEMBER_REVOKED without throwing, with its audit row", async () => {
    const admin = await aliceClient();
    const key = await admin.apiKeys.create({
      name: unique("sdk_deny"),
      level: "instance",
      permission_keys: ["authz:check"],
    });
    const service = newClient({ apiKey: key.api_key });
    const d = await service.authz.check({
      actor: { ...DEMO_ALICE_ACTOR, user_member_id: "um_alice_finance_reviewer_revoked" },
      resource_type: "invoice",
      resource_id: "invoice_001",
      action: "approve",
    });
    expect(d).toMatchObject({ allow: false, decision: "deny", deny_code: "USER_MEMBER_REVOKED" });
    expect(d.audit_log_id).toMatch(/^audit_/);
    await admin.apiKeys.revoke(key.id);
  });

  it("Context Mode (API key, inline actor/resource/grants) decides allow and deny", async () => {
    const admin = await aliceClient();
    const key = await admin.apiKeys.create({
      name: unique("sdk_ctx"),
      level: "instance",
      permission_keys: ["authz:check"],
    });
    const service = newClient({ apiKey: key.api_key });
    const input = {
      action: "approve",
      actor: {
        user_id: "user_external_alice",
        member_id: "member_external_finance_reviewer",
        binding_id: "binding_external_alice_finance",
        space_id: "space_acme",
      },
      grants: [
        {
          role_key: "finance_approver",
          resource: "invoice",
          action: "approve",
          scope: "group_tree" as const,
          scope_anchor_group_path: "finance",
        },
      ],
    };
    const allow = await service.authz.check({
      ...input,
      resource: {
        type: "invoice",
        external_id: "inv_ext_1",
        space_id: "space_acme",
        group_path: "finance.apac",
      },
    });
    expect(allow).toMatchObject({ decision: "allow", deny_code: null });
    const deny = await service.authz.check({
      ...input,
      resource: {
        type: "invoice",
        external_id: "inv_ext_2",
        space_id: "space_acme",
        group_path: "legal.emea",
      },
    });
    expect(deny).toMatchObject({ decision: "deny", deny_code: "SCOPE_OUT_OF_BOUNDS" });
    await admin.apiKeys.revoke(key.id);
  });
});
