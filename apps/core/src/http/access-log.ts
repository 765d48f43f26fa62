import { routePath } from "hono/route";
import type { MiddlewareHandler } from "hono";
import type { Deps } from "../deps.ts";
import type { AppEnv } from "./types.ts";

/** One structured line per request (fields of the upstream logging contract) + the HTTP histogram. */
export function accessLog(deps: Pick<Deps, "logger" | "metrics">): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const logger = deps.logger.child({ request_id: c.get("requestId") });
    c.set("logger", logger);
    await next();
    const latency = performance.now() - started;
    const status = c.res.status;
    let route = c.get("routePattern");
    if (!route) {
      try {
        route = routePath(c);
      } catch {
        route = "unmatched";
      }
    }
    if (!route || route === "/*" || route === "*") route = "unmatched";
    deps.metrics.httpDuration.observe(
      { method: c.req.method, route, status: String(status) },
      latency / 1000,
    );
    // The line is info (error from 500): skip building it when that level is off (LOG_LEVEL=warn).
    if (status < 500 && !deps.logger.isLevelEnabled("info")) return;
    const entry: Record<string, unknown> = {
      request_id: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status,
      status_code: status,
      latency_ms: Math.round(latency * 100) / 100,
      remote_ip: c.get("clientIp"),
      user_agent: c.get("userAgent"),
      // Every response body goes through envelope.json (or records its size), so this is exact.
      bytes: c.get("responseBytes") ?? 0,
    };
    const errorCode = c.get("errorCode");
    if (errorCode) entry.error_code = errorCode;
    const traceId = c.get("traceId");
    if (traceId) entry.trace_id = traceId;
    const auditLogId = c.get("auditLogId");
    if (auditLogId) entry.audit_log_id = auditLogId;
    if (status >= 500) deps.logger.error(entry, "request");
    else deps.logger.info(entry, "request");
  };
}
