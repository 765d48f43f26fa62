import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertApiKey, superAdminToken } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { auditRowsFor } from "../../../test/audit-rows.ts";
import { DEMO, seedDemo } from "../demo/demo.seed.ts";

let t: TestApp;
let token: string;
let key: string;
const UM = `/api/v1/spaces/${DEMO.space}/user-members`;

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.deps.db);
  token = await superAdminToken(t);
  key = await insertApiKey(t, { level: "instance", permissionKeys: ["authz:check"] });
  await t.request("POST", "/api/v1/spaces", { token, body: { id: "space_other", name: "Other" } });
  await t.request("POST", "/api/v1/spaces/space_other/members", {
    token,
    body: { id: "member_other", display_name: "O" },
  });
  await t.request("POST", "/api/v1/users", { token, body: { id: "user_dave", email: "dave@x.test" } });
});
afterAll(() => t.close());

const approve = (actor: Record<string, string>) =>
  t.request("POST", "/api/v1/authz/check", {
    apiKey: key,
    body: { actor, resource_type: "invoice", resource_id: DEMO.invoices.apac, action: "approve" },
  });

describe("user members (CR-6)", () => {
  it("create → read (with email and member_display_name) → list filters → patch", async () => {
    const res = await t.request("POST", UM, {
      token,
      body: {
        id: "um_dave",
        user_id: "user_dave",
        member_id: DEMO.members.reviewer,
        relation_type: "delegate",
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      id: "um_dave",
      user_id: "user_dave",
      member_id: DEMO.members.reviewer,
      space_id: DEMO.space,
      email: "dave@x.test",
      member_display_name: expect.any(String),
      relation_type: "delegate",
      is_primary: false,
      status: "active",
      revoked_at: null,
    });
    expect((await t.request("GET", `/api/v1/user-members/um_dave`, { token })).status).toBe(200);
    const byUser = await t.request("GET", `${UM}?user_id=user_dave`, { token });
    expect(byUser.body.data.map((b: { id: string }) => b.id)).toEqual(["um_dave"]);
    const byMember = await t.request("GET", `${UM}?member_id=${DEMO.members.reviewer}&status=active`, {
      token,
    });
    expect(byMember.body.data.length).toBeGreaterThanOrEqual(3);
    const patch = await t.request("PATCH", `${UM}/um_dave`, { token, body: { is_primary: true } });
    expect(patch.body.data.is_primary).toBe(true);
    const move = await t.request("PATCH", `${UM}/um_dave`, {
      token,
      body: { member_id: DEMO.members.creator },
    });
    expect(move.status).toBe(400);
    expect(move.body.error.details.field).toBe("member_id");
  });

  it("a second live binding of the same user and member → 409; cross-Space member → 400; unknown → 404", async () => {
    const dup = await t.request("POST", UM, {
      token,
      body: { user_id: "user_dave", member_id: DEMO.members.reviewer },
    });
    expect(dup.status).toBe(409);
    const cross = await t.request("POST", UM, {
      token,
      body: { user_id: "user_dave", member_id: "member_other" },
    });
    expect(cross.status).toBe(400);
    expect(cross.body.error.details.field).toBe("member_id");
    const noMember = await t.request("POST", UM, {
      token,
      body: { user_id: "user_dave", member_id: "member_nope" },
    });
    expect(noMember.status).toBe(404);
    expect(noMember.body.error.code).toBe("MEMBER_NOT_FOUND");
    const noUser = await t.request("POST", UM, {
      token,
      body: { user_id: "user_nope", member_id: DEMO.members.reviewer },
    });
    expect(noUser.status).toBe(404);
    expect(noUser.body.error.code).toBe("USER_NOT_FOUND");
    const wrongRoute = await t.request("GET", "/api/v1/spaces/space_other/user-members/um_dave", { token });
    expect(wrongRoute.status).toBe(404);
    expect(wrongRoute.body.error.code).toBe("USER_MEMBER_NOT_FOUND");
  });

  it("revoke sets status, revoked_at and revoked_reason, and the binding then denies authz", async () => {
    const bob = {
      user_id: DEMO.users.bob,
      member_id: DEMO.members.reviewer,
      user_member_id: DEMO.bindings.bob,
      space_id: DEMO.space,
    };
    expect((await approve(bob)).body.data.decision).toBe("allow");
    const res = await t.request("POST", `${UM}/${DEMO.bindings.bob}/revoke`, {
      token,
      body: { revoked_reason: "left team" },
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      status: "revoked",
      revoked_reason: "left team",
      revoked_at: expect.any(String),
    });
    const denied = await approve(bob);
    expect(denied.body.data).toMatchObject({ decision: "deny", deny_code: "USER_MEMBER_REVOKED" });
    const again = await t.request("POST", `${UM}/${DEMO.bindings.bob}/revoke`, { token });
    expect(again.status).toBe(200);
    const reactivate = await t.request("PATCH", `${UM}/${DEMO.bindings.bob}`, {
      token,
      body: { status: "active" },
    });
    expect(reactivate.status).toBe(409);
    expect(reactivate.body.error.code).toBe("INVALID_STATE_TRANSITION");
    const actions = (await auditRowsFor(t, "user_member", DEMO.bindings.bob)).map((a) => a.action);
    expect(actions).toEqual(["user_member.revoked"]);
  });

  it("an expired binding denies authz", async () => {
    await t.request("POST", "/api/v1/users", { token, body: { id: "user_erin", email: "erin@x.test" } });
    const past = new Date(t.deps.now().getTime() - 60_000).toISOString();
    const res = await t.request("POST", UM, {
      token,
      body: { id: "um_erin", user_id: "user_erin", member_id: DEMO.members.reviewer, expires_at: past },
    });
    expect(res.status).toBe(201);
    const denied = await approve({
      user_id: "user_erin",
      member_id: DEMO.members.reviewer,
      user_member_id: "um_erin",
      space_id: DEMO.space,
    });
    expect(denied.body.data).toMatchObject({ decision: "deny", deny_code: "USER_MEMBER_EXPIRED" });
  });
});
