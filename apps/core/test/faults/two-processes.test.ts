// (c) Two Core processes on one database: a binding revoke, key revoke, grant revoke and member
//     disable made through one process deny the very next check on the other (no stale cache).
//     B checks each actor three times first, so its decision-context cache holds the actor and the
//     next check is decided from that cache and must be caught by the audit flush's confirmation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  type CoreProcess,
  checkBody,
  freshDatabase,
  instanceKey,
  loginAlice,
  startCore,
} from "./core-process.ts";

let database: Awaited<ReturnType<typeof freshDatabase>>;
let a: CoreProcess;
let b: CoreProcess;
let token: string;
let key: string;

beforeAll(async () => {
  database = await freshDatabase();
  a = await startCore(database.url);
  b = await startCore(database.url);
  token = (await loginAlice(a.baseUrl)).token;
  key = (await instanceKey(a.baseUrl, token)).key;
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await database?.drop();
});

const S = "/api/v1/spaces/space_acme";

/** A fresh Member bound to alice and granted the finance approver role: allowed on invoice_001. */
async function freshActor(label: string) {
  const member = await api(a.baseUrl, "POST", `${S}/members`, { token, body: { display_name: label } });
  expect(member.status).toBe(201);
  const binding = await api(a.baseUrl, "POST", `${S}/user-members`, {
    token,
    body: { user_id: "user_alice", member_id: member.body.data.id },
  });
  expect(binding.status).toBe(201);
  const grant = await api(a.baseUrl, "POST", `${S}/member-roles`, {
    token,
    body: {
      member_id: member.body.data.id,
      role_id: "role_finance_approver",
      scope_anchor_group_id: "group_finance",
    },
  });
  expect(grant.status).toBe(201);
  return { memberId: member.body.data.id, bindingId: binding.body.data.id, grantId: grant.body.data.id };
}

/** A check answered by process B for that actor. */
async function checkOnB(actor: { memberId: string; bindingId: string }, apiKey = key) {
  return api(b.baseUrl, "POST", "/api/v1/authz/check", {
    apiKey,
    body: checkBody(actor.memberId, actor.bindingId),
  });
}

/** Checks on B until its decision-context cache holds everything the check reads (all allowed). */
async function warmOnB(actor: { memberId: string; bindingId: string }, apiKey = key) {
  for (let i = 0; i < 3; i++) expect((await checkOnB(actor, apiKey)).body.data.decision).toBe("allow");
}

describe("a change through one process is seen by the very next check on the other", () => {
  it("binding revoke", async () => {
    const actor = await freshActor("binding revoke");
    await warmOnB(actor);
    const revoke = await api(a.baseUrl, "POST", `${S}/user-members/${actor.bindingId}/revoke`, {
      token,
      body: {},
    });
    expect(revoke.status).toBe(200);
    const next = await checkOnB(actor);
    expect(next.body.data).toMatchObject({ decision: "deny", deny_code: "USER_MEMBER_REVOKED" });
  });

  it("grant revoke", async () => {
    const actor = await freshActor("grant revoke");
    await warmOnB(actor);
    const revoke = await api(a.baseUrl, "POST", `${S}/member-roles/${actor.grantId}/revoke`, {
      token,
      body: {},
    });
    expect(revoke.status).toBe(200);
    const next = await checkOnB(actor);
    expect(next.body.data).toMatchObject({ decision: "deny", deny_code: "NO_MATCHING_PERMISSION" });
  });

  it("member disable", async () => {
    const actor = await freshActor("member disable");
    await warmOnB(actor);
    const disable = await api(a.baseUrl, "POST", `${S}/members/${actor.memberId}/disable`, {
      token,
      body: {},
    });
    expect(disable.status).toBe(200);
    const next = await checkOnB(actor);
    expect(next.body.data).toMatchObject({ decision: "deny", deny_code: "ACTOR_MEMBER_INACTIVE" });
  });

  it("API key revoke", async () => {
    const second = await instanceKey(a.baseUrl, token);
    const actor = { memberId: "member_finance_reviewer", bindingId: "um_alice_finance_reviewer" };
    // Warm B's key cache with the key first, so a stale cache entry would show.
    await warmOnB(actor, second.key);
    const revoke = await api(a.baseUrl, "POST", `/api/v1/api-keys/${second.id}/revoke`, { token, body: {} });
    expect(revoke.status).toBe(200);
    const next = await checkOnB(actor, second.key);
    expect(next.status).toBe(401);
    expect(next.body.error.code).toBe("AUTHENTICATION_REQUIRED");
    // A management call with it on B is refused too.
    expect((await api(b.baseUrl, "GET", "/api/v1/admin/me", { apiKey: second.key })).status).toBe(401);
  });
});
