import type { components, operations, paths } from "./generated/openapi";

export type { components, operations, paths };

/** Every schema of the contract by name, e.g. `Schemas["ApiOpenAPIUser"]`. */
export type Schemas = components["schemas"];
/** Every operationId of the contract. */
export type OperationId = keyof operations;

type JsonContent<T> = T extends { content: { "application/json": infer B } } ? B : never;
type SuccessResponse<Op extends OperationId> = operations[Op]["responses"] extends infer R
  ? R extends { 200: infer S }
    ? S
    : R extends { 201: infer S }
      ? S
      : never
  : never;

/** JSON request body of an operation. */
export type RequestBody<Op extends OperationId> = JsonContent<NonNullable<operations[Op]["requestBody"]>>;
/** Query parameters of an operation (`{}` when it takes none). */
export type QueryParams<Op extends OperationId> = operations[Op]["parameters"] extends { query?: infer Q }
  ? [NonNullable<Q>] extends [never]
    ? Record<string, never>
    : NonNullable<Q>
  : Record<string, never>;
/** Path parameters of an operation. */
export type PathParams<Op extends OperationId> = operations[Op]["parameters"] extends { path?: infer P }
  ? NonNullable<P>
  : never;
/** Full JSON success body of an operation (`{data, request_id}` or the list envelope). */
export type ResponseBody<Op extends OperationId> = JsonContent<SuccessResponse<Op>>;
/** The `data` member of an operation's success body. */
export type ResponseData<Op extends OperationId> = ResponseBody<Op> extends { data: infer D } ? D : never;
/** One item of a list operation's `data` array. */
export type ListItem<Op extends OperationId> = ResponseData<Op> extends (infer I)[] ? I : never;

export type ErrorCode = Schemas["ErrorCode"];
export type DenyCode = Schemas["DenyCode"];
export type Pagination = Schemas["ApiOpenAPIPagination"];

/** Input of `authz.check` / `authz.explain`: managed mode (stored actor/resource) or Context Mode. */
export type AuthzCheckInput = Schemas["ApiAuthzRequest"];
/** The decision returned by `authz.check`; a deny is a value (`allow: false`), never an exception. */
export type AuthzCheckResult = Schemas["ApiOpenAPIAuthzCheckResponse"];
export type AuthzExplainResult = ResponseData<"explainAuthorization">;
export type LoginInput = Schemas["ApiAuthLoginRequest"];
export type LoginResult = Schemas["ApiOpenAPILoginResponse"];
export type RefreshResult = Schemas["ApiOpenAPIRefreshResponse"];

/** Session tokens held by a client in token mode. */
export interface Tokens {
  accessToken: string | null;
  refreshToken: string | null;
  /** Access-token expiry (ISO 8601) when known. */
  expiresAt?: string | null;
  /** Refresh-token expiry (ISO 8601) when known. */
  refreshExpiresAt?: string | null;
}

/** Per-call options accepted by every SDK method. */
export interface RequestOptions {
  /** Sent as `X-Request-ID`; the server echoes it and records it in audit rows. */
  requestId?: string;
  /** Cancels the call (the SDK rethrows the signal's reason). */
  signal?: AbortSignal;
  /** Deadline for the whole call, retries and token refresh included. */
  timeoutMs?: number;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}
