import type { PagePromise } from "../pagination";
import type { ListItem, QueryParams, RequestBody, RequestOptions, ResponseData } from "../types";
import { ApiModule } from "./base";

/**
 * Login accounts.
 *
 * @example
 * ```ts
 * const user = await client.users.create({ email: "carol@example.com", password: "a long passphrase" });
 * for await (const u of client.users.list({ status: "active" })) console.log(u.email);
 * await client.users.disable(user.id);
 * ```
 */
export class UsersModule extends ApiModule {
  list(params?: QueryParams<"listUsers">, options?: RequestOptions): PagePromise<ListItem<"listUsers">> {
    return this._list("listUsers", { query: params }, options);
  }
  create(body: RequestBody<"createUser">, options?: RequestOptions): Promise<ResponseData<"createUser">> {
    return this._data("createUser", { body }, options);
  }
  get(userId: string, options?: RequestOptions): Promise<ResponseData<"getUser">> {
    return this._data("getUser", { path: { user_id: userId } }, options);
  }
  update(
    userId: string,
    body: RequestBody<"updateUser">,
    options?: RequestOptions,
  ): Promise<ResponseData<"updateUser">> {
    return this._data("updateUser", { path: { user_id: userId }, body }, options);
  }
  disable(
    userId: string,
    body: RequestBody<"disableUser"> = {},
    options?: RequestOptions,
  ): Promise<ResponseData<"disableUser">> {
    return this._data("disableUser", { path: { user_id: userId }, body }, options);
  }
  restore(
    userId: string,
    body: RequestBody<"restoreUser"> = {},
    options?: RequestOptions,
  ): Promise<ResponseData<"restoreUser">> {
    return this._data("restoreUser", { path: { user_id: userId }, body }, options);
  }
}

/**
 * Tenants, plus helpers listing what lives inside one.
 *
 * @example
 * ```ts
 * const space = await client.spaces.create({ name: "Contoso" });
 * for await (const g of client.spaces.groups(space.id)) console.log(g.path);
 * ```
 */
