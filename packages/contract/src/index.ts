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
import { DENY_CODES as SPEC_DENY_CODES, ERROR_CODES as SPEC_ERROR_CODES } from "./generated/codes.ts";
import type { components, operations, paths } from "./generated/openapi.ts";
import { SPEC_JSON, SPEC_YAML } from "./generated/spec.ts";

export type { components, operations, paths };
export { OPERATIONS } from "./generated/operations.ts";
export {
  type EntityKind,
  type HttpMethod,
  isPublic,
  type OperationPermission,
  type OperationSpec,
  type PermissionScope,
} from "./operations.ts";

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

/**
 * Every `error.code` the API can answer with, and every deny code a decision can carry (the
 * thirteen v1.0 engine codes plus the fail-closed `ACTOR_NOT_FOUND` and `RESOURCE_NOT_FOUND`).
 * Both lists are generated from the spec's `ErrorCode` and `DenyCode` enums (`src/generated/codes.ts`),
 * so they cannot drift from it.
 */
export type ErrorCode = Schemas["ErrorCode"];
export type DenyCode = Schemas["DenyCode"];
export const ERROR_CODES: readonly ErrorCode[] = SPEC_ERROR_CODES;
export const DENY_CODES: readonly DenyCode[] = SPEC_DENY_CODES;

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
  Assert<Equals<Scope, Schemas["Scope"]>>,
  Assert<Equals<Decision, Schemas["Decision"]>>,
  Assert<Equals<AdminGrantLevel, Schemas["AdminGrantLevel"]>>,
  Assert<Equals<ApiKeyLevel, Schemas["ApiKeyLevel"]>>,
];

/**
 * The OpenAPI document as a plain object: `openapi/plystra.yaml`, embedded at generation time
 * (`src/generated/spec.ts`) so a compiled server needs no file on disk to serve it.
 *
 * @example
 * app.get("/api/v1/openapi.json", (c) => c.json(SPEC_DOCUMENT));
 */
export const SPEC_DOCUMENT: Readonly<Record<string, unknown>> = JSON.parse(SPEC_JSON);

/**
 * The OpenAPI document as YAML, byte-for-byte what `openapi/plystra.yaml` holds.
 *
 * @example
 * const yaml = specYaml();
 */
export function specYaml(): string {
  return SPEC_YAML;
}
