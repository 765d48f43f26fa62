import type { MiddlewareHandler } from "hono";
import type { Config } from "../config.ts";
import { newRequestId } from "../lib/ids.ts";
import { clientIp, compileTrust } from "./client-ip.ts";
import { setResponseHeader } from "./response-headers.ts";
import type { AppEnv } from "./types.ts";

const VALID_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** Adopts a well-formed incoming request id (printable ASCII, no quotes/backslash), else `req_…`. */
export function resolveRequestId(incoming: string | undefined): string {
  const v = incoming?.trim();
  if (v && VALID_REQUEST_ID.test(v) && !/["'\\]/.test(v)) return v;
  return newRequestId();
}

/** Request id, client IP and user agent on the context (what `callerOf` reads); the request id echoed on the response. */
export function requestContext(config: Config): MiddlewareHandler<AppEnv> {
  const isTrusted = compileTrust(config.trustedProxies);
  return async (c, next) => {
    const requestId = resolveRequestId(c.req.header(config.requestIdHeader));
    c.set("requestId", requestId);
    c.set("clientIp", clientIp(c, isTrusted));
    c.set("userAgent", c.req.header("user-agent") ?? "");
    await next();
    setResponseHeader(c, config.requestIdHeader, requestId);
  };
}
