// Every module reaches its routes: read the Finance Reviewer demo through the SDK.
import { beforeAll, describe, expect, it } from "vitest";
import type { PlystraClient } from "../src/index";
import { aliceClient, unique } from "./helpers";

describe("management modules over the demo seed", () => {
  let client: PlystraClient;
  beforeAll(async () => {
    client = await aliceClient();
  });

  it("actor.context names Alice's active binding", async () => {
    const ctx = await client.actor.context();
    expect(JSON.stringify(ctx)).toContain("um_alice_finance_reviewer");
  });

  it("spaces, groups, members, bindings and roles", async () => {
    expect((await client.spaces.get("space_acme")).id).toBe("space_acme");
    const paths = (await client.spaces.groups("space_acme").all()).map((g) => g.path);
    expect(paths).toEqual(expect.arrayContaining(["finance", "finance.apac", "legal.emea"]));
    expect((await client.groups.get("group_finance_apac")).path).toBe("finance.apac");
    expect((await client.groups.getInSpace("space_acme", "group_finance")).path).toBe("finance");
    expect((await client.members.get("member_finance_reviewer")).id).toBe("member_finance_reviewer");
    expect((await client.userMembers.get("um_bob_finance_reviewer")).user_id).toBe("user_bob");
    expect((await client.roles.get("role_finance_approver")).key).toBe("finance_approver");
    const mr = await client.memberRoles.list("space_acme", { member_id: "member_finance_reviewer" });
    expect(mr.data.map((r) => r.id)).toContain("mr_finance_reviewer_approver_finance");
  });

  it("permissions and role permissions", async () => {
    const perms = await client.permissions.list({ resource: "invoice", action: "approve" }).all();
    expect(perms.map((p) => p.id)).toContain("perm_invoice_approve_group_tree");
    const links = await client.rolePermissions.list({ role_id: "role_finance_approver" }).all();
    expect(links.map((l) => l.permission_id)).toContain("perm_invoice_approve_group_tree");
  });

  it("resource registry and resources", async () => {
    expect((await client.resourceTypes.get("invoice")).key).toBe("invoice");
    const actions = (await client.resourceTypes.actions("invoice").all()).map((a) => a.key);
    expect(actions).toEqual(expect.arrayContaining(["read", "approve", "reject"]));
    const inv = await client.resources.get("invoice", "invoice_001");
    expect(inv.group_id).toBe("group_finance_apac");
  });

  it("a management mutation round-trip: create, update, disable, restore a user", async () => {
    const email = `${unique("mod")}@example.com`;
    const user = await client.users.create({ email, password: "long enough passphrase" });
    const updated = await client.users.update(user.id, { username: "modtest" });
    expect(updated.username).toBe("modtest");
    expect((await client.users.disable(user.id)).status).toBe("disabled");
    expect((await client.users.restore(user.id)).status).toBe("active");
  });
});
