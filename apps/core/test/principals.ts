import type { Principal, PrincipalGrant } from "../src/security/principal.ts";

/** A session principal holding `grants` (each defaults to a Space-wide `*` grant with no scope). */
export const sessionPrincipal = (...grants: Partial<PrincipalGrant>[]): Principal => ({
  kind: "session",
  userId: "u",
  sessionId: "s",
  activeSpaceId: null,
  activeMemberId: null,
  activeUserMemberId: null,
  grants: grants.map((g, i) => ({
    id: `g${i}`,
    level: "space_admin",
    permissionKey: "*",
    spaceId: null,
    groupId: null,
    groupPath: null,
    ...g,
  })),
});

/** An API-key principal (defaults: instance level, no permission keys). */
export const apiKeyPrincipal = (p: Partial<Extract<Principal, { kind: "api_key" }>>): Principal => ({
  kind: "api_key",
  apiKeyId: "ak",
  level: "instance",
  spaceId: null,
  groupId: null,
  groupPath: null,
  permissionKeys: [],
  createdByUserId: null,
  ...p,
});
