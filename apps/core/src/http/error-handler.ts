import type { Context } from "hono";
import type { Config } from "../config.ts";
import { databaseUnavailable, isDatabaseUnavailable } from "./db-unavailable.ts";
import { json } from "./envelope.ts";
import { AppError, validationError } from "./errors.ts";
import type { AppEnv } from "./types.ts";

/** Renders any AppError as the standard envelope. */
export function renderError(c: Context<AppEnv>, err: AppError, config: Pick<Config, "isProduction">) {
  const requestId = c.get("requestId");
  c.set("errorCode", err.code);
  // A denied decision's ids go to the access log and metrics, as on an allow.
  if (typeof err.extra?.trace_id === "string") c.set("traceId", err.extra.trace_id);
  if (typeof err.extra?.audit_log_id === "string") c.set("auditLogId", err.extra.audit_log_id);
  c.header("X-Plystra-Error-Code", err.code);
  for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
  const details = err.status >= 500 && config.isProduction ? null : (err.details ?? null);
  return json(
    c,
    {
      error: { code: err.code, message: err.message, details, request_id: requestId, ...err.extra },
      request_id: requestId,
    },
    err.status,
  );
}

/**
 * PostgreSQL data errors that only a request's own raw values can cause (a NUL character in a path
 * or query parameter, a timestamp PostgreSQL cannot represent). Everything typed is validated
 * before it reaches SQL, so other data errors stay 500s: they would be our bugs.
 */
const INPUT_DATA_ERRORS: Record<string, string> = {
  "22021": "contains a character that cannot be stored (such as U+0000)",
  "22P05": "contains a character that cannot be stored (such as U+0000)",
  "22007": "has an invalid date/time value",
  "22008": "has a date/time value out of range",
};

/** app.onError: AppError → envelope; anything else → safe 500 and a log line with the request id. */
export function errorHandler(config: Config) {
  return (err: Error, c: Context<AppEnv>) => {
    if (err instanceof AppError) return renderError(c, err, config);
    // The database went away (restart, failover, network): a retryable 503, not a 500.
    if (isDatabaseUnavailable(err)) return renderError(c, databaseUnavailable(), config);
    const pgCode = (err as { code?: unknown }).code;
    if (typeof pgCode === "string" && INPUT_DATA_ERRORS[pgCode]) {
      return renderError(
        c,
        validationError("(request)", INPUT_DATA_ERRORS[pgCode], `The request ${INPUT_DATA_ERRORS[pgCode]}.`),
        config,
      );
    }
    const logger = c.get("logger");
    logger?.error(
      { err: { message: err.message, stack: err.stack }, request_id: c.get("requestId") },
      "unhandled error",
    );
    return renderError(c, new AppError("INTERNAL_ERROR"), config);
  };
}
