import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminToken, superAdminToken } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { auditRowsFor } from "../../../test/audit-rows.ts";

let t: TestApp;
let token: string;
const G = "/api/v1/spaces/space_g/groups";

beforeAll(async () => {
  t = await createTestApp();
  token = await superAdminToken(t);
  await t.request("POST", "/api/v1/spaces", { token, body: { id: "space_g", name: "G" } });
  await t.request("POST", "/api/v1/spaces", { token, body: { id: "space_h", name: "H" } });
});
afterAll(() => t.close());

const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((g) => g.id);

describe("groups (CR-4)", () => {
  it("derives path and depth from the parent; parent_id alias accepted", async () => {
    const root = await t.request("POST", G, {
      token,
      body: { id: "g_fin", name: "finance", display_name: "Finance" },
    });
    expect(root.status).toBe(201);
    expect(root.body.data).toMatchObject({
      path: "finance",
      depth: 0,
      parent_group_id: null,
      parent_id: null,
    });
    const apac = await t.request("POST", G, {
      token,
      body: { id: "g_apac", name: "apac", parent_id: "g_fin" },
    });
    expect(apac.status).toBe(201);
    expect(apac.body.data).toMatchObject({
      path: "finance.apac",
      depth: 1,
      parent_group_id: "g_fin",
      parent_id: "g_fin",
    });
    const sg = await t.request("POST", G, {
      token,
      body: { id: "g_sg", name: "sg", parent_group_id: "g_apac", path: "finance.apac.sg" },
    });
    expect(sg.body.data).toMatchObject({ path: "finance.apac.sg", depth: 2 });
    await t.request("POST", G, { token, body: { id: "g_ops", name: "financeops" } });
    await t.request("POST", G, { token, body: { id: "g_emea", name: "emea", parent_group_id: "g_fin" } });
    await t.request("POST", G, { token, body: { id: "g_fin_x", name: "finance-x" } });
  });

  it("rejects a wrong explicit path, a dotted name, an unknown or cross-Space parent", async () => {
    const wrongPath = await t.request("POST", G, {
      token,
      body: { name: "x", parent_id: "g_fin", path: "x" },
    });
    expect(wrongPath.status).toBe(400);
    expect(wrongPath.body.error.details.field).toBe("path");
    const dotted = await t.request("POST", G, { token, body: { name: "a.b" } });
    expect(dotted.status).toBe(400);
    expect(dotted.body.error.message).toMatch(/^name/);
    const unknown = await t.request("POST", G, { token, body: { name: "y", parent_group_id: "g_nope" } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("GROUP_NOT_FOUND");
    await t.request("POST", "/api/v1/spaces/space_h/groups", { token, body: { id: "g_h", name: "h" } });
    const cross = await t.request("POST", G, { token, body: { name: "z", parent_group_id: "g_h" } });
    expect(cross.status).toBe(400);
    expect(cross.body.error.details.field).toBe("parent_group_id");
    const dup = await t.request("POST", G, { token, body: { id: "g_fin", name: "again" } });
    expect(dup.status).toBe(409);
    const dupPath = await t.request("POST", G, { token, body: { name: "apac", parent_id: "g_fin" } });
    expect(dupPath.status).toBe(409);
    const noSpace = await t.request("POST", "/api/v1/spaces/space_nope/groups", {
      token,
      body: { name: "q" },
    });
    expect(noSpace.status).toBe(404);
    expect(noSpace.body.error.code).toBe("SPACE_NOT_FOUND");
  });

  it("a sort_order beyond a 32-bit integer is a 400 naming the field (was a 500)", async () => {
    await t.request("POST", "/api/v1/spaces", { token, body: { id: "space_sort", name: "Sort" } });
    const S = "/api/v1/spaces/space_sort/groups";
    for (const sort_order of [2_147_483_648, -2_147_483_649, 27_184_111_758_998]) {
      const res = await t.request("POST", S, { token, body: { name: "big_sort", sort_order } });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.error)).toContain("sort_order");
    }
    const max = await t.request("POST", S, { token, body: { name: "max_sort", sort_order: 2_147_483_647 } });
    expect(max.status).toBe(201);
  });

  it("patches display fields; a path, name or parent change is a 400 naming the field", async () => {
    const ok = await t.request("PATCH", `${G}/g_apac`, {
      token,
      body: { display_name: "APAC", sort_order: 3 },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ display_name: "APAC", sort_order: 3, path: "finance.apac" });
    for (const [field, value] of [
      ["path", "apac"],
      ["name", "asia"],
      ["parent_group_id", null],
      ["parent_id", "g_ops"],
    ] as const) {
      const res = await t.request("PATCH", `${G}/g_apac`, { token, body: { [field]: value } });
      expect(res.status).toBe(400);
      expect(res.body.error.details.field).toBe(field);
    }
    const same = await t.request("PATCH", `${G}/g_apac`, {
      token,
      body: { path: "finance.apac", name: "apac" },
    });
    expect(same.status).toBe(200);
    const row = await t.deps.db
      .selectFrom("groups")
      .select("path")
      .where("id", "=", "g_apac")
      .executeTakeFirstOrThrow();
    expect(row.path).toBe("finance.apac");
  });

  it("reads in the Space and by id; another Space's route → 404", async () => {
    expect((await t.request("GET", `${G}/g_apac`, { token })).body.data.path).toBe("finance.apac");
    expect((await t.request("GET", "/api/v1/groups/g_apac", { token })).status).toBe(200);
    const wrong = await t.request("GET", "/api/v1/spaces/space_h/groups/g_apac", { token });
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.code).toBe("GROUP_NOT_FOUND");
  });

  it("tree lists depth-first by path, paginated", async () => {
    const all = await t.request("GET", `${G}/tree`, { token });
    expect(all.body.data.map((g: { path: string }) => g.path)).toEqual([
      "finance",
      "finance.apac",
      "finance.apac.sg",
      "finance.emea",
      "finance-x",
      "financeops",
    ]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { path: string }[]; pagination: { cursor: string | null } } } =
        await t.request("GET", `${G}/tree?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token });
      seen.push(...res.body.data.map((g) => g.path));
      cursor = res.body.pagination.cursor;
    } while (cursor);
    expect(seen).toEqual(all.body.data.map((g: { path: string }) => g.path));
  });

  it("a group admin's list and tree show only its subtree; a sibling read is 403", async () => {
    const ga = await adminToken(t, "user_ga", "group_admin", "groups:read", { groupId: "g_apac" });
    const list = await t.request("GET", G, { token: ga });
    expect(list.status).toBe(200);
    expect(ids(list).sort()).toEqual(["g_apac", "g_sg"]);
    const tree = await t.request("GET", `${G}/tree`, { token: ga });
    expect(ids(tree)).toEqual(["g_apac", "g_sg"]);
    expect((await t.request("GET", `${G}/g_sg`, { token: ga })).status).toBe(200);
    expect((await t.request("GET", `${G}/g_emea`, { token: ga })).status).toBe(403);
    expect((await t.request("GET", "/api/v1/spaces/space_h/groups", { token: ga })).status).toBe(403);
    // `finance` covers `finance.apac` and `finance.emea`, never `financeops` or `finance-x`.
    const fin = await adminToken(t, "user_gf", "group_admin", "groups:read", { groupId: "g_fin" });
    expect(ids(await t.request("GET", G, { token: fin })).sort()).toEqual([
      "g_apac",
      "g_emea",
      "g_fin",
      "g_sg",
    ]);
    const sa = await adminToken(t, "user_sa", "space_admin", "groups:read", { spaceId: "space_g" });
    expect(ids(await t.request("GET", G, { token: sa })).length).toBe(6);
  });

  it("disable is idempotent and audited once", async () => {
    const d = await t.request("POST", `${G}/g_emea/disable`, { token });
    expect(d.body.data.status).toBe("disabled");
    await t.request("POST", `${G}/g_emea/disable`, { token, body: {} });
    const actions = (await auditRowsFor(t, "group", "g_emea")).map((a) => a.action);
    expect(actions).toEqual(["group.created", "group.disabled"]);
    const filtered = await t.request("GET", `${G}?status=disabled`, { token });
    expect(ids(filtered)).toEqual(["g_emea"]);
  });
});
