import { installCrud } from "../_crud/routes.ts";
import type { Feature } from "../feature.ts";
import { getMemberRole, listMemberRoles } from "./member-roles.repository.ts";
import { createMemberRoleBody, memberRoleListQuery, memberRoleMutationBody } from "./member-roles.schemas.ts";
import { createMemberRole, revokeMemberRole } from "./member-roles.service.ts";

/** Upstream serves the same routes under `member-roles` and the alias `member-role-grants`. */
const ALIASES = [
  { list: "listMemberRoles", create: "createMemberRole", get: "getMemberRole", revoke: "revokeMemberRole" },
  {
    list: "listMemberRoleGrants",
    create: "createMemberRoleGrant",
    get: "getMemberRoleGrant",
    revoke: "revokeMemberRoleGrant",
  },
] as const;

export const memberRolesFeature: Feature = {
  name: "member-roles",
  install(ops, deps) {
    for (const { revoke, ...operations } of ALIASES) {
      installCrud(ops, deps, {
        operations,
        listQuery: memberRoleListQuery,
        list: (db, spaceId, q) => listMemberRoles(db, spaceId as string, q),
        get: (db, t) => getMemberRole(db, t.id, t.spaceId),
        createBody: createMemberRoleBody,
        create: (deps, c, spaceId, body) => createMemberRole(deps, c, spaceId as string, body),
        updateBody: memberRoleMutationBody,
        transitions: { [revoke]: revokeMemberRole },
      });
    }
  },
};
