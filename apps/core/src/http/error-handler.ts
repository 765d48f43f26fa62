import type { Context } from "hono";
import type { Config } from "../config.ts";
import { AppError } from "./errors.ts";
import type { AppEnv } from "./types.ts";

/** Renders any AppError as the standard envelope. */
export function renderError(c: Context<AppEnv>, err: AppError, config: Pick<Config, "isProduction">) {
  const requestId = c.get("requestId");
  c.set("errorCode", err.code);
  c.header("X-Plystra-Error-Code", err.code);
  for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
  const details = err.status >= 500 && config.isProduction ? null : (err.details ?? null);
  return c.json(
    {
      error: { code: err.code, message: err.message, details, request_id: requestId, ...err.extra },
      request_id: requestId,
    },
    err.status as 400,
  );
}

/** app.onError: AppError → envelope; anything else → safe 500 and a log line with the request id. */
export function errorHandler(config: Config) {
  return (err: Error, c: Context<AppEnv>) => {
    if (err instanceof AppError) return renderError(c, err, config);
    const logger = c.get("logger");
    logger?.error(
      { err: { message: err.message, stack: err.stack }, request_id: c.get("requestId") },
      "unhandled error",
    );
    return renderError(c, new AppError("INTERNAL_ERROR"), config);
  };
}
