import { describe, expect, it } from "vitest";
import { apiKeyPrincipal, sessionPrincipal } from "../../test/principals.ts";
import {
  allows,
  canSee,
  hasInstanceReach,
  isSuperAdmin,
  isValidPermissionKey,
  keyMatches,
} from "./policy.ts";

const session = sessionPrincipal;
const key = apiKeyPrincipal;

describe("permission key grammar", () => {
  it.each(["*", "users:read", "users:*", "admin_grants:manage", "api-keys:read"])("accepts %s", (k) =>
    expect(isValidPermissionKey(k)).toBe(true),
  );
  it.each([
    "*:read",
    "users",
    "Users:read",
    "users:Read",
    "users:",
    ":read",
    "users:read/write",
    "users:**",
    "users:read:extra",
  ])("rejects %s", (k) => expect(isValidPermissionKey(k)).toBe(false));
});

describe("key matching", () => {
  it.each([
    ["*", "users:read", true],
    ["users:read", "users:read", true],
    ["users:*", "users:disable", true],
    ["users:manage", "users:read", true],
    ["users:manage", "users:revoke", true],
    ["users:read", "users:manage", false],
    ["users:manage", "spaces:read", false],
    ["api_keys:create", "api_keys:revoke", false],
    ["users:*", "*", false],
    ["*", "*", true],
  ])("%s satisfies %s → %s", (held, required, expected) => expect(keyMatches(held, required)).toBe(expected));
});

describe("scope reach", () => {
  const spaceAdmin = session({ level: "space_admin", permissionKey: "resources:manage", spaceId: "space_a" });
  const groupAdmin = session({
    level: "group_admin",
    permissionKey: "resources:read",
    spaceId: "space_a",
    groupId: "g_fin",
    groupPath: "finance",
  });

  it("space admin reaches its Space only", () => {
    expect(allows(spaceAdmin, { permission: "resources:read", spaceId: "space_a" })).toBe(true);
    expect(allows(spaceAdmin, { permission: "resources:read", spaceId: "space_b" })).toBe(false);
    expect(allows(spaceAdmin, { permission: "resources:read" })).toBe(false);
  });

  it("group admin reaches its subtree, not siblings, not look-alike prefixes, not the whole Space", () => {
    const at = (groupId: string, groupPath: string) => ({
      permission: "resources:read",
      spaceId: "space_a",
      groupId,
      groupPath,
    });
    expect(allows(groupAdmin, at("g_fin", "finance"))).toBe(true);
    expect(allows(groupAdmin, at("g_apac", "finance.apac"))).toBe(true);
    expect(allows(groupAdmin, at("g_legal", "legal"))).toBe(false);
    expect(allows(groupAdmin, at("g_fops", "financeops"))).toBe(false);
    expect(allows(groupAdmin, { permission: "resources:read", spaceId: "space_a" })).toBe(false);
    expect(allows(groupAdmin, { ...at("g_apac", "finance.apac"), spaceId: "space_b" })).toBe(false);
  });

  it("handler-resolved keys let scoped credentials pass an unscoped route check only for those keys", () => {
    const keysAdmin = session({ level: "space_admin", permissionKey: "api_keys:create", spaceId: "space_a" });
    expect(allows(keysAdmin, { permission: "api_keys:create" })).toBe(true);
    expect(
      allows(session({ level: "space_admin", permissionKey: "users:read", spaceId: "space_a" }), {
        permission: "users:read",
      }),
    ).toBe(false);
    expect(allows(keysAdmin, { permission: "api_keys:create" }, false)).toBe(false);
  });

  it("super admin is session-only; a `*` API key is not a super admin", () => {
    const sup = session({ level: "instance_super_admin", permissionKey: "*" });
    const star = key({ level: "instance", permissionKeys: ["*"] });
    expect(isSuperAdmin(sup)).toBe(true);
    expect(isSuperAdmin(star)).toBe(false);
    expect(allows(star, { permission: "users:read" })).toBe(true);
  });

  it("instance reach: instance_admin with a matching key, instance API key with a matching key", () => {
    expect(
      hasInstanceReach(session({ level: "instance_admin", permissionKey: "audit:read" }), "audit:read"),
    ).toBe(true);
    expect(
      hasInstanceReach(session({ level: "instance_admin", permissionKey: "audit:read" }), "users:read"),
    ).toBe(false);
    expect(
      hasInstanceReach(session({ level: "space_admin", permissionKey: "*", spaceId: "s" }), "audit:read"),
    ).toBe(false);
    expect(hasInstanceReach(key({ level: "space", spaceId: "s", permissionKeys: ["*"] }), "audit:read")).toBe(
      false,
    );
  });

  it("list visibility: instance-level rows need instance reach", () => {
    const spaceKeys = session({ level: "space_admin", permissionKey: "api_keys:read", spaceId: "space_a" });
    expect(canSee(spaceKeys, "api_keys:read", null, null, null)).toBe(false);
    expect(canSee(spaceKeys, "api_keys:read", "space_a", null, null)).toBe(true);
    expect(canSee(spaceKeys, "api_keys:read", "space_b", null, null)).toBe(false);
  });

  it("group API key reaches its subtree", () => {
    const k = key({
      level: "group",
      spaceId: "space_a",
      groupId: "g_fin",
      groupPath: "finance",
      permissionKeys: ["authz:check"],
    });
    expect(
      allows(k, { permission: "authz:check", spaceId: "space_a", groupId: "g_x", groupPath: "finance.emea" }),
    ).toBe(true);
    expect(
      allows(k, { permission: "authz:check", spaceId: "space_a", groupId: "g_l", groupPath: "legal" }),
    ).toBe(false);
  });
});
