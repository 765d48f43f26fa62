import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminToken, insertApiKey, superAdminToken } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { seedDemo } from "../demo/demo.seed.ts";

let t: TestApp;
let root: string;
const S = "/api/v1/spaces/space_acme/resources";
const req = (method: string, path: string, body?: unknown, token = root) =>
  t.request(method, path, { token, body });

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.deps.db);
  root = await superAdminToken(t);
  await t.deps.db.insertInto("spaces").values({ id: "space_other", name: "Other", metadata: "{}" }).execute();
  await t.deps.db
    .insertInto("groups")
    .values({ id: "group_other", space_id: "space_other", name: "x", path: "x", metadata: "{}" })
    .execute();
  await t.deps.db
    .insertInto("members")
    .values({ id: "member_other", space_id: "space_other", display_name: "O", metadata: "{}" })
    .execute();
});
afterAll(async () => {
  await t.close();
});

describe("resources", () => {
  it("RR-3 registers, reads and lists resources with derived names", async () => {
    const res = await req("POST", S, {
      id: "invoice_100",
      resource_type: "invoice",
      group_id: "group_finance_emea",
      owner_member_id: "member_invoice_creator",
      display_name: "INV-100",
      metadata: { number: "INV-100" },
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      id: "invoice_100",
      resource_type: "invoice",
      space_id: "space_acme",
      space_name: "Acme",
      group_id: "group_finance_emea",
      group_path: "finance.emea",
      owner_member_id: "member_invoice_creator",
      owner_member_display_name: "APAC Invoice Creator",
      visibility: "private",
      status: "active",
      metadata: { number: "INV-100" },
      deleted_at: null,
    });
    const flat = await req("POST", "/api/v1/resources", { resource_type: "invoice", space_id: "space_acme" });
    expect(flat.status).toBe(201);
    expect(flat.body.data.id).toMatch(/^res_/);
    expect((await req("GET", "/api/v1/resources/invoice/invoice_100")).body.data.group_path).toBe(
      "finance.emea",
    );
    expect((await req("GET", "/api/v1/resources/contract/invoice_100")).status).toBe(404);
    expect((await req("GET", `${S}/invoice_100`)).status).toBe(200);
    expect((await req("GET", "/api/v1/spaces/space_other/resources/invoice_100")).status).toBe(404);
    const list = await req("GET", "/api/v1/resources?space_id=space_acme&resource_type=invoice&limit=2");
    expect(list.body.data).toHaveLength(2);
    expect(list.body.pagination.has_more).toBe(true);
    const next = await req(
      "GET",
      `/api/v1/resources?space_id=space_acme&resource_type=invoice&limit=200&cursor=${list.body.pagination.cursor}`,
    );
    expect(next.body.data.map((r: any) => r.id)).not.toContain(list.body.data[0].id);
    const audited = await t.deps.db
      .selectFrom("audit_logs")
      .select(["space_id"])
      .where("action", "=", "resource.created")
      .execute();
    expect(audited.length).toBe(2);
    expect(audited[0].space_id).toBe("space_acme");
  });

  it("RR-2 group and owner must be in the resource's Space; bad input names the field", async () => {
    const g = await req("POST", S, { resource_type: "invoice", group_id: "group_other" });
    expect(g.status).toBe(400);
    expect(g.body.error.message).toContain("group_id");
    const o = await req("POST", S, { resource_type: "invoice", owner_member_id: "member_other" });
    expect(o.status).toBe(400);
    expect(o.body.error.message).toContain("owner_member_id");
    const type = await req("POST", S, { resource_type: "spaceship" });
    expect(type.status).toBe(400);
    expect(type.body.error.message).toContain("resource_type");
    const space = await req("POST", S, { resource_type: "invoice", space_id: "space_other" });
    expect(space.status).toBe(400);
    expect(
      (await req("POST", "/api/v1/spaces/space_nope/resources", { resource_type: "invoice" })).status,
    ).toBe(404);
    expect(
      (await req("POST", "/api/v1/resources", { resource_type: "invoice", space_id: "space_nope" })).status,
    ).toBe(400);
    const dup = await req("POST", S, { id: "invoice_001", resource_type: "invoice" });
    expect(dup.status).toBe(409);
    const patch = await req("PATCH", `${S}/invoice_100`, { group_id: "group_other" });
    expect(patch.status).toBe(400);
    const count = await t.deps.db
      .selectFrom("resources")
      .select("id")
      .where("space_id", "=", "space_acme")
      .execute();
    expect(count.length).toBe(4);
  });

  it("patch and archive; archived resources deny with RESOURCE_NOT_FOUND", async () => {
    const p = await req("PATCH", `${S}/invoice_100`, {
      display_name: "INV-100b",
      group_id: "group_finance_apac",
    });
    expect(p.status).toBe(200);
    expect(p.body.data).toMatchObject({ display_name: "INV-100b", group_path: "finance.apac" });
    expect((await req("PATCH", `${S}/invoice_100`, { resource_type: "contract" })).status).toBe(400);
    const key = await insertApiKey(t, { level: "instance", permissionKeys: ["authz:check"] });
    const actor = {
      user_id: "user_alice",
      member_id: "member_finance_reviewer",
      user_member_id: "um_alice_finance_reviewer",
      space_id: "space_acme",
    };
    const check = () =>
      t.request("POST", "/api/v1/authz/check", {
        apiKey: key,
        body: { actor, resource_type: "invoice", resource_id: "invoice_100", action: "approve" },
      });
    expect((await check()).body.data.decision).toBe("allow");
    const a = await req("POST", `${S}/invoice_100/archive`);
    expect(a.status).toBe(200);
    expect(a.body.data.status).toBe("archived");
    expect((await req("POST", `${S}/invoice_100/archive`, {})).status).toBe(200);
    expect((await check()).body.data.deny_code).toBe("RESOURCE_NOT_FOUND");
    expect((await req("GET", `${S}/invoice_100`)).body.data.status).toBe("archived");
    const archived = await t.deps.db
      .selectFrom("audit_logs")
      .select("id")
      .where("action", "=", "resource.archived")
      .execute();
    expect(archived).toHaveLength(1);
  });

  it("group admins see only their subtree; space keys only their Space", async () => {
    const g = await adminToken(t, "user_apac_admin", "group_admin", "resources:read", {
      groupId: "group_finance",
    });
    const inSpace = await req("GET", `${S}?limit=200`, undefined, g);
    expect(inSpace.status).toBe(200);
    expect(inSpace.body.data.map((r: any) => r.group_path).sort()).toEqual(["finance.apac", "finance.apac"]);
    const all = await req("GET", "/api/v1/resources?limit=200", undefined, g);
    expect(all.status).toBe(200);
    expect(all.body.data.every((r: any) => r.group_path?.startsWith("finance"))).toBe(true);
    expect((await req("GET", `${S}/invoice_002`, undefined, g)).status).toBe(403);
    expect((await req("GET", `${S}/invoice_001`, undefined, g)).status).toBe(200);
    const spaceKey = await insertApiKey(t, {
      level: "space",
      spaceId: "space_other",
      permissionKeys: ["resources:read"],
    });
    const other = await t.request("GET", "/api/v1/resources", { apiKey: spaceKey });
    expect(other.status).toBe(200);
    expect(other.body.data).toHaveLength(0);
    expect((await t.request("GET", S, { apiKey: spaceKey })).status).toBe(403);
    expect(
      (await t.request("POST", S, { apiKey: spaceKey, body: { resource_type: "invoice" } })).status,
    ).toBe(403);
  });

  it("a group admin can edit resources in its subtree but not move one out of it (SE-9)", async () => {
    const g = await adminToken(t, "user_fin_manager", "group_admin", "resources:manage", {
      groupId: "group_finance",
    });
    const edit = await req("PATCH", `${S}/invoice_001`, { display_name: "Edited by group admin" }, g);
    expect(edit.status).toBe(200);
    const move = await req("PATCH", `${S}/invoice_001`, { group_id: "group_legal" }, g);
    expect(move.status).toBe(403);
    expect(move.body.error.code).toBe("ADMIN_PERMISSION_REQUIRED");
    const ungroup = await req("PATCH", `${S}/invoice_001`, { group_id: null }, g);
    expect(ungroup.status).toBe(403);
    const row = await t.deps.db
      .selectFrom("resources")
      .select("group_id")
      .where("id", "=", "invoice_001")
      .executeTakeFirstOrThrow();
    expect(row.group_id).toBe("group_finance_apac");
    // Within its subtree the move is fine.
    expect((await req("PATCH", `${S}/invoice_001`, { group_id: "group_finance" }, g)).status).toBe(200);
  });
});