export class SpacesModule extends ApiModule {
  list(params?: QueryParams<"listSpaces">, options?: RequestOptions): PagePromise<ListItem<"listSpaces">> {
    return this._list("listSpaces", { query: params }, options);
  }
  create(body: RequestBody<"createSpace">, options?: RequestOptions): Promise<ResponseData<"createSpace">> {
    return this._data("createSpace", { body }, options);
  }
  get(spaceId: string, options?: RequestOptions): Promise<ResponseData<"getSpace">> {
    return this._data("getSpace", { path: { space_id: spaceId } }, options);
  }
  update(
    spaceId: string,
    body: RequestBody<"updateSpace">,
    options?: RequestOptions,
  ): Promise<ResponseData<"updateSpace">> {
    return this._data("updateSpace", { path: { space_id: spaceId }, body }, options);
  }
  disable(
    spaceId: string,
    body: RequestBody<"disableSpace"> = {},
    options?: RequestOptions,
  ): Promise<ResponseData<"disableSpace">> {
    return this._data("disableSpace", { path: { space_id: spaceId }, body }, options);
  }
  restore(
    spaceId: string,
    body: RequestBody<"restoreSpace"> = {},
    options?: RequestOptions,
  ): Promise<ResponseData<"restoreSpace">> {
    return this._data("restoreSpace", { path: { space_id: spaceId }, body }, options);
  }
  /** Groups of a Space. */
  groups(
    spaceId: string,
    params?: QueryParams<"listGroups">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listGroups">> {
    return this._list("listGroups", { path: { space_id: spaceId }, query: params }, options);
  }
  /** Groups of a Space in tree (path) order. */
  groupTree(
    spaceId: string,
    params?: QueryParams<"getGroupTree">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"getGroupTree">> {
    return this._list("getGroupTree", { path: { space_id: spaceId }, query: params }, options);
  }
  members(
    spaceId: string,
    params?: QueryParams<"listMembers">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listMembers">> {
    return this._list("listMembers", { path: { space_id: spaceId }, query: params }, options);
  }
  userMembers(
    spaceId: string,
    params?: QueryParams<"listUserMembers">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listUserMembers">> {
    return this._list("listUserMembers", { path: { space_id: spaceId }, query: params }, options);
  }
  roles(
    spaceId: string,
    params?: QueryParams<"listRoles">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listRoles">> {
    return this._list("listRoles", { path: { space_id: spaceId }, query: params }, options);
  }
  memberRoles(
    spaceId: string,
    params?: QueryParams<"listMemberRoles">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listMemberRoles">> {
    return this._list("listMemberRoles", { path: { space_id: spaceId }, query: params }, options);
  }
  rolePermissions(
    spaceId: string,
    params?: QueryParams<"listSpaceRolePermissions">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listSpaceRolePermissions">> {
    return this._list("listSpaceRolePermissions", { path: { space_id: spaceId }, query: params }, options);
  }
  resources(
    spaceId: string,
    params?: QueryParams<"listSpaceResources">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listSpaceResources">> {
    return this._list("listSpaceResources", { path: { space_id: spaceId }, query: params }, options);
  }
  auditLogs(
    spaceId: string,
    params?: QueryParams<"listSpaceAuditLogs">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listSpaceAuditLogs">> {
    return this._list("listSpaceAuditLogs", { path: { space_id: spaceId }, query: params }, options);
  }
}

/**
 * Groups (materialised paths such as `finance.apac`) inside a Space.
 *
 * @example
 * ```ts
 * const apac = await client.groups.create("space_acme", { name: "apac", parent_id: "group_finance" });
 * ```
 */
export class GroupsModule extends ApiModule {
  list(
    spaceId: string,
    params?: QueryParams<"listGroups">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listGroups">> {
    return this._list("listGroups", { path: { space_id: spaceId }, query: params }, options);
  }
  create(
    spaceId: string,
    body: RequestBody<"createGroup">,
    options?: RequestOptions,
  ): Promise<ResponseData<"createGroup">> {
    return this._data("createGroup", { path: { space_id: spaceId }, body }, options);
  }
  /** By id alone (`/groups/{group_id}`). */
  get(groupId: string, options?: RequestOptions): Promise<ResponseData<"getGroupByID">> {
    return this._data("getGroupByID", { path: { group_id: groupId } }, options);
  }
  getInSpace(spaceId: string, groupId: string, options?: RequestOptions): Promise<ResponseData<"getGroup">> {
    return this._data("getGroup", { path: { space_id: spaceId, group_id: groupId } }, options);
  }
  update(
    spaceId: string,
    groupId: string,
    body: RequestBody<"updateGroup">,
    options?: RequestOptions,
  ): Promise<ResponseData<"updateGroup">> {
    return this._data("updateGroup", { path: { space_id: spaceId, group_id: groupId }, body }, options);
  }
  disable(
    spaceId: string,
    groupId: string,
    body: RequestBody<"disableGroup"> = {},
    options?: RequestOptions,
  ): Promise<ResponseData<"disableGroup">> {
    return this._data("disableGroup", { path: { space_id: spaceId, group_id: groupId }, body }, options);
  }
}

/**
 * Business actors of a Space.
 *
 * @example
 * ```ts
 * const m = await client.members.create("space_acme", { display_name: "AP Clerk" });
 * ```
 */
export class MembersModule extends ApiModule {
  list(
    spaceId: string,
    params?: QueryParams<"listMembers">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listMembers">> {
    return this._list("listMembers", { path: { space_id: spaceId }, query: params }, options);
  }
  create(
    spaceId: string,
    body: RequestBody<"createMember">,
    options?: RequestOptions,
  ): Promise<ResponseData<"createMember">> {
    return this._data("createMember", { path: { space_id: spaceId }, body }, options);
  }
  /** By id alone (`/members/{member_id}`). */
  get(memberId: string, options?: RequestOptions): Promise<ResponseData<"getMemberByID">> {
    return this._data("getMemberByID", { path: { member_id: memberId } }, options);
  }
  getInSpace(
    spaceId: string,
    memberId: string,
    options?: RequestOptions,
  ): Promise<ResponseData<"getMember">> {
    return this._data("getMember", { path: { space_id: spaceId, member_id: memberId } }, options);
  }
  update(
    spaceId: string,
    memberId: string,
    body: RequestBody<"updateMember">,
    options?: RequestOptions,
  ): Promise<ResponseData<"updateMember">> {
    return this._data("updateMember", { path: { space_id: spaceId, member_id: memberId }, body }, options);
  }
  disable(
    spaceId: string,
    memberId: string,
    body: RequestBody<"disableMember"> = {},
    options?: RequestOptions,
  ): Promise<ResponseData<"disableMember">> {
    return this._data("disableMember", { path: { space_id: spaceId, member_id: memberId }, body }, options);
  }
}

/**
 * Bindings of a User to a Member (revocable, optionally expiring).
 *
 * @example
 * ```ts
 * await client.userMembers.create("space_acme", { user_id: "user_bob", member_id: "member_finance_reviewer" });
 * ```
 */
export class UserMembersModule extends ApiModule {
  list(
    spaceId: string,
    params?: QueryParams<"listUserMembers">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listUserMembers">> {
    return this._list("listUserMembers", { path: { space_id: spaceId }, query: params }, options);
  }
  create(
    spaceId: string,
    body: RequestBody<"createUserMember">,
    options?: RequestOptions,
  ): Promise<ResponseData<"createUserMember">> {
    return this._data("createUserMember", { path: { space_id: spaceId }, body }, options);
  }
  /** By id alone (`/user-members/{user_member_id}`). */
  get(userMemberId: string, options?: RequestOptions): Promise<ResponseData<"getUserMemberByID">> {
    return this._data("getUserMemberByID", { path: { user_member_id: userMemberId } }, options);
  }
  getInSpace(
    spaceId: string,
    userMemberId: string,
    options?: RequestOptions,
  ): Promise<ResponseData<"getUserMember">> {
    return this._data(
      "getUserMember",
      { path: { space_id: spaceId, user_member_id: userMemberId } },
      options,
    );
  }
  update(
    spaceId: string,
    userMemberId: string,
    body: RequestBody<"updateUserMember">,
    options?: RequestOptions,
  ): Promise<ResponseData<"updateUserMember">> {
    return this._data(
      "updateUserMember",
      { path: { space_id: spaceId, user_member_id: userMemberId }, body },
      options,
    );
  }
  revoke(
    spaceId: string,
    userMemberId: string,
    body: RequestBody<"revokeUserMember"> = {},
    options?: RequestOptions,
  ): Promise<ResponseData<"revokeUserMember">> {
    return this._data(
      "revokeUserMember",
      { path: { space_id: spaceId, user_member_id: userMemberId }, body },
      options,
    );
  }
}
