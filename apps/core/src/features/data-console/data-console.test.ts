import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminToken, insertSession } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { DEMO, seedDemo } from "../demo/demo.seed.ts";

let t: TestApp;
let off: TestApp;
let alice: string;
const ROWS = "/api/v1/data/rows/invoice";

beforeAll(async () => {
  t = await createTestApp({ env: { DATA_CONSOLE_ENABLED: "true" } });
  await seedDemo(t.deps.db);
  alice = await insertSession(t, DEMO.users.alice);
  for (const action of ["create", "delete"]) {
    const perm = await t.request("POST", "/api/v1/permissions", {
      token: alice,
      body: { id: `perm_invoice_${action}`, resource: "invoice", action, scope: "group_tree" },
    });
    expect(perm.status).toBe(201);
    const rp = await t.request("POST", "/api/v1/role-permissions", {
      token: alice,
      body: { role_id: DEMO.role, permission_id: `perm_invoice_${action}` },
    });
    expect(rp.status).toBe(201);
  }
  off = await createTestApp({ database: t.db });
});
afterAll(async () => {
  await off.close();
  await t.close();
});

describe("data console (preview)", () => {
  it("disabled → 404 FEATURE_DISABLED, but only after authentication", async () => {
    expect((await off.request("GET", "/api/v1/data/tables")).status).toBe(401);
    const res = await off.request("GET", "/api/v1/data/tables", { token: alice });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("FEATURE_DISABLED");
  });

  it("tables are the resource mappings; rows are resources of the type", async () => {
    const tables = await t.request("GET", "/api/v1/data/tables", { token: alice });
    expect(tables.status).toBe(200);
    expect(tables.body.data).toEqual([
      expect.objectContaining({
        resource_type: "invoice",
        storage_kind: "internal_table",
        table_name: "resources",
      }),
    ]);
    const rows = await t.request("GET", `${ROWS}?space_id=${DEMO.space}`, { token: alice });
    expect(rows.body.data.map((r: { id: string }) => r.id).sort()).toEqual([
      DEMO.invoices.apac,
      DEMO.invoices.emea,
    ]);
    const one = await t.request("GET", `${ROWS}/${DEMO.invoices.apac}`, { token: alice });
    expect(one.body.data.group_path).toBe("finance.apac");
    expect((await t.request("GET", "/api/v1/data/rows/nope", { token: alice })).status).toBe(404);
  });

  it("create inside the actor's subtree → 201 {row, authorization}; outside → 403 with deny ids, no row", async () => {
    const res = await t.request("POST", ROWS, {
      token: alice,
      body: {
        id: "invoice_dc_1",
        space_id: DEMO.space,
        group_id: DEMO.groups.financeApac,
        display_name: "DC 1",
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.data.row).toMatchObject({
      id: "invoice_dc_1",
      resource_type: "invoice",
      group_path: "finance.apac",
    });
    expect(res.body.data.authorization).toMatchObject({
      allow: true,
      decision: "allow",
      audit_log_id: expect.any(String),
    });

    const denied = await t.request("POST", ROWS, {
      token: alice,
      body: { id: "invoice_dc_2", space_id: DEMO.space, group_id: DEMO.groups.legal },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({
      code: "AUTHORIZATION_DENIED",
      deny_code: expect.any(String),
      trace_id: expect.stringMatching(/^trace_/),
      audit_log_id: expect.stringMatching(/^audit_/),
    });
    // Like /authz/check, a deny names its trace and audit row in headers too.
    expect(denied.headers.get("x-plystra-trace-id")).toBe(denied.body.error.trace_id);
    expect(denied.headers.get("x-plystra-audit-log-id")).toBe(denied.body.error.audit_log_id);
    const gone = await t.deps.db
      .selectFrom("resources")
      .select("id")
      .where("id", "=", "invoice_dc_2")
      .executeTakeFirst();
    expect(gone).toBeUndefined();
  });

  it("update runs the `update` check (not registered for invoice → denied); delete soft-deletes", async () => {
    const upd = await t.request("PATCH", `${ROWS}/invoice_dc_1`, {
      token: alice,
      body: { display_name: "Renamed" },
    });
    expect(upd.status).toBe(403);
    expect(upd.body.error.deny_code).toBe("INVALID_RESOURCE_ACTION");
    const del = await t.request("DELETE", `${ROWS}/invoice_dc_1`, { token: alice });
    expect(del.status).toBe(200);
    expect(del.body.data.row.status).toBe("deleted");
    expect(del.body.data.authorization.decision).toBe("allow");
    const audit = await t.deps.db
      .selectFrom("audit_logs")
      .select(["action", "actor_user_id"])
      .where("resource_id", "=", "invoice_dc_1")
      .where("action", "=", "resource.deleted")
      .execute();
    expect(audit).toEqual([{ action: "resource.deleted", actor_user_id: DEMO.users.alice }]);
  });

  it("needs data:manage for writes", async () => {
    const reader = await adminToken(t, "user_reader", "instance_admin", "data:read");
    const res = await t.request("DELETE", `${ROWS}/${DEMO.invoices.apac}`, { token: reader });
    expect(res.status).toBe(403);
    expect(res.body.error.details).toEqual({ permission: "data:manage" });
  });

  it("update checks the row where it would end up too: moving it out of the actor's subtree is denied", async () => {
    const action = await t.request("POST", "/api/v1/resource-types/invoice/actions", {
      token: alice,
      body: { key: "update", display_name: "Update" },
    });
    expect(action.status).toBe(201);
    await t.request("POST", "/api/v1/permissions", {
      token: alice,
      body: { id: "perm_invoice_update", resource: "invoice", action: "update", scope: "group_tree" },
    });
    await t.request("POST", "/api/v1/role-permissions", {
      token: alice,
      body: { role_id: DEMO.role, permission_id: "perm_invoice_update" },
    });
    const rename = await t.request("PATCH", `${ROWS}/${DEMO.invoices.apac}`, {
      token: alice,
      body: { display_name: "Renamed in place" },
    });
    expect(rename.status).toBe(200);
    const move = await t.request("PATCH", `${ROWS}/${DEMO.invoices.apac}`, {
      token: alice,
      body: { group_id: DEMO.groups.legal },
    });
    expect(move.status).toBe(403);
    expect(move.body.error.code).toBe("AUTHORIZATION_DENIED");
    const row = await t.deps.db
      .selectFrom("resources")
      .select("group_id")
      .where("id", "=", DEMO.invoices.apac)
      .executeTakeFirstOrThrow();
    expect(row.group_id).toBe(DEMO.groups.financeApac);
  });
});
