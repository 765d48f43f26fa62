/**
 * The route → credential/permission table: one declarative place, read by the guard middleware
 * and by the contract test (every routed path must be listed here and in the spec).
 *
 * `scope` says where the requirement's Space/Group come from:
 *  - `space`: a path param holding the Space id
 *  - `entity`: a stored row (its Space, and Group where it has one) named by a path param
 *  - `query`: the `space_id` query param (optional narrowing)
 * Routes without scope are unscoped: only instance-level credentials pass, except the
 * handler-resolved keys (api_keys:*, admin_grants:*, authz:check) whose handlers re-check.
 */
export type EntityKind =
  | "group"
  | "member"
  | "user_member"
  | "role"
  | "member_role"
  | "role_permission"
  | "resource"
  | "audit_log"
  | "admin_grant"
  | "api_key";

export interface RouteScope {
  space?: string;
  entity?: { kind: EntityKind; param: string };
  query?: "space_id";
  /** The handler filters rows to the caller's group subtrees, so group-level credentials of the Space pass. */
  subtreeList?: boolean;
  /**
   * With the `query` Space absent, any credential holding the key passes and the handler filters the
   * rows to the caller's reach (a Space-scoped key listing without `space_id` sees its Space's rows).
   */
  reachList?: boolean;
}

export interface RouteRule {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: string;
  /** `public`: no credential checked by the guard (handler may check a session itself). */
  access: "public" | { permission: string; scope?: RouteScope };
  /**
   * An API key may be authenticated from the per-process key cache (hash and scope only) and its
   * liveness confirmed by the handler inside its own single statement. Only for handlers that do
   * so before deciding or writing anything (authz check/explain).
   */
  deferKeyLiveness?: boolean;
}

const r = (method: RouteRule["method"], path: string, permission: string, scope?: RouteScope): RouteRule => ({
  method,
  path,
  access: { permission, scope },
});
const pub = (method: RouteRule["method"], path: string): RouteRule => ({ method, path, access: "public" });

const S = "/api/v1/spaces/:space_id";
const sp = { space: "space_id" } as const;
const ent = (kind: EntityKind, param: string): RouteScope => ({ space: "space_id", entity: { kind, param } });

