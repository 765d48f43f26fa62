import type { MiddlewareHandler } from "hono";
import { cors as honoCors } from "hono/cors";
import type { Config } from "../config.ts";
import type { AppEnv } from "./types.ts";

const ALLOW_HEADERS = [
  "Authorization",
  "Content-Type",
  "X-Request-ID",
  "X-Plystra-Metrics-Token",
  "X-Plystra-API-Key",
];
const ALLOW_METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"];
const EXPOSE_HEADERS = ["X-Request-ID", "X-Plystra-Trace-ID", "X-Plystra-Audit-Log-ID", "Retry-After"];
/** Browsers may reuse a preflight answer this long (seconds); Chromium caps it at 7200. */
const PREFLIGHT_MAX_AGE = 600;

/**
 * CORS (hono/cors): an allowed Origin is echoed (`*` when configured, never in production); an
 * OPTIONS preflight is answered 204 here, before authentication.
 */
export function cors(config: Config): MiddlewareHandler<AppEnv> {
  const allowed = new Set(config.corsAllowedOrigins);
  return honoCors({
    origin: allowed.has("*") ? "*" : (origin) => (allowed.has(origin) ? origin : null),
    allowHeaders: ALLOW_HEADERS,
    allowMethods: ALLOW_METHODS,
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE,
  });
}
