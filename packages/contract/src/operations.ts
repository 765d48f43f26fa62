/**
 * The shape of one row of the generated operation table (`src/generated/operations.ts`), which
 * `scripts/gen-operations.mjs` writes from the bundled `openapi/plystra.yaml`: method, paths,
 * parameter names and the operation's `x-plystra-permission` extension (see `openapi/README.md`).
 *
 * @example
 * ```ts
 * import { OPERATIONS } from "@plystra/contract";
 *
 * const op = OPERATIONS.getGroup;
 * op.honoPath; // "/api/v1/spaces/:space_id/groups/:group_id"
 * "key" in op.permission && op.permission.key; // "groups:read"
 * ```
 */

/** Kinds of stored rows whose Space (and Group) a permission check can be scoped by. */
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

/** Where a permission requirement's Space and Group come from. Absent: instance-level only. */
export interface PermissionScope {
  /** The Space id: a path parameter, or the optional narrowing `space_id` query parameter. */
  readonly space?: { readonly param: string } | { readonly query: string };
  /** A stored row named by a path parameter: its Space and Group (when found) scope the check. */
  readonly entity?: { readonly kind: EntityKind; readonly param: string };
  /** The handler filters rows to the caller's Group subtrees, so Group-level holders in the Space pass. */
  readonly subtreeList?: true;
  /** Without a Space to narrow to, any holder of the key passes and the handler filters to its reach. */
  readonly reachList?: true;
}

/** `x-plystra-permission`: either public (with the reason) or an admin permission key. */
export type OperationPermission =
  | { readonly public: string }
  | {
      readonly key: string;
      readonly scope?: PermissionScope;
      /**
       * An API key may be authenticated from the per-process key cache and its liveness confirmed
       * by the handler in its own statement (only the authz check and explain handlers do so).
       */
      readonly deferKeyLiveness?: true;
    };

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** One operation of the contract, as the server mounts it. */
export interface OperationSpec {
  readonly method: HttpMethod;
  /** OpenAPI path template, e.g. `/api/v1/spaces/{space_id}`. */
  readonly path: string;
  /** The same path in Hono's syntax, e.g. `/api/v1/spaces/:space_id`. */
  readonly honoPath: string;
  readonly permission: OperationPermission;
  /** Path parameter names, in path order. */
  readonly pathParams: readonly string[];
  /** Query parameter names the operation declares. */
  readonly queryParams: readonly string[];
}

/** True for an operation the permission middleware lets through without a credential. */
export function isPublic(
  permission: OperationPermission,
): permission is Extract<OperationPermission, { public: string }> {
  return "public" in permission;
}
