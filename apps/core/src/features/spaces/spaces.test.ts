import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { adminToken, superAdminToken } from "../../../test/fixtures.ts";
import { auditRowsFor } from "../../../test/audit-rows.ts";
import { apiKeyPrincipal } from "../../../test/principals.ts";
import { cliCaller } from "../../security/caller.ts";
import { createSpace, setSpaceStatus } from "./spaces.service.ts";

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp();
  token = await superAdminToken(t);
});
afterAll(() => t.close());

describe("spaces (CR-3)", () => {
  it("create → read → list → patch → disable → restore, each audited", async () => {
    const create = await t.request("POST", "/api/v1/spaces", {
      token,
      body: { id: "space_acme", name: "Acme", slug: "acme", metadata: { tier: "gold" } },
    });
    expect(create.status).toBe(201);
    expect(create.body.data).toMatchObject({
      id: "space_acme",
      name: "Acme",
      slug: "acme",
      type: "customer",
      status: "active",
      metadata: { tier: "gold" },
      deleted_at: null,
    });

    const read = await t.request("GET", "/api/v1/spaces/space_acme", { token });
    expect(read.status).toBe(200);
    expect(read.body.data.name).toBe("Acme");

    const list = await t.request("GET", "/api/v1/spaces?status=active", { token });
    expect(list.body.data.map((s: { id: string }) => s.id)).toContain("space_acme");
    expect(list.body.pagination).toEqual({ limit: 50, cursor: null, has_more: false });

    const patch = await t.request("PATCH", "/api/v1/spaces/space_acme", {
      token,
      body: { name: "Acme Corp" },
    });
    expect(patch.status).toBe(200);
    expect(patch.body.data.name).toBe("Acme Corp");

    const disable = await t.request("POST", "/api/v1/spaces/space_acme/disable", { token });
    expect(disable.status).toBe(200);
    expect(disable.body.data.status).toBe("disabled");
    const again = await t.request("POST", "/api/v1/spaces/space_acme/disable", { token, body: {} });
    expect(again.status).toBe(200);
    expect(again.body.data.status).toBe("disabled");

    const restore = await t.request("POST", "/api/v1/spaces/space_acme/restore", { token });
    expect(restore.body.data.status).toBe("active");

    const audits = await auditRowsFor(t, "space", "space_acme");
    expect(audits.map((a) => a.action)).toEqual([
      "space.created",
      "space.updated",
      "space.disabled",
      "space.restored",
    ]);
    expect(audits.every((a) => a.actor_user_id === "user_root" && a.space_id === "space_acme")).toBe(true);
    const updated = audits[1].trace as { changes: { before: unknown; after: unknown } };
    expect(updated.changes).toEqual({ before: { name: "Acme" }, after: { name: "Acme Corp" } });
  });

  it("duplicate id or slug → 409 CONFLICT; unknown → 404 SPACE_NOT_FOUND; bad input → 400 naming the field", async () => {
    const dup = await t.request("POST", "/api/v1/spaces", {
      token,
      body: { id: "space_acme", name: "Again" },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("CONFLICT");
    const dupSlug = await t.request("POST", "/api/v1/spaces", {
      token,
      body: { name: "Other", slug: "acme" },
    });
    expect(dupSlug.status).toBe(409);

    const missing = await t.request("GET", "/api/v1/spaces/space_nope", { token });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("SPACE_NOT_FOUND");

    const bad = await t.request("POST", "/api/v1/spaces", { token, body: { name: "", colour: "red" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    expect(bad.body.error.message).toMatch(/name|colour/);

    const badStatus = await t.request("PATCH", "/api/v1/spaces/space_acme", {
      token,
      body: { status: "gone" },
    });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.message).toMatch(/^status/);
  });

  it("a generated id has the space_ prefix", async () => {
    const res = await t.request("POST", "/api/v1/spaces", { token, body: { name: "Generated" } });
    expect(res.status).toBe(201);
    expect(res.body.data.id).toMatch(/^space_[0-9a-z]{26}$/);
  });

  it("a space admin reads its own Space but not another, and cannot list all Spaces", async () => {
    await t.request("POST", "/api/v1/spaces", { token, body: { id: "space_other", name: "Other" } });
    const admin = await adminToken(t, "user_sa", "space_admin", "spaces:read", { spaceId: "space_acme" });
    expect((await t.request("GET", "/api/v1/spaces/space_acme", { token: admin })).status).toBe(200);
    const other = await t.request("GET", "/api/v1/spaces/space_other", { token: admin });
    expect(other.status).toBe(403);
    expect(other.body.error.details).toEqual({ permission: "spaces:read" });
    expect((await t.request("GET", "/api/v1/spaces", { token: admin })).status).toBe(403);
  });

  it("the service runs without an HTTP request: the explicit Caller is what the audit row attributes", async () => {
    const caller = {
      principal: apiKeyPrincipal({ apiKeyId: "ak_direct", createdByUserId: "user_root" }),
      requestId: "req_direct_call",
      ip: "2001:db8::7",
      userAgent: "service-test",
    };
    const space = await createSpace(t.deps, caller, { id: "space_direct", name: "Direct" });
    expect(space).toMatchObject({ id: "space_direct", status: "active" });
    await setSpaceStatus(t.deps, cliCaller(), "space_direct", "disabled");
    const rows = await t.deps.db
      .selectFrom("audit_logs")
      .select([
        "action",
        "actor_user_id",
        "actor_api_key_id",
        "request_id",
        "ip_address",
        "user_agent",
        "trace",
      ])
      .where("resource_id", "=", "space_direct")
      .orderBy("seq")
      .execute();
    expect(rows.map((r) => r.action)).toEqual(["space.created", "space.disabled"]);
    expect(rows[0]).toMatchObject({
      actor_user_id: "user_root",
      actor_api_key_id: "ak_direct",
      request_id: "req_direct_call",
      ip_address: "2001:db8::7",
      user_agent: "service-test",
    });
    expect((rows[0].trace as { actor: { credential_type: string } }).actor.credential_type).toBe("api_key");
    expect(rows[1]).toMatchObject({
      actor_user_id: null,
      actor_api_key_id: null,
      request_id: null,
      user_agent: "plystractl",
    });
    expect((rows[1].trace as { actor: { credential_type: string } }).actor.credential_type).toBe("cli");
  });
});
