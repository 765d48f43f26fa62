import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertApiKey, superAdminToken } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { seedDemo } from "../demo/demo.seed.ts";

let t: TestApp;
let root: string;
const req = (method: string, path: string, body?: unknown) => t.request(method, path, { token: root, body });
const auditRows = (action: string) =>
  t.deps.db.selectFrom("audit_logs").selectAll().where("action", "=", action).execute();

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.deps.db);
  root = await superAdminToken(t);
});
afterAll(async () => {
  await t.close();
});

describe("resource registry", () => {
  it("upserts a type by key (201 both times) and audits it", async () => {
    const a = await req("POST", "/api/v1/resource-types", {
      key: "expense_report",
      display_name: "Expense report",
    });
    expect(a.status).toBe(201);
    expect(a.body.data).toMatchObject({
      key: "expense_report",
      display_name: "Expense report",
      status: "active",
      source: "core",
    });
    const b = await req("POST", "/api/v1/resource-types", { key: "expense_report", description: "Claims" });
    expect(b.status).toBe(201);
    expect(b.body.data).toMatchObject({
      id: a.body.data.id,
      display_name: "Expense report",
      description: "Claims",
    });
    expect((await auditRows("resource_type.created")).length).toBe(1);
    expect((await auditRows("resource_type.updated")).length).toBe(1);
    const conflict = await req("POST", "/api/v1/resource-types", { key: "expense_report", id: "rt_other" });
    expect(conflict.status).toBe(409);
    expect((await req("GET", "/api/v1/resource-types/expense_report")).body.data.id).toBe(a.body.data.id);
    expect((await req("GET", "/api/v1/resource-types/nope")).status).toBe(404);
    const list = await req("GET", "/api/v1/resource-types?limit=1");
    expect(list.body.data).toHaveLength(1);
    expect(list.body.pagination.has_more).toBe(true);
  });

  it("validates bodies and names the field", async () => {
    const bad = await req("POST", "/api/v1/resource-types", { key: "Bad Key" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("key");
    const extra = await req("POST", "/api/v1/resource-types", { key: "x", colour: "red" });
    expect(extra.status).toBe(400);
    const risk = await req("POST", "/api/v1/resource-types/expense_report/actions", {
      key: "approve",
      risk_level: "extreme",
    });
    expect(risk.status).toBe(400);
    expect(risk.body.error.message).toContain("risk_level");
    const ext = await req("POST", "/api/v1/resource-types/expense_report/mapping", {
      storage_kind: "external_table",
    });
    expect(ext.status).toBe(400);
    expect(ext.body.error.message).toContain("storage_kind");
    const table = await req("POST", "/api/v1/resource-types/expense_report/mapping", { table_name: "users" });
    expect(table.status).toBe(400);
    expect(table.body.error.message).toContain("table_name");
  });

  it("upserts actions and mapping (POST/PATCH/PUT)", async () => {
    const act = await req("POST", "/api/v1/resource-types/expense_report/actions", {
      key: "approve",
      risk_level: "high",
    });
    expect(act.status).toBe(201);
    expect(act.body.data).toMatchObject({
      resource_type: "expense_report",
      key: "approve",
      risk_level: "high",
      audit_default: true,
    });
    const again = await req("POST", "/api/v1/resource-types/expense_report/actions", {
      key: "approve",
      display_name: "Approve",
    });
    expect(again.body.data).toMatchObject({
      id: act.body.data.id,
      risk_level: "high",
      display_name: "Approve",
    });
    expect((await req("GET", "/api/v1/resource-types/expense_report/actions")).body.data).toHaveLength(1);
    expect((await req("POST", "/api/v1/resource-types/nope/actions", { key: "x" })).status).toBe(404);

    expect((await req("GET", "/api/v1/resource-types/expense_report/mapping")).status).toBe(404);
    expect(
      (await req("PATCH", "/api/v1/resource-types/expense_report/mapping", { status: "active" })).status,
    ).toBe(404);
    const m = await req("POST", "/api/v1/resource-types/expense_report/mapping", {});
    expect(m.status).toBe(201);
    expect(m.body.data).toMatchObject({
      storage_kind: "internal_table",
      table_name: "resources",
      id_field: "id",
      group_field: "group_id",
    });
    const patched = await req("PATCH", "/api/v1/resource-types/expense_report/mapping", {
      visibility_field: null,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({
      id: m.body.data.id,
      visibility_field: null,
      group_field: "group_id",
    });
    const put = await req("PUT", "/api/v1/resource-types/expense_report/mapping", { status: "active" });
    expect(put.status).toBe(200);
    expect(put.body.data.visibility_field).toBe("visibility");
    expect((await auditRows("resource_mapping.updated")).length).toBe(2);
  });

  it("treats table_name null as the default table on every mapping write (was a 500)", async () => {
    await req("POST", "/api/v1/resource-types", { key: "null_table" });
    for (const method of ["POST", "PUT", "PATCH"]) {
      const res = await req(method, "/api/v1/resource-types/null_table/mapping", { table_name: null });
      expect(res.status, method).toBeLessThan(300);
      expect(res.body.data.table_name).toBe("resources");
    }
  });

  it("registry writes need registry:manage", async () => {
    const readOnly = await insertApiKey(t, { level: "instance", permissionKeys: ["registry:read"] });
    expect((await t.request("GET", "/api/v1/resource-types", { apiKey: readOnly })).status).toBe(200);
    const w = await t.request("POST", "/api/v1/resource-types", { apiKey: readOnly, body: { key: "x" } });
    expect(w.status).toBe(403);
  });

  it("RR-1 a new type enters the check chain without custom code; RR-4 traces keep the registry snapshot", async () => {
    await req("POST", "/api/v1/resource-types", { key: "contract", display_name: "Contract" });
    await req("POST", "/api/v1/resource-types/contract/actions", { key: "sign", risk_level: "critical" });
    await req("POST", "/api/v1/resource-types/contract/mapping", {});
    const res = await req("POST", "/api/v1/spaces/space_acme/resources", {
      id: "contract_001",
      resource_type: "contract",
      group_id: "group_legal_emea",
      owner_member_id: "member_invoice_creator",
      metadata: { counterparty: "Globex" },
    });
    expect(res.status).toBe(201);
    const db = t.deps.db;
    await db
      .insertInto("permissions")
      .values({
        id: "perm_contract_sign_tree",
        resource: "contract",
        action: "sign",
        scope: "group_tree",
        metadata: "{}",
      })
      .execute();
    await db
      .insertInto("roles")
      .values({
        id: "role_legal_signer",
        space_id: "space_acme",
        key: "legal_signer",
        name: "Legal signer",
        metadata: "{}",
      })
      .execute();
    await db
      .insertInto("role_permissions")
      .values({
        id: "rp_legal_signer",
        role_id: "role_legal_signer",
        permission_id: "perm_contract_sign_tree",
        space_id: "space_acme",
        metadata: "{}",
      })
      .execute();
    await db
      .insertInto("member_roles")
      .values({
        id: "mr_reviewer_signer",
        member_id: "member_finance_reviewer",
        role_id: "role_legal_signer",
        space_id: "space_acme",
        scope_anchor_group_id: "group_legal",
        metadata: "{}",
      })
      .execute();
    const actor = {
      user_id: "user_alice",
      member_id: "member_finance_reviewer",
      user_member_id: "um_alice_finance_reviewer",
      space_id: "space_acme",
    };
    const body = { actor, resource_type: "contract", resource_id: "contract_001", action: "sign" };
    // A session can only check as itself, so the backend's API key asks on Alice's behalf.
    const key = await insertApiKey(t, { level: "instance", permissionKeys: ["authz:check"] });
    const check = await t.request("POST", "/api/v1/authz/check", { apiKey: key, body });
    expect(check.body.data).toMatchObject({ decision: "allow" });
    const explain = await t.request("POST", "/api/v1/authz/explain", { apiKey: key, body });
    expect(explain.body.data.resource_registry.action).toMatchObject({ key: "sign", risk_level: "critical" });
    await req("POST", "/api/v1/resource-types/contract/actions", {
      key: "sign",
      risk_level: "low",
      display_name: "Sign!",
    });
    const stored = await req("GET", `/api/v1/audit/logs/${explain.body.data.audit.audit_log_id}`);
    expect(stored.body.data.trace.resource_registry.action).toMatchObject({
      risk_level: "critical",
      display_name: "sign",
    });
  });
});
