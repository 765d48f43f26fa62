import type { PagePromise } from "../pagination";
import type { ListItem, QueryParams, RequestBody, RequestOptions, ResponseData } from "../types";
import { ApiModule } from "./base";

/**
 * Roles of a Space.
 *
 * @example
 * ```ts
 * const role = await client.roles.create("space_acme", { key: "auditor", name: "Auditor" });
 * ```
 */
export class RolesModule extends ApiModule {
  list(
    spaceId: string,
    params?: QueryParams<"listRoles">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listRoles">> {
    return this._list("listRoles", { path: { space_id: spaceId }, query: params }, options);
  }
  create(
    spaceId: string,
    body: RequestBody<"createRole">,
    options?: RequestOptions,
  ): Promise<ResponseData<"createRole">> {
    return this._data("createRole", { path: { space_id: spaceId }, body }, options);
  }
  /** By id alone (`/roles/{role_id}`). */
  get(roleId: string, options?: RequestOptions): Promise<ResponseData<"getRoleByID">> {
    return this._data("getRoleByID", { path: { role_id: roleId } }, options);
  }
  getInSpace(spaceId: string, roleId: string, options?: RequestOptions): Promise<ResponseData<"getRole">> {
    return this._data("getRole", { path: { space_id: spaceId, role_id: roleId } }, options);
  }
  update(
    spaceId: string,
    roleId: string,
    body: RequestBody<"updateRole">,
    options?: RequestOptions,
  ): Promise<ResponseData<"updateRole">> {
    return this._data("updateRole", { path: { space_id: spaceId, role_id: roleId }, body }, options);
  }
  disable(
    spaceId: string,
    roleId: string,
    body: RequestBody<"disableRole"> = {},
    options?: RequestOptions,
  ): Promise<ResponseData<"disableRole">> {
    return this._data("disableRole", { path: { space_id: spaceId, role_id: roleId }, body }, options);
  }
}

/**
 * Role assignments of Members, optionally anchored at a Group for `group`/`group_tree` scopes.
 *
 * @example
 * ```ts
 * await client.memberRoles.create("space_acme", {
 *   member_id: "member_finance_reviewer",
 *   role_id: "role_finance_approver",
 *   scope_anchor_group_id: "group_finance",
 * });
 * ```
 */
export class MemberRolesModule extends ApiModule {
  list(
    spaceId: string,
    params?: QueryParams<"listMemberRoles">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listMemberRoles">> {
    return this._list("listMemberRoles", { path: { space_id: spaceId }, query: params }, options);
  }
  create(
    spaceId: string,
    body: RequestBody<"createMemberRole">,
    options?: RequestOptions,
  ): Promise<ResponseData<"createMemberRole">> {
    return this._data("createMemberRole", { path: { space_id: spaceId }, body }, options);
  }
  get(
    spaceId: string,
    memberRoleId: string,
    options?: RequestOptions,
  ): Promise<ResponseData<"getMemberRole">> {
    return this._data(
      "getMemberRole",
      { path: { space_id: spaceId, member_role_id: memberRoleId } },
      options,
    );
  }
  revoke(
    spaceId: string,
    memberRoleId: string,
    body: RequestBody<"revokeMemberRole"> = {},
    options?: RequestOptions,
  ): Promise<ResponseData<"revokeMemberRole">> {
    return this._data(
      "revokeMemberRole",
      { path: { space_id: spaceId, member_role_id: memberRoleId }, body },
      options,
    );
  }
}

/**
 * Permissions (`resource` + `action` + `scope`).
 *
 * @example
 * ```ts
 * const p = await client.permissions.create({ resource: "invoice", action: "read", scope: "space" });
 * ```
 */
export class PermissionsModule extends ApiModule {
  list(
    params?: QueryParams<"listPermissions">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listPermissions">> {
    return this._list("listPermissions", { query: params }, options);
  }
  create(
    body: RequestBody<"createPermission">,
    options?: RequestOptions,
  ): Promise<ResponseData<"createPermission">> {
    return this._data("createPermission", { body }, options);
  }
  get(permissionId: string, options?: RequestOptions): Promise<ResponseData<"getPermission">> {
    return this._data("getPermission", { path: { permission_id: permissionId } }, options);
  }
  update(
    permissionId: string,
    body: RequestBody<"updatePermission">,
    options?: RequestOptions,
  ): Promise<ResponseData<"updatePermission">> {
    return this._data("updatePermission", { path: { permission_id: permissionId }, body }, options);
  }
  disable(
    permissionId: string,
    body: RequestBody<"disablePermission"> = {},
    options?: RequestOptions,
  ): Promise<ResponseData<"disablePermission">> {
    return this._data("disablePermission", { path: { permission_id: permissionId }, body }, options);
  }
}

/**
 * Links of Permissions to Roles.
 *
 * @example
 * ```ts
 * const link = await client.rolePermissions.create({ role_id: "role_auditor", permission_id: p.id });
 * await client.rolePermissions.revoke(link.id);
 * ```
 */
export class RolePermissionsModule extends ApiModule {
  list(
    params?: QueryParams<"listRolePermissions">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listRolePermissions">> {
    return this._list("listRolePermissions", { query: params }, options);
  }
  create(
    body: RequestBody<"createRolePermission">,
    options?: RequestOptions,
  ): Promise<ResponseData<"createRolePermission">> {
    return this._data("createRolePermission", { body }, options);
  }
  get(rolePermissionId: string, options?: RequestOptions): Promise<ResponseData<"getRolePermission">> {
    return this._data("getRolePermission", { path: { role_permission_id: rolePermissionId } }, options);
  }
  /** Removes the link (`DELETE /role-permissions/{id}`). */
  revoke(rolePermissionId: string, options?: RequestOptions): Promise<ResponseData<"deleteRolePermission">> {
    return this._data("deleteRolePermission", { path: { role_permission_id: rolePermissionId } }, options);
  }
  listInSpace(
    spaceId: string,
    params?: QueryParams<"listSpaceRolePermissions">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listSpaceRolePermissions">> {
    return this._list("listSpaceRolePermissions", { path: { space_id: spaceId }, query: params }, options);
  }
  createInSpace(
    spaceId: string,
    body: RequestBody<"createSpaceRolePermission">,
    options?: RequestOptions,
  ): Promise<ResponseData<"createSpaceRolePermission">> {
    return this._data("createSpaceRolePermission", { path: { space_id: spaceId }, body }, options);
  }
  getInSpace(
    spaceId: string,
    rolePermissionId: string,
    options?: RequestOptions,
  ): Promise<ResponseData<"getSpaceRolePermission">> {
    return this._data(
      "getSpaceRolePermission",
      { path: { space_id: spaceId, role_permission_id: rolePermissionId } },
      options,
    );
  }
  revokeInSpace(
    spaceId: string,
    rolePermissionId: string,
    options?: RequestOptions,
  ): Promise<ResponseData<"deleteSpaceRolePermission">> {
    return this._data(
      "deleteSpaceRolePermission",
      { path: { space_id: spaceId, role_permission_id: rolePermissionId } },
      options,
    );
  }
}
