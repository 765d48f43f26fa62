import type { DenyCode, ErrorCode } from "./types";

/**
 * Base of every error the SDK throws. Deny decisions are never errors: `authz.check` returns them.
 *
 * @example
 * ```ts
 * try {
 *   await client.users.get("user_missing");
 * } catch (err) {
 *   if (err instanceof PlystraNotFoundError) console.log(err.code, err.requestId);
 *   else throw err;
 * }
 * ```
 */
export class PlystraError extends Error {
  override name = "PlystraError";
}

/** Fields of an `{error: {...}}` envelope plus the HTTP status. */
export interface PlystraApiErrorInit {
  status: number;
  code: ErrorCode | (string & {});
  message: string;
  details?: unknown;
  requestId?: string | null;
  traceId?: string | null;
  auditLogId?: string | null;
  denyCode?: DenyCode | null;
  retryAfterMs?: number | null;
  headers?: Headers;
}

/** The server answered with an error envelope (any non-2xx status). */
export class PlystraApiError extends PlystraError {
  override name = "PlystraApiError";
  /** HTTP status code. */
  readonly status: number;
  /** Stable UPPER_SNAKE error code, e.g. `VALIDATION_FAILED`. */
  readonly code: ErrorCode | (string & {});
  /** Structured context, e.g. `{field, reason}` for validation failures. */
  readonly details: unknown;
  /** The request id the server answered with (quote it in bug reports). */
  readonly requestId: string | null;
  readonly traceId: string | null;
  readonly auditLogId: string | null;
  readonly denyCode: DenyCode | null;
  /** Delay the server asked for via `Retry-After`, in milliseconds. */
  readonly retryAfterMs: number | null;
  readonly headers: Headers | null;

  constructor(init: PlystraApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? null;
    this.requestId = init.requestId ?? null;
    this.traceId = init.traceId ?? null;
    this.auditLogId = init.auditLogId ?? null;
    this.denyCode = init.denyCode ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.headers = init.headers ?? null;
  }
}

/** 400: the request was malformed; `details.field` names the offending field. */
export class PlystraValidationError extends PlystraApiError {
  override name = "PlystraValidationError";
  /** The offending fields the server named (`details.field` or `details.fields[].field`). */
  get fields(): string[] {
    const d = this.details as { field?: unknown; fields?: unknown } | null;
    if (!d || typeof d !== "object") return [];
    const out: string[] = [];
    if (typeof d.field === "string") out.push(d.field);
    if (Array.isArray(d.fields)) {
      for (const f of d.fields) {
        const name = (f as { field?: unknown } | null)?.field;
        if (typeof name === "string" && !out.includes(name)) out.push(name);
      }
    }
    return out;
  }
  /** The first offending field, when the server named one. */
  get field(): string | null {
    return this.fields[0] ?? null;
  }
}
/** 401: missing, invalid or expired credentials (`AUTHENTICATION_REQUIRED`, `SESSION_EXPIRED`). */
export class PlystraAuthError extends PlystraApiError {
  override name = "PlystraAuthError";
}
/** 403: the credential lacks an admin permission (`details.permission`) or similar. */
export class PlystraAuthorizationError extends PlystraApiError {
  override name = "PlystraAuthorizationError";
}
/** 404: the addressed entity does not exist or is not visible to the credential. */
export class PlystraNotFoundError extends PlystraApiError {
  override name = "PlystraNotFoundError";
}
/** 409: uniqueness or state conflict. */
export class PlystraConflictError extends PlystraApiError {
  override name = "PlystraConflictError";
}
/** 429: rate limited; `retryAfterMs` says when to try again. */
export class PlystraRateLimitError extends PlystraApiError {
  override name = "PlystraRateLimitError";
}
/** 5xx: the server failed or is not ready. */
export class PlystraServerError extends PlystraApiError {
  override name = "PlystraServerError";
}

/** The request never produced an HTTP response (DNS, connection refused, reset, …). */
export class PlystraNetworkError extends PlystraError {
  override name = "PlystraNetworkError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The call did not finish within its `timeoutMs` deadline. */
export class PlystraTimeoutError extends PlystraError {
  override name = "PlystraTimeoutError";
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`Request timed out after ${timeoutMs} ms.`);
    this.timeoutMs = timeoutMs;
  }
}

/** Builds the error subclass that matches an HTTP status. */
export function apiErrorFor(init: PlystraApiErrorInit): PlystraApiError {
  switch (init.status) {
    case 400:
      return new PlystraValidationError(init);
    case 401:
      return new PlystraAuthError(init);
    case 403:
      return new PlystraAuthorizationError(init);
    case 404:
      return new PlystraNotFoundError(init);
    case 409:
      return new PlystraConflictError(init);
    case 429:
      return new PlystraRateLimitError(init);
    default:
      return init.status >= 500 ? new PlystraServerError(init) : new PlystraApiError(init);
  }
}