export const ROUTE_TABLE: RouteRule[] = [
  // System
  pub("GET", "/api/v1/health"),
  pub("GET", "/api/v1/ready"),
  pub("GET", "/api/v1/version"),
  pub("GET", "/metrics"), // handler-guarded: metrics token or metrics:read
  // Auth + actor (handlers check the bearer session themselves)
  pub("POST", "/api/v1/auth/register"),
  pub("POST", "/api/v1/auth/login"),
  pub("POST", "/api/v1/auth/refresh"),
  pub("POST", "/api/v1/auth/logout"),
  pub("GET", "/api/v1/auth/me"),
  pub("GET", "/api/v1/actor/context"),
  pub("POST", "/api/v1/actor/switch-member"),
  // Console
  r("GET", "/api/v1/console/overview", "instance:read"),
  // Admin
  r("GET", "/api/v1/admin/me", "instance:read"),
  r("GET", "/api/v1/admin/grants", "admin_grants:read"),
  r("POST", "/api/v1/admin/grants", "admin_grants:manage"),
  r("GET", "/api/v1/admin/grants/:admin_grant_id", "admin_grants:read", {
    entity: { kind: "admin_grant", param: "admin_grant_id" },
  }),
  r("POST", "/api/v1/admin/grants/:admin_grant_id/revoke", "admin_grants:manage", {
    entity: { kind: "admin_grant", param: "admin_grant_id" },
  }),
  // API keys
  r("GET", "/api/v1/api-keys", "api_keys:read"),
  r("POST", "/api/v1/api-keys", "api_keys:create"),
  r("GET", "/api/v1/api-keys/:api_key_id", "api_keys:read"),
  r("POST", "/api/v1/api-keys/:api_key_id/revoke", "api_keys:revoke"),
  // Authorization
  { ...r("POST", "/api/v1/authz/check", "authz:check"), deferKeyLiveness: true },
  { ...r("POST", "/api/v1/authz/explain", "authz:check"), deferKeyLiveness: true },
  // Audit
  r("GET", "/api/v1/audit/logs", "audit:read", { query: "space_id", reachList: true }),
  r("GET", "/api/v1/audit/logs/:audit_log_id", "audit:read", {
    entity: { kind: "audit_log", param: "audit_log_id" },
  }),
  r("GET", `${S}/audit-logs`, "audit:read", sp),
  r("GET", `${S}/audit-logs/:audit_log_id`, "audit:read", ent("audit_log", "audit_log_id")),
  // Users
  r("GET", "/api/v1/users", "users:read"),
  r("POST", "/api/v1/users", "users:manage"),
  r("GET", "/api/v1/users/:user_id", "users:read"),
  r("PATCH", "/api/v1/users/:user_id", "users:manage"),
  r("POST", "/api/v1/users/:user_id/disable", "users:manage"),
  r("POST", "/api/v1/users/:user_id/restore", "users:manage"),
  // Spaces
  r("GET", "/api/v1/spaces", "spaces:read"),
  r("POST", "/api/v1/spaces", "spaces:manage"),
  r("GET", S, "spaces:read", sp),
  r("PATCH", S, "spaces:manage", sp),
  r("POST", `${S}/disable`, "spaces:manage", sp),
  r("POST", `${S}/restore`, "spaces:manage", sp),
  // Groups
  r("GET", `${S}/groups`, "groups:read", { ...sp, subtreeList: true }),
  r("POST", `${S}/groups`, "groups:manage", sp),
  r("GET", `${S}/groups/tree`, "groups:read", { ...sp, subtreeList: true }),
  r("GET", `${S}/groups/:group_id`, "groups:read", ent("group", "group_id")),
  r("PATCH", `${S}/groups/:group_id`, "groups:manage", ent("group", "group_id")),
  r("POST", `${S}/groups/:group_id/disable`, "groups:manage", ent("group", "group_id")),
  r("GET", "/api/v1/groups/:group_id", "groups:read", { entity: { kind: "group", param: "group_id" } }),
  // Members
  r("GET", `${S}/members`, "members:read", sp),
  r("POST", `${S}/members`, "members:manage", sp),
  r("GET", `${S}/members/:member_id`, "members:read", ent("member", "member_id")),
  r("PATCH", `${S}/members/:member_id`, "members:manage", ent("member", "member_id")),
  r("POST", `${S}/members/:member_id/disable`, "members:manage", ent("member", "member_id")),
  r("GET", "/api/v1/members/:member_id", "members:read", { entity: { kind: "member", param: "member_id" } }),
  // User members
  r("GET", `${S}/user-members`, "user_members:read", sp),
  r("POST", `${S}/user-members`, "user_members:manage", sp),
  r("GET", `${S}/user-members/:user_member_id`, "user_members:read", ent("user_member", "user_member_id")),
  r(
    "PATCH",
    `${S}/user-members/:user_member_id`,
    "user_members:manage",
    ent("user_member", "user_member_id"),
  ),
  r(
    "POST",
    `${S}/user-members/:user_member_id/revoke`,
    "user_members:manage",
    ent("user_member", "user_member_id"),
  ),
  r("GET", "/api/v1/user-members/:user_member_id", "user_members:read", {
    entity: { kind: "user_member", param: "user_member_id" },
  }),
  // Roles
  r("GET", `${S}/roles`, "roles:read", sp),
  r("POST", `${S}/roles`, "roles:manage", sp),
  r("GET", `${S}/roles/:role_id`, "roles:read", ent("role", "role_id")),
  r("PATCH", `${S}/roles/:role_id`, "roles:manage", ent("role", "role_id")),
  r("POST", `${S}/roles/:role_id/disable`, "roles:manage", ent("role", "role_id")),
  r("GET", "/api/v1/roles/:role_id", "roles:read", { entity: { kind: "role", param: "role_id" } }),
  // Member roles (+ member-role-grants alias)
  ...["member-roles", "member-role-grants"].flatMap((seg) => [
    r("GET", `${S}/${seg}`, "roles:read", sp),
    r("POST", `${S}/${seg}`, "roles:manage", sp),
    r("GET", `${S}/${seg}/:member_role_id`, "roles:read", ent("member_role", "member_role_id")),
    r("POST", `${S}/${seg}/:member_role_id/revoke`, "roles:manage", ent("member_role", "member_role_id")),
  ]),
  // Space-nested role permissions use the roles domain
  r("GET", `${S}/role-permissions`, "roles:read", sp),
  r("POST", `${S}/role-permissions`, "roles:manage", sp),
  r(
    "GET",
    `${S}/role-permissions/:role_permission_id`,
    "roles:read",
    ent("role_permission", "role_permission_id"),
  ),
  r(
    "DELETE",
    `${S}/role-permissions/:role_permission_id`,
    "roles:manage",
    ent("role_permission", "role_permission_id"),
  ),
  // Permissions + role permissions (global)
  r("GET", "/api/v1/permissions", "permissions:read"),
  r("POST", "/api/v1/permissions", "permissions:manage"),
  r("GET", "/api/v1/permissions/:permission_id", "permissions:read"),
  r("PATCH", "/api/v1/permissions/:permission_id", "permissions:manage"),
  r("POST", "/api/v1/permissions/:permission_id/disable", "permissions:manage"),
  r("GET", "/api/v1/role-permissions", "permissions:read"),
  r("POST", "/api/v1/role-permissions", "permissions:manage"),
  r("GET", "/api/v1/role-permissions/:role_permission_id", "permissions:read"),
  r("DELETE", "/api/v1/role-permissions/:role_permission_id", "permissions:manage"),
  // Resource registry
  r("GET", "/api/v1/resource-types", "registry:read"),
  r("POST", "/api/v1/resource-types", "registry:manage"),
  r("GET", "/api/v1/resource-types/:resource_type", "registry:read"),
  r("GET", "/api/v1/resource-types/:resource_type/actions", "registry:read"),
  r("POST", "/api/v1/resource-types/:resource_type/actions", "registry:manage"),
  r("GET", "/api/v1/resource-types/:resource_type/mapping", "registry:read"),
  r("POST", "/api/v1/resource-types/:resource_type/mapping", "registry:manage"),
  r("PATCH", "/api/v1/resource-types/:resource_type/mapping", "registry:manage"),
  // Upstream maps PUT to :read (a quirk); we require :manage for every write.
  r("PUT", "/api/v1/resource-types/:resource_type/mapping", "registry:manage"),
  // Resources
  r("GET", "/api/v1/resources", "resources:read", { query: "space_id", reachList: true, subtreeList: true }),
  r("POST", "/api/v1/resources", "resources:manage"),
  r("GET", "/api/v1/resources/:resource_type/:resource_id", "resources:read", {
    entity: { kind: "resource", param: "resource_id" },
  }),
  r("GET", `${S}/resources`, "resources:read", { ...sp, subtreeList: true }),
  r("POST", `${S}/resources`, "resources:manage", sp),
  r("GET", `${S}/resources/:resource_id`, "resources:read", ent("resource", "resource_id")),
  r("PATCH", `${S}/resources/:resource_id`, "resources:manage", ent("resource", "resource_id")),
  r("POST", `${S}/resources/:resource_id/archive`, "resources:manage", ent("resource", "resource_id")),
  // Data Console (feature-flagged; handlers answer FEATURE_DISABLED when off)
  r("GET", "/api/v1/data/tables", "data:read", { query: "space_id" }),
  r("GET", "/api/v1/data/rows/:resource_type", "data:read", { query: "space_id" }),
  r("POST", "/api/v1/data/rows/:resource_type", "data:manage"),
  r("GET", "/api/v1/data/rows/:resource_type/:resource_id", "data:read", {
    entity: { kind: "resource", param: "resource_id" },
  }),
  r("PATCH", "/api/v1/data/rows/:resource_type/:resource_id", "data:manage", {
    entity: { kind: "resource", param: "resource_id" },
  }),
  r("DELETE", "/api/v1/data/rows/:resource_type/:resource_id", "data:manage", {
    entity: { kind: "resource", param: "resource_id" },
  }),
];
