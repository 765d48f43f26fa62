/**
 * @plystra/contract — the wire contract of the Plystra API as TypeScript.
 *
 * Types are generated from `openapi/plystra.yaml` (see `src/generated/openapi.ts`); the code
 * catalogues below are the runtime twins of the spec's `ErrorCode`, `DenyCode`, `Scope`, … enums
 * and are checked against them at compile time.
 *
 * @example
 * ```ts
 * import { DENY_CODES, type Schemas, type SuccessData } from "@plystra/contract";
 *
 * type Check = Schemas["ApiOpenAPIAuthzCheckResponse"];
 * type Created = SuccessData<"createUser">; // Schemas["ApiOpenAPIUser"]
 * const known = DENY_CODES.includes("SCOPE_OUT_OF_BOUNDS");
 * ```
 */
import { fileURLToPath } from "node:url";
import type { components, operations, paths } from "./generated/openapi.ts";

export type { components, operations, paths };

/** Every schema in `components.schemas`, by name. */
export type Schemas = components["schemas"];
/** One schema by name, e.g. `Schema<"ApiOpenAPIUser">`. */
export type Schema<K extends keyof Schemas> = Schemas[K];
/** Every operationId in the spec. */
export type OperationId = keyof operations;

type JsonContent<T> = T extends { content: { "application/json": infer B } } ? B : never;
type SuccessResponse<Op extends OperationId> = operations[Op]["responses"] extends infer R
  ? R extends { 200: infer S }
    ? S
    : R extends { 201: infer S }
      ? S
      : never
  : never;

/** JSON request body of an operation (`never` when it takes none). */
export type RequestBody<Op extends OperationId> = JsonContent<NonNullable<operations[Op]["requestBody"]>>;
/** Full JSON success body (`{data, request_id}` or the list envelope) of an operation. */
export type SuccessBody<Op extends OperationId> = JsonContent<SuccessResponse<Op>>;
/** The `data` member of an operation's success body. */
export type SuccessData<Op extends OperationId> = SuccessBody<Op> extends { data: infer D } ? D : never;

export type ErrorEnvelope = Schemas["ApiOpenAPIErrorEnvelope"];
export type ApiError = Schemas["ApiOpenAPIError"];
export type Pagination = Schemas["ApiOpenAPIPagination"];
export type AuthzRequest = Schemas["ApiAuthzRequest"];
export type AuthzCheckResponse = Schemas["ApiOpenAPIAuthzCheckResponse"];
export type AuthzExplanation = Schemas["ApiOpenAPIAuthzExplanation"];
export type AuthzDecision = Schemas["ApiOpenAPIAuthzDecision"];
export type AuthzAuditContext = Schemas["AuthzAuditContext"];

/** Every `error.code` the API can answer with. */
export const ERROR_CODES = [
  "VALIDATION_FAILED",
  "AUTHENTICATION_REQUIRED",
  "SESSION_EXPIRED",
  "METRICS_TOKEN_REQUIRED",
  "ADMIN_PERMISSION_REQUIRED",
  "INLINE_CONTEXT_REQUIRES_API_KEY",
  "ACTIVE_MEMBER_REQUIRED",
  "REGISTRATION_DISABLED",
  "AUTHORIZATION_DENIED",
  "NOT_FOUND",
  "FEATURE_DISABLED",
  "USER_NOT_FOUND",
  "SPACE_NOT_FOUND",
  "GROUP_NOT_FOUND",
  "MEMBER_NOT_FOUND",
  "USER_MEMBER_NOT_FOUND",
  "ROLE_NOT_FOUND",
  "MEMBER_ROLE_NOT_FOUND",
  "PERMISSION_NOT_FOUND",
  "ROLE_PERMISSION_NOT_FOUND",
  "RESOURCE_TYPE_NOT_FOUND",
  "RESOURCE_ACTION_NOT_FOUND",
  "RESOURCE_MAPPING_NOT_FOUND",
  "RESOURCE_NOT_FOUND",
  "AUDIT_LOG_NOT_FOUND",
  "ADMIN_GRANT_NOT_FOUND",
  "API_KEY_NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "CONFLICT",
  "USER_CREATE_FAILED",
  "ADMIN_GRANT_CREATE_FAILED",
  "API_KEY_CREATE_FAILED",
  "API_KEY_REVOKE_FAILED",
  "LAST_SUPER_ADMIN",
  "INVALID_STATE_TRANSITION",
  "AUTH_RATE_LIMITED",
  "INTERNAL_ERROR",
  "NOT_READY",
  "REGISTRATION_LOCK_UNAVAILABLE",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Every deny code a decision can carry: the thirteen v1.0 engine codes plus the fail-closed
 * `ACTOR_NOT_FOUND` and `RESOURCE_NOT_FOUND`.
 */
export const DENY_CODES = [
  "ACTOR_USER_INACTIVE",
  "ACTOR_MEMBER_INACTIVE",
  "SPACE_INACTIVE",
  "USER_MEMBER_REVOKED",
  "USER_MEMBER_EXPIRED",
  "CROSS_SPACE_VIOLATION",
  "NO_MATCHING_PERMISSION",
  "SCOPE_ANCHOR_MISSING",
  "TARGET_GROUP_MISSING",
  "SCOPE_OUT_OF_BOUNDS",
  "GLOBAL_SCOPE_DISABLED",
  "INVALID_RESOURCE_TYPE",
  "INVALID_RESOURCE_ACTION",
  "ACTOR_NOT_FOUND",
  "RESOURCE_NOT_FOUND",
] as const;
export type DenyCode = (typeof DENY_CODES)[number];

/** Permission scopes. `global` is reserved and never allows. */
export const SCOPES = ["self", "group", "group_tree", "space", "global"] as const;
export type Scope = (typeof SCOPES)[number];

export const DECISIONS = ["allow", "deny"] as const;
export type Decision = (typeof DECISIONS)[number];

export const ADMIN_GRANT_LEVELS = [
  "instance_super_admin",
  "instance_admin",
  "space_admin",
  "group_admin",
] as const;
export type AdminGrantLevel = (typeof ADMIN_GRANT_LEVELS)[number];

export const API_KEY_LEVELS = ["instance", "space", "group"] as const;
export type ApiKeyLevel = (typeof API_KEY_LEVELS)[number];

/** Narrow an unknown string to an {@link ErrorCode}. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

/** Narrow an unknown string to a {@link DenyCode}. */
export function isDenyCode(value: unknown): value is DenyCode {
  return typeof value === "string" && (DENY_CODES as readonly string[]).includes(value);
}

/**
 * Absolute path of `openapi/plystra.yaml`, e.g. for response validation in contract tests.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * const yaml = readFileSync(SPEC_PATH, "utf8");
 * ```
 */
export const SPEC_PATH: string = fileURLToPath(new URL("../../../openapi/plystra.yaml", import.meta.url));

// Compile-time proof that the runtime catalogues equal the spec's enums (typecheck fails on drift).
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type __CatalogueMatchesSpec = [
  Assert<Equals<ErrorCode, Schemas["ErrorCode"]>>,
  Assert<Equals<DenyCode, Schemas["DenyCode"]>>,
  Assert<Equals<Scope, Schemas["Scope"]>>,
  Assert<Equals<Decision, Schemas["Decision"]>>,
  Assert<Equals<AdminGrantLevel, Schemas["AdminGrantLevel"]>>,
  Assert<Equals<ApiKeyLevel, Schemas["ApiKeyLevel"]>>,
];
