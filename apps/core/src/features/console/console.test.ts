import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminToken, superAdminToken } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp();
  token = await superAdminToken(t);
});
afterAll(() => t.close());

describe("console overview", () => {
  it("counts every entity and lists the 10 newest audit rows without traces", async () => {
    for (let i = 0; i < 12; i++) {
      await t.request("POST", "/api/v1/spaces", { token, body: { id: `space_${i}`, name: `S${i}` } });
    }
    await t.request("POST", "/api/v1/spaces/space_0/members", {
      token,
      body: { id: "m_0", display_name: "M" },
    });
    const res = await t.request("GET", "/api/v1/console/overview", { token });
    expect(res.status).toBe(200);
    expect(res.body.data.counts).toEqual({
      users: 1,
      spaces: 12,
      groups: 0,
      members: 1,
      user_members: 0,
      roles: 0,
      permissions: 0,
      member_roles: 0,
      resources: 0,
      audit_logs: 13,
      admin_grants: 1,
      api_keys: 0,
    });
    const recent = res.body.data.recent_audit_logs;
    expect(recent).toHaveLength(10);
    expect(recent[0]).toMatchObject({
      action: "member.created",
      resource_id: "m_0",
      actor_user_id: "user_root",
    });
    expect(recent[1].resource_id).toBe("space_11");
    expect(recent.every((r: Record<string, unknown>) => !("trace" in r))).toBe(true);
  });

  it("needs instance-level instance:read", async () => {
    const sa = await adminToken(t, "user_sa", "space_admin", "instance:read", { spaceId: "space_0" });
    const res = await t.request("GET", "/api/v1/console/overview", { token: sa });
    expect(res.status).toBe(403);
    expect(res.body.error.details).toEqual({ permission: "instance:read" });
    expect((await t.request("GET", "/api/v1/console/overview")).status).toBe(401);
  });
});
