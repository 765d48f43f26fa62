import type { Schemas } from "@plystra/contract";
import type { DenyCode } from "@plystra/engine";

/**
 * The one error catalog: code → HTTP status → safe default message.
 * Handlers throw `new AppError("CODE", message?, details?)`; they never pick status numbers.
 */
export const ERROR_CATALOG = {
  VALIDATION_FAILED: [400, "Request validation failed."],
  AUTHENTICATION_REQUIRED: [401, "A valid access token or API key is required."],
  SESSION_EXPIRED: [401, "Refresh token is invalid or expired."],
  METRICS_TOKEN_REQUIRED: [401, "A metrics token or a credential with metrics:read is required."],
  ADMIN_PERMISSION_REQUIRED: [403, "The credential lacks the required admin permission."],
  INLINE_CONTEXT_REQUIRES_API_KEY: [403, "Inline authorization context requires an API key."],
  ACTIVE_MEMBER_REQUIRED: [403, "An active Member binding is required."],
  REGISTRATION_DISABLED: [403, "Registration is disabled."],
  AUTHORIZATION_DENIED: [403, "The authorization check denied this action."],
  NOT_FOUND: [404, "Route not found."],
  FEATURE_DISABLED: [404, "This feature is disabled."],
  USER_NOT_FOUND: [404, "User not found."],
  SPACE_NOT_FOUND: [404, "Space not found."],
  GROUP_NOT_FOUND: [404, "Group not found."],
  MEMBER_NOT_FOUND: [404, "Member not found."],
  USER_MEMBER_NOT_FOUND: [404, "UserMember not found."],
  ROLE_NOT_FOUND: [404, "Role not found."],
  MEMBER_ROLE_NOT_FOUND: [404, "MemberRole not found."],
  PERMISSION_NOT_FOUND: [404, "Permission not found."],
  ROLE_PERMISSION_NOT_FOUND: [404, "RolePermission not found."],
  RESOURCE_TYPE_NOT_FOUND: [404, "Resource type not found."],
  RESOURCE_ACTION_NOT_FOUND: [404, "Resource action not found."],
  RESOURCE_MAPPING_NOT_FOUND: [404, "Resource mapping not found."],
  RESOURCE_NOT_FOUND: [404, "Resource not found."],
  AUDIT_LOG_NOT_FOUND: [404, "Audit log not found."],
  ADMIN_GRANT_NOT_FOUND: [404, "Admin grant not found."],
  API_KEY_NOT_FOUND: [404, "API key not found."],
  METHOD_NOT_ALLOWED: [405, "Method not allowed for this route."],
  CONFLICT: [409, "The request conflicts with an existing record."],
  USER_CREATE_FAILED: [409, "User could not be created."],
  ADMIN_GRANT_CREATE_FAILED: [409, "Admin grant could not be created."],
  API_KEY_CREATE_FAILED: [409, "API key could not be created."],
  API_KEY_REVOKE_FAILED: [409, "API key could not be revoked."],
  LAST_SUPER_ADMIN: [409, "The last active instance super admin grant cannot be revoked."],
  INVALID_STATE_TRANSITION: [409, "The record cannot move to the requested status."],
  AUTH_RATE_LIMITED: [429, "Too many failed login attempts; try again later."],
  INTERNAL_ERROR: [500, "Request handling failed."],
  NOT_READY: [503, "Service is not ready."],
  REGISTRATION_LOCK_UNAVAILABLE: [503, "Registration is temporarily unavailable."],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

// Compile-time proof that the code lists exist once: the catalog above and the engine's deny codes
// equal the spec's `ErrorCode` and `DenyCode` enums. Adding or removing a code on one side only
// fails `pnpm typecheck` here; add it to the spec (and regenerate) or drop it.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type __CodeListsMatchSpec = [
  Assert<Equals<ErrorCode, Schemas["ErrorCode"]>>,
  Assert<Equals<DenyCode, Schemas["DenyCode"]>>,
];

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details: unknown = null,
    /** Extra members of the error object (e.g. deny_code, trace_id, audit_log_id). */
    readonly extra: Record<string, unknown> = {},
    /** Extra response headers (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? ERROR_CATALOG[code][1]);
    this.status = ERROR_CATALOG[code][0];
  }
}

/** A 400 naming the offending field. */
export function validationError(field: string, reason: string, message?: string): AppError {
  return new AppError("VALIDATION_FAILED", message ?? `${field}: ${reason}`, { field, reason });
}

export function notFound(code: ErrorCode & `${string}_NOT_FOUND`, id?: string): AppError {
  return new AppError(code, undefined, id === undefined ? null : { id });
}
