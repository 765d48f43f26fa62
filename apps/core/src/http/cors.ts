import type { MiddlewareHandler } from "hono";
import { cors as honoCors } from "hono/cors";
import type { Config } from "../config.ts";
import { appendResponseHeader, setResponseHeader } from "./response-headers.ts";
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
 *
 * A request without an `Origin` header (every server-to-server call, such as a backend's
 * authorization check) is not a CORS request: it gets the two headers hono/cors would add
 * (`Access-Control-Expose-Headers`, and `Vary: Origin` unless any origin is allowed) without
 * running it, because hono/cors touches the response before the handler runs, which makes Hono
 * rebuild every response through a stream (see response-headers.ts). Browsers always send `Origin`
 * on cross-origin requests, so they still get the library's full handling.
 */
export function cors(config: Config): MiddlewareHandler<AppEnv> {
  const allowed = new Set(config.corsAllowedOrigins);
  const any = allowed.has("*");
  const library = honoCors({
    origin: any ? "*" : (origin) => (allowed.has(origin) ? origin : null),
    allowHeaders: ALLOW_HEADERS,
    allowMethods: ALLOW_METHODS,
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE,
  });
  const expose = EXPOSE_HEADERS.join(",");
  return async (c, next) => {
    if (c.req.method === "OPTIONS" || c.req.header("origin")) return library(c, next);
    await next();
    setResponseHeader(c, "Access-Control-Expose-Headers", expose);
    if (!any) appendResponseHeader(c, "Vary", "Origin");
  };
}
