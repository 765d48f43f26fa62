import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminToken, superAdminToken } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { auditRowsFor } from "../../../test/audit-rows.ts";

let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await createTestApp();
  token = await superAdminToken(t);
  for (const s of ["space_p", "space_q"]) {
    await t.request("POST", "/api/v1/spaces", { token, body: { id: s, name: s } });
    await t.request("POST", `/api/v1/spaces/${s}/roles`, {
      token,
      body: { id: `role_${s}`, key: "approver", name: "A" },
    });
  }
});
afterAll(() => t.close());

describe("permissions (CR-8)", () => {
  it("create, read, list with filters, patch, disable; audit_space_id files the audit row", async () => {
    const res = await t.request("POST", "/api/v1/permissions", {
      token,
      body: {
        id: "perm_inv_approve_tree",
        resource: "invoice",
        action: "approve",
        scope: "group_tree",
        audit_space_id: "space_p",
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      resource: "invoice",
      action: "approve",
      scope: "group_tree",
      status: "active",
    });
    await t.request("POST", "/api/v1/permissions", {
      token,
      body: { id: "perm_inv_read", resource: "invoice", action: "read", scope: "space" },
    });
    expect((await t.request("GET", "/api/v1/permissions/perm_inv_read", { token })).status).toBe(200);
    const filtered = await t.request(
      "GET",
      "/api/v1/permissions?resource=invoice&action=approve&scope=group_tree",
      { token },
    );
    expect(filtered.body.data.map((p: { id: string }) => p.id)).toEqual(["perm_inv_approve_tree"]);
    const patch = await t.request("PATCH", "/api/v1/permissions/perm_inv_read", {
      token,
      body: { description: "Read invoices" },
    });
    expect(patch.body.data.description).toBe("Read invoices");
    const disable = await t.request("POST", "/api/v1/permissions/perm_inv_read/disable", { token });
    expect(disable.body.data.status).toBe("disabled");
    const audits = await auditRowsFor(t, "permission", "perm_inv_approve_tree");
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      action: "permission.created",
      space_id: "space_p",
      actor_user_id: "user_root",
    });
    expect((await auditRowsFor(t, "permission", "perm_inv_read")).map((a) => a.action)).toEqual([
      "permission.created",
      "permission.updated",
      "permission.disabled",
    ]);
  });

  it("duplicate resource/action/scope → 409; bad scope → 400; global is forced disabled", async () => {
    const dup = await t.request("POST", "/api/v1/permissions", {
      token,
      body: { resource: "invoice", action: "approve", scope: "group_tree" },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("CONFLICT");
    const bad = await t.request("POST", "/api/v1/permissions", {
      token,
      body: { resource: "invoice", action: "x", scope: "planet" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^scope/);
    const global = await t.request("POST", "/api/v1/permissions", {
      token,
      body: { id: "perm_global", resource: "invoice", action: "approve", scope: "global", status: "active" },
    });
    expect(global.status).toBe(201);
    expect(global.body.data.status).toBe("disabled");
    const activate = await t.request("PATCH", "/api/v1/permissions/perm_global", {
      token,
      body: { status: "active" },
    });
    expect(activate.status).toBe(200);
    expect(activate.body.data.status).toBe("disabled");
    const unknownSpace = await t.request("POST", "/api/v1/permissions", {
      token,
      body: { resource: "a", action: "b", scope: "self", audit_space_id: "space_nope" },
    });
    expect(unknownSpace.status).toBe(400);
    expect(unknownSpace.body.error.details.field).toBe("audit_space_id");
  });
});

describe("role permissions (CR-10)", () => {
  it("create (global and nested) with denormalised fields; space_id comes from the role", async () => {
    const res = await t.request("POST", "/api/v1/role-permissions", {
      token,
      body: { id: "rp_1", role_id: "role_space_p", permission_id: "perm_inv_approve_tree" },
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      id: "rp_1",
      role_id: "role_space_p",
      role_key: "approver",
      space_id: "space_p",
      permission_id: "perm_inv_approve_tree",
      resource: "invoice",
      action: "approve",
      scope: "group_tree",
      deleted_at: null,
    });
    const nested = await t.request("POST", "/api/v1/spaces/space_q/role-permissions", {
      token,
      body: { id: "rp_2", role_id: "role_space_q", permission_id: "perm_inv_approve_tree" },
    });
    expect(nested.status).toBe(201);
    expect(nested.body.data.space_id).toBe("space_q");
    const cross = await t.request("POST", "/api/v1/spaces/space_q/role-permissions", {
      token,
      body: { role_id: "role_space_p", permission_id: "perm_inv_read" },
    });
    expect(cross.status).toBe(400);
    expect(cross.body.error.details.field).toBe("role_id");
    const noPerm = await t.request("POST", "/api/v1/role-permissions", {
      token,
      body: { role_id: "role_space_p", permission_id: "perm_x" },
    });
    expect(noPerm.status).toBe(404);
    expect(noPerm.body.error.code).toBe("PERMISSION_NOT_FOUND");
    const noRole = await t.request("POST", "/api/v1/role-permissions", {
      token,
      body: { role_id: "role_x", permission_id: "perm_inv_read" },
    });
    expect(noRole.status).toBe(404);
    expect(noRole.body.error.code).toBe("ROLE_NOT_FOUND");
    const dup = await t.request("POST", "/api/v1/role-permissions", {
      token,
      body: { role_id: "role_space_p", permission_id: "perm_inv_approve_tree" },
    });
    expect(dup.status).toBe(409);
  });

  it("lists filter by role, permission and Space; nested list stays in its Space", async () => {
    const byPerm = await t.request("GET", "/api/v1/role-permissions?permission_id=perm_inv_approve_tree", {
      token,
    });
    expect(byPerm.body.data.map((r: { id: string }) => r.id)).toEqual(["rp_1", "rp_2"]);
    const bySpace = await t.request("GET", "/api/v1/role-permissions?space_id=space_q", { token });
    expect(bySpace.body.data.map((r: { id: string }) => r.id)).toEqual(["rp_2"]);
    const nested = await t.request("GET", "/api/v1/spaces/space_p/role-permissions?role_id=role_space_p", {
      token,
    });
    expect(nested.body.data.map((r: { id: string }) => r.id)).toEqual(["rp_1"]);
    const sa = await adminToken(t, "user_sa", "space_admin", "roles:read", { spaceId: "space_q" });
    expect((await t.request("GET", "/api/v1/spaces/space_q/role-permissions", { token: sa })).status).toBe(
      200,
    );
    expect((await t.request("GET", "/api/v1/spaces/space_p/role-permissions", { token: sa })).status).toBe(
      403,
    );
  });

  it("DELETE soft-deletes (deleted_at set, gone from lists, still readable); repeat is a no-op; audited", async () => {
    const del = await t.request("DELETE", "/api/v1/role-permissions/rp_1", { token });
    expect(del.status).toBe(200);
    expect(del.body.data.deleted_at).toEqual(expect.any(String));
    const again = await t.request("DELETE", "/api/v1/role-permissions/rp_1", { token });
    expect(again.status).toBe(200);
    expect(again.body.data.deleted_at).toBe(del.body.data.deleted_at);
    expect(
      (await t.request("GET", "/api/v1/role-permissions/rp_1", { token })).body.data.deleted_at,
    ).not.toBeNull();
    const list = await t.request("GET", "/api/v1/role-permissions", { token });
    expect(list.body.data.map((r: { id: string }) => r.id)).toEqual(["rp_2"]);
    const audits = await auditRowsFor(t, "role_permission", "rp_1");
    expect(audits.map((a) => a.action)).toEqual(["role_permission.created", "role_permission.deleted"]);
    expect(audits[1].space_id).toBe("space_p");
    const recreate = await t.request("POST", "/api/v1/role-permissions", {
      token,
      body: { role_id: "role_space_p", permission_id: "perm_inv_approve_tree" },
    });
    expect(recreate.status).toBe(201);
    const nestedDelete = await t.request("DELETE", "/api/v1/spaces/space_p/role-permissions/rp_2", { token });
    expect(nestedDelete.status).toBe(404);
  });
});
