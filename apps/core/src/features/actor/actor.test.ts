import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertApiKey } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { bindMember, ensureSpace, login, seedLoginUser } from "../../../test/accounts.ts";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function session(id: string) {
  const u = await seedLoginUser(t, id);
  await bindMember(t, id, "space_zeta", `member_${id}_zeta`, { spaceName: "Zeta" });
  const d = (await login(t, u.email)).body.data;
  return { ...u, token: d.access_token as string };
}

describe("actor context", () => {
  it("requires a bearer session: none → 401, an API key → 401", async () => {
    const none = await t.request("GET", "/api/v1/actor/context");
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("AUTHENTICATION_REQUIRED");
    const key = await insertApiKey(t, { level: "instance", permissionKeys: ["*"] });
    expect((await t.request("GET", "/api/v1/actor/context", { apiKey: key })).status).toBe(401);
  });

  it("reports the session actor, live bindings and expiry", async () => {
    const s = await session("user_ctx");
    const res = await t.request("GET", "/api/v1/actor/context", { token: s.token });
    expect(res.status).toBe(200);
    expect(res.body.data.session_id).toMatch(/^sess_[0-9a-f]{64}$/);
    expect(res.body.data.actor.member_id).toBe("member_user_ctx");
    expect(res.body.data.available_members).toHaveLength(2);
    expect(new Date(res.body.data.expires_at).getTime()).toBeGreaterThan(t.deps.now().getTime());
  });

  it("falls back to the next live binding when the active one is revoked, and 403 when none is left", async () => {
    const s = await session("user_fallback");
    await t.deps.db
      .updateTable("user_members")
      .set({ status: "revoked", revoked_at: t.deps.now() })
      .where("id", "=", "um_user_fallback_member_user_fallback")
      .execute();
    const res = await t.request("GET", "/api/v1/actor/context", { token: s.token });
    expect(res.status).toBe(200);
    expect(res.body.data.actor.member_id).toBe("member_user_fallback_zeta");
    expect(res.body.data.available_members).toHaveLength(1);
    // Disabled Space: that binding is no longer live either.
    await ensureSpace(t, "space_zeta");
    await t.deps.db
      .updateTable("spaces")
      .set({ status: "disabled" })
      .where("id", "=", "space_zeta")
      .execute();
    const none = await t.request("GET", "/api/v1/actor/context", { token: s.token });
    expect(none.status).toBe(403);
    expect(none.body.error.code).toBe("ACTIVE_MEMBER_REQUIRED");
    await t.deps.db.updateTable("spaces").set({ status: "active" }).where("id", "=", "space_zeta").execute();
  });
});

describe("switch member", () => {
  it("switches to another own live binding by member_id or user_member_id", async () => {
    const s = await session("user_switch");
    const res = await t.request("POST", "/api/v1/actor/switch-member", {
      token: s.token,
      body: { member_id: "member_user_switch_zeta" },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.actor).toEqual({
      user_id: "user_switch",
      member_id: "member_user_switch_zeta",
      user_member_id: "um_user_switch_member_user_switch_zeta",
      space_id: "space_zeta",
    });
    const ctx = await t.request("GET", "/api/v1/actor/context", { token: s.token });
    expect(ctx.body.data.actor.member_id).toBe("member_user_switch_zeta");
    const back = await t.request("POST", "/api/v1/actor/switch-member", {
      token: s.token,
      body: { user_member_id: "um_user_switch_member_user_switch" },
    });
    expect(back.body.data.actor.member_id).toBe("member_user_switch");
  });

  it("refuses someone else's, revoked, unknown or mismatched bindings with 403", async () => {
    const s = await session("user_thief");
    await session("user_victim");
    for (const body of [
      { member_id: "member_user_victim" },
      { user_member_id: "um_user_victim_member_user_victim" },
      { member_id: "member_nobody" },
      { member_id: "member_user_thief", user_member_id: "um_user_thief_member_user_thief_zeta" },
    ]) {
      const res = await t.request("POST", "/api/v1/actor/switch-member", { token: s.token, body });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("ACTIVE_MEMBER_REQUIRED");
    }
    const ctx = await t.request("GET", "/api/v1/actor/context", { token: s.token });
    expect(ctx.body.data.actor.member_id).toBe("member_user_thief");
  });

  it("validates the body", async () => {
    const s = await session("user_switch_bad");
    const empty = await t.request("POST", "/api/v1/actor/switch-member", { token: s.token, body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain("member_id");
    const extra = await t.request("POST", "/api/v1/actor/switch-member", {
      token: s.token,
      body: { member_id: "x", space_id: "y" },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toContain("space_id");
    expect(
      (await t.request("POST", "/api/v1/actor/switch-member", { body: { member_id: "x" } })).status,
    ).toBe(401);
  });
});
