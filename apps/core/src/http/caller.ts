import type { Context } from "hono";
import type { Deps } from "../deps.ts";
import { requirePrincipal } from "../security/authenticate.ts";
import type { AuthenticatedCaller, HttpCaller } from "../security/caller.ts";
import type { AppEnv } from "./types.ts";

/** The service-facing view of a request: its credential (if any), request id, client ip and user agent. */
export function callerOf(c: Context<AppEnv>): HttpCaller {
  return {
    principal: c.get("principal"),
    requestId: c.get("requestId"),
    ip: c.get("clientIp"),
    userAgent: c.get("userAgent"),
  };
}

/** `callerOf` for routes that need a credential: 401 AUTHENTICATION_REQUIRED without a valid one. */
export async function authenticatedCallerOf(deps: Deps, c: Context<AppEnv>): Promise<AuthenticatedCaller> {
  const principal = await requirePrincipal(deps, c);
  return { ...callerOf(c), principal };
}
