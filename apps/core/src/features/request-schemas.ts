import type { OperationId, operations, RequestBody, Schemas } from "@plystra/contract";
import type { z } from "zod";
import { listGrantsQuery, createGrantBody, revokeGrantBody } from "./admin/admin.schemas.ts";
import { switchBody } from "./actor/actor.routes.ts";
import { createApiKeyBody, listApiKeysQuery, revokeBody } from "./api-keys/api-keys.schemas.ts";
import { auditListQuery, spaceAuditListQuery } from "./audit/audit.schemas.ts";
import { loginBody, logoutBody, refreshBody, registerBody } from "./auth/auth.schemas.ts";
import { authzRequestSchema } from "./authz/authz.schemas.ts";
import {
  createDataRowBody,
  dataRowsQuery,
  dataTablesQuery,
  updateDataRowBody,
} from "./data-console/data-console.schemas.ts";
import { createGroupBody, groupListQuery, groupTreeQuery, updateGroupBody } from "./groups/groups.schemas.ts";
import {
  createMemberRoleBody,
  memberRoleListQuery,
  memberRoleMutationBody,
} from "./member-roles/member-roles.schemas.ts";
import { createMemberBody, memberListQuery, updateMemberBody } from "./members/members.schemas.ts";
import {
  createPermissionBody,
  permissionListQuery,
  updatePermissionBody,
} from "./permissions/permissions.schemas.ts";
import {
  createRolePermissionBody,
  rolePermissionListQuery,
  spaceRolePermissionListQuery,
} from "./permissions/role-permissions.schemas.ts";
import { actionListQuery, typeListQuery } from "./registry/registry.routes.ts";
import { resourceActionBody, resourceMappingBody, resourceTypeBody } from "./registry/registry.schemas.ts";
import {
  listQuery as resourceListQuery,
  spaceListQuery as spaceResourceListQuery,
} from "./resources/resources.routes.ts";
import {
  createResourceBody,
  createSpaceResourceBody,
  updateResourceBody,
} from "./resources/resources.schemas.ts";
import { createRoleBody, roleListQuery, updateRoleBody } from "./roles/roles.schemas.ts";
import { createSpaceBody, spaceListQuery, updateSpaceBody } from "./spaces/spaces.schemas.ts";
import {
  createUserMemberBody,
  updateUserMemberBody,
  userMemberListQuery,
} from "./user-members/user-members.schemas.ts";
import { createUserBody, updateUserBody, userListQuery } from "./users/users.schemas.ts";

/*
 * The request validators of every operation that takes a body or query parameters, checked at
 * compile time against the types generated from the spec (`@plystra/contract`): what a zod schema
 * lets through must be a value of the spec's request type (same field names; every field's type
 * assignable), so the server cannot accept a field, or a type of a field, the contract does not
 * declare, nor leave out one it does. `pnpm typecheck` fails naming the operation otherwise.
 *
 * Completeness is checked too: an operation whose spec declares a body or query parameters must be
 * listed, and an operation that declares neither must not be.
 */

type QueryOf<Op extends OperationId> = NonNullable<operations[Op]["parameters"]["query"]>;
type Has<T> = [T] extends [never] ? false : true;
type WithBody = { [Op in OperationId]: Has<RequestBody<Op>> extends true ? Op : never }[OperationId];
type WithQuery = { [Op in OperationId]: Has<QueryOf<Op>> extends true ? Op : never }[OperationId];

type Keys<T> = T extends object ? keyof T : never;
/**
 * openapi-typescript renders the spec's free-form JSON object (`ApiMetadataObject`, any JSON value
 * under any key) with `Record<string, never>` standing for "a nested object"; the server's parsed
 * JSON is `Record<string, unknown>`. Both mean the same values, so the spec side is read as the latter.
 */
type FreeForm<T> = unknown extends T
  ? T
  : T extends unknown
    ? Schemas["ApiMetadataObject"] extends T
      ? Record<string, unknown>
      : T
    : never;
type SpecSide<T> = T extends object ? { [K in keyof T]: FreeForm<T[K]> } : T;
/** The server parses `date-time` strings into `Date`s; on the wire (the spec's side) they are strings. */
type Wire<T> = T extends Date ? string : T;
type ServerSide<T> = T extends object ? { [K in keyof T]: Wire<T[K]> } : T;
/** `true`, or what is wrong: the keys only one side has, or the server output not being assignable. */
type Matches<Out, Spec> = [Exclude<Keys<Out>, Keys<Spec>>, Exclude<Keys<Spec>, Keys<Out>>] extends [
  never,
  never,
]
  ? [Out] extends [Spec]
    ? true
    : { serverOutputNotAssignableToSpec: { server: Out; spec: Spec } }
  : { onlyServer: Exclude<Keys<Out>, Keys<Spec>>; onlySpec: Exclude<Keys<Spec>, Keys<Out>> };

type Validators<Op extends OperationId> = (Op extends WithBody ? { body: z.ZodType } : { body?: never }) &
  (Op extends WithQuery ? { query: z.ZodType } : { query?: never });

