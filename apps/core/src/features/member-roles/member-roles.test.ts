import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superAdminToken } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { auditRowsFor } from "../../../test/audit-rows.ts";

let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await createTestApp();
  token = await superAdminToken(t);
  for (const s of ["space_a", "space_b"]) {
    await t.request("POST", "/api/v1/spaces", { token, body: { id: s, name: s } });
    await t.request("POST", `/api/v1/spaces/${s}/members`, {
      token,
      body: { id: `m_${s}`, display_name: `M ${s}` },
    });
    await t.request("POST", `/api/v1/spaces/${s}/roles`, {
      token,
      body: { id: `r_${s}`, key: "approver", name: "Approver" },
    });
    await t.request("POST", `/api/v1/spaces/${s}/groups`, { token, body: { id: `g_${s}`, name: "finance" } });
  }
});
afterAll(() => t.close());

describe("members and roles (CR-5, CR-7)", () => {
  it("members: read, list, patch, disable; roles: read, list, patch, disable; duplicate role key → 409", async () => {
    expect((await t.request("GET", "/api/v1/members/m_space_a", { token })).body.data.display_name).toBe(
      "M space_a",
    );
    const members = await t.request("GET", "/api/v1/spaces/space_a/members", { token });
    expect(members.body.data.map((m: { id: string }) => m.id)).toEqual(["m_space_a"]);
    const mp = await t.request("PATCH", "/api/v1/spaces/space_a/members/m_space_a", {
      token,
      body: { member_type: "service" },
    });
    expect(mp.body.data.member_type).toBe("service");
    const md = await t.request("POST", "/api/v1/spaces/space_a/members/m_space_a/disable", { token });
    expect(md.body.data.status).toBe("disabled");

    expect((await t.request("GET", "/api/v1/roles/r_space_a", { token })).body.data.key).toBe("approver");
    const rp = await t.request("PATCH", "/api/v1/spaces/space_a/roles/r_space_a", {
      token,
      body: { description: "Approves" },
    });
    expect(rp.body.data.description).toBe("Approves");
    const dupKey = await t.request("POST", "/api/v1/spaces/space_a/roles", {
      token,
      body: { key: "approver", name: "Again" },
    });
    expect(dupKey.status).toBe(409);
    const sameKeyOtherSpace = await t.request("GET", "/api/v1/spaces/space_b/roles", { token });
    expect(sameKeyOtherSpace.body.data[0].key).toBe("approver");
    const rd = await t.request("POST", "/api/v1/spaces/space_a/roles/r_space_a/disable", { token });
    expect(rd.body.data.status).toBe("disabled");
    const wrong = await t.request("GET", "/api/v1/spaces/space_b/roles/r_space_a", { token });
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.code).toBe("ROLE_NOT_FOUND");
  });
});

describe("member roles (CR-9)", () => {
  const MR = "/api/v1/spaces/space_b/member-roles";

  it("create with an anchor → denormalised fields; alias routes serve the same rows", async () => {
    const res = await t.request("POST", "/api/v1/spaces/space_b/member-role-grants", {
      token,
      body: { id: "mr_1", member_id: "m_space_b", role_id: "r_space_b", scope_anchor_group_id: "g_space_b" },
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      id: "mr_1",
      space_id: "space_b",
      member_display_name: "M space_b",
      role_key: "approver",
      role_name: "Approver",
      scope_anchor_group_id: "g_space_b",
      scope_anchor_path: "finance",
      status: "active",
    });
    expect((await t.request("GET", `${MR}/mr_1`, { token })).status).toBe(200);
    const list = await t.request("GET", `${MR}?member_id=m_space_b&role_id=r_space_b`, { token });
    expect(list.body.data.map((g: { id: string }) => g.id)).toEqual(["mr_1"]);
    const alias = await t.request("GET", "/api/v1/spaces/space_b/member-role-grants?status=active", {
      token,
    });
    expect(alias.body.data.map((g: { id: string }) => g.id)).toEqual(["mr_1"]);
  });

  it("cross-Space member, role or anchor → 400 naming the field; unknown → 404; live duplicate → 409", async () => {
    for (const [field, body] of [
      ["member_id", { member_id: "m_space_a", role_id: "r_space_b" }],
      ["role_id", { member_id: "m_space_b", role_id: "r_space_a" }],
      [
        "scope_anchor_group_id",
        { member_id: "m_space_b", role_id: "r_space_b", scope_anchor_group_id: "g_space_a" },
      ],
    ] as const) {
      const res = await t.request("POST", MR, { token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.details.field).toBe(field);
    }
    const unknown = await t.request("POST", MR, {
      token,
      body: { member_id: "m_space_b", role_id: "r_nope" },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("ROLE_NOT_FOUND");
    const dup = await t.request("POST", MR, {
      token,
      body: { member_id: "m_space_b", role_id: "r_space_b", scope_anchor_group_id: "g_space_b" },
    });
    expect(dup.status).toBe(409);
    const dupId = await t.request("POST", MR, {
      token,
      body: { id: "mr_1", member_id: "m_space_b", role_id: "r_space_b" },
    });
    expect(dupId.status).toBe(409);
    expect(await t.deps.db.selectFrom("member_roles").select("id").execute()).toHaveLength(1);
  });

  it("revoke → status revoked; repeat is a no-op; audited once each", async () => {
    const res = await t.request("POST", `${MR}/mr_1/revoke`, { token });
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe("revoked");
    await t.request("POST", `/api/v1/spaces/space_b/member-role-grants/mr_1/revoke`, { token, body: {} });
    const row = await t.deps.db
      .selectFrom("member_roles")
      .select("revoked_at")
      .where("id", "=", "mr_1")
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();
    const audits = await auditRowsFor(t, "member_role", "mr_1");
    expect(audits.map((a) => a.action)).toEqual(["member_role.created", "member_role.revoked"]);
    expect(audits.every((a) => a.space_id === "space_b" && a.actor_user_id === "user_root")).toBe(true);
    const wrongSpace = await t.request("POST", "/api/v1/spaces/space_a/member-roles/mr_1/revoke", { token });
    expect(wrongSpace.status).toBe(404);
  });
});
