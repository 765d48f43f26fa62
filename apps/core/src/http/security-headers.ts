import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { setResponseHeader } from "./response-headers.ts";
import type { AppEnv } from "./types.ts";

/**
 * The response headers every answer carries (hono/secure-headers), with the values Core has always
 * sent: `nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`. The library's other
 * defaults (HSTS, COOP/CORP, …) stay off: HSTS belongs to the TLS-terminating proxy, and the
 * rest would change what existing clients see. Pages that need a CSP (the API reference) set their own.
 */
const secure = secureHeaders({
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer",
  xContentTypeOptions: "nosniff",
  strictTransportSecurity: false,
  crossOriginResourcePolicy: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
});

/** Security headers, and `Cache-Control: no-store` on every response: answers carry credentials and decisions. */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await secure(c, async () => {
      await next();
      setResponseHeader(c, "Cache-Control", "no-store");
    });
  };
}