/** Each operation's request validators (the schemas its handler parses). */
export const REQUEST_SCHEMAS = {
  // Auth and actor
  login: { body: loginBody },
  refreshSession: { body: refreshBody },
  logout: { body: logoutBody },
  register: { body: registerBody },
  switchMember: { body: switchBody },
  // Admin grants and API keys
  listAdminGrants: { query: listGrantsQuery },
  createAdminGrant: { body: createGrantBody },
  revokeAdminGrant: { body: revokeGrantBody },
  listAPIKeys: { query: listApiKeysQuery },
  createAPIKey: { body: createApiKeyBody },
  revokeAPIKey: { body: revokeBody },
  // Authorization
  checkAuthorization: { body: authzRequestSchema },
  explainAuthorization: { body: authzRequestSchema },
  // Audit
  listAuditLogs: { query: auditListQuery },
  listSpaceAuditLogs: { query: spaceAuditListQuery },
  // Users and Spaces
  listUsers: { query: userListQuery },
  createUser: { body: createUserBody },
  updateUser: { body: updateUserBody },
  disableUser: { body: updateUserBody },
  restoreUser: { body: updateUserBody },
  listSpaces: { query: spaceListQuery },
  createSpace: { body: createSpaceBody },
  updateSpace: { body: updateSpaceBody },
  disableSpace: { body: updateSpaceBody },
  restoreSpace: { body: updateSpaceBody },
  // Groups
  listGroups: { query: groupListQuery },
  getGroupTree: { query: groupTreeQuery },
  createGroup: { body: createGroupBody },
  updateGroup: { body: updateGroupBody },
  disableGroup: { body: updateGroupBody },
  // Members and bindings
  listMembers: { query: memberListQuery },
  createMember: { body: createMemberBody },
  updateMember: { body: updateMemberBody },
  disableMember: { body: updateMemberBody },
  listUserMembers: { query: userMemberListQuery },
  createUserMember: { body: createUserMemberBody },
  updateUserMember: { body: updateUserMemberBody },
  revokeUserMember: { body: updateUserMemberBody },
  // Roles and role grants
  listRoles: { query: roleListQuery },
  createRole: { body: createRoleBody },
  updateRole: { body: updateRoleBody },
  disableRole: { body: updateRoleBody },
  listMemberRoles: { query: memberRoleListQuery },
  createMemberRole: { body: createMemberRoleBody },
  revokeMemberRole: { body: memberRoleMutationBody },
  listMemberRoleGrants: { query: memberRoleListQuery },
  createMemberRoleGrant: { body: createMemberRoleBody },
  revokeMemberRoleGrant: { body: memberRoleMutationBody },
  // Permissions and role permissions
  listPermissions: { query: permissionListQuery },
  createPermission: { body: createPermissionBody },
  updatePermission: { body: updatePermissionBody },
  disablePermission: { body: updatePermissionBody },
  listRolePermissions: { query: rolePermissionListQuery },
  createRolePermission: { body: createRolePermissionBody },
  listSpaceRolePermissions: { query: spaceRolePermissionListQuery },
  createSpaceRolePermission: { body: createRolePermissionBody },
  // Resource registry
  listResourceTypes: { query: typeListQuery },
  upsertResourceType: { body: resourceTypeBody },
  listResourceActions: { query: actionListQuery },
  upsertResourceAction: { body: resourceActionBody },
  upsertResourceMapping: { body: resourceMappingBody },
  replaceResourceMapping: { body: resourceMappingBody },
  updateResourceMapping: { body: resourceMappingBody },
  // Resources
  listResources: { query: resourceListQuery },
  createResource: { body: createResourceBody },
  listSpaceResources: { query: spaceResourceListQuery },
  createSpaceResource: { body: createSpaceResourceBody },
  updateSpaceResource: { body: updateResourceBody },
  archiveSpaceResource: { body: updateResourceBody },
  // Data Console
  listDataTables: { query: dataTablesQuery },
  listDataRows: { query: dataRowsQuery },
  createDataRow: { body: createDataRowBody },
  updateDataRow: { body: updateDataRowBody },
} as const satisfies { [Op in WithBody | WithQuery]: Validators<Op> };

/**
 * Body fields a later step validates, where zod's type is deliberately wider than the spec's: the
 * engine's Context Mode checks each inline grant's `scope` (required, one of the Scope enum) so its
 * 400 names the grant (`inline grant 1 requires scope`). Compared with the field left out; listed
 * here so the gap stays visible.
 */
type ValidatedAfterZod = { checkAuthorization: "grants"; explainAuthorization: "grants" };
type Beyond<Op> = Op extends keyof ValidatedAfterZod ? ValidatedAfterZod[Op] : never;

type Table = typeof REQUEST_SCHEMAS;
type BodyCheck<Op extends keyof Table> = Table[Op] extends { body: infer S extends z.ZodType }
  ? Matches<Omit<ServerSide<z.output<S>>, Beyond<Op>>, Omit<SpecSide<RequestBody<Op>>, Beyond<Op>>>
  : true;
type QueryCheck<Op extends keyof Table> = Table[Op] extends { query: infer S extends z.ZodType }
  ? Matches<ServerSide<z.output<S>>, SpecSide<QueryOf<Op>>>
  : true;
type Results = { [Op in keyof Table]: { body: BodyCheck<Op>; query: QueryCheck<Op> } };
/** Every operation whose validators disagree with the spec, with what is wrong. Must be empty. */
export type RequestSchemaMismatches = {
  [Op in keyof Results as Results[Op] extends { body: true; query: true } ? never : Op]: Results[Op];
};
type AssertEmpty<T extends Record<string, never>> = T;
export type __RequestSchemasMatchSpec = AssertEmpty<RequestSchemaMismatches>;
