import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import proxyaddr from "proxy-addr";
import type { Config } from "../config.ts";
import { newRequestId } from "../lib/ids.ts";
import type { AppEnv } from "./types.ts";

const VALID_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** Adopts a well-formed incoming request id (printable ASCII, no quotes/backslash), else `req_…`. */
export function resolveRequestId(incoming: string | undefined): string {
  const v = incoming?.trim();
  if (v && VALID_REQUEST_ID.test(v) && !/["'\\]/.test(v)) return v;
  return newRequestId();
}

function normaliseIp(ip: string): string {
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice(7) : ip;
}

/** `(address) → trusted?` for TRUSTED_PROXIES: IPv4 and IPv6 addresses and CIDR ranges (proxy-addr). */
export type ProxyTrust = (address: string) => boolean;

export function compileTrust(trusted: readonly string[]): ProxyTrust {
  if (trusted.length === 0) return () => false;
  const trust = proxyaddr.compile([...trusted]);
  return (address) => trust(address, 0);
}

function socketIp(c: Context): string {
  try {
    return normaliseIp(getConnInfo(c).remote.address ?? "");
  } catch {
    return ""; // in-process requests (tests) have no socket
  }
}

/** Client IP from the socket; forwarded headers only when the peer is a trusted proxy. */
export function clientIp(c: Context, isTrusted: ProxyTrust): string {
  const peer = socketIp(c);
  if (peer && isTrusted(peer)) {
    // Walk X-Forwarded-For from the right (the hops our proxies appended) and take the first
    // address that is not one of our trusted proxies; entries left of it are client-controlled.
    const hops = (c.req.header("x-forwarded-for") ?? "")
      .split(",")
      .map((s) => normaliseIp(s.trim()))
      .filter((s) => s.length > 0);
    for (let i = hops.length - 1; i >= 0; i--) {
      if (!isTrusted(hops[i])) return hops[i];
    }
    if (hops.length) return hops[0];
    const real = c.req.header("x-real-ip")?.trim();
    if (real) return normaliseIp(real);
  }
  return peer || "127.0.0.1";
}

/** Request id, client IP and UA on the context; security headers and request id on the response. */
export function requestContext(config: Config): MiddlewareHandler<AppEnv> {
  const isTrusted = compileTrust(config.trustedProxies);
  return async (c, next) => {
    const requestId = resolveRequestId(c.req.header(config.requestIdHeader));
    c.set("requestId", requestId);
    c.set("clientIp", clientIp(c, isTrusted));
    c.set("userAgent", c.req.header("user-agent") ?? "");
    await next();
    c.header(config.requestIdHeader, requestId);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("X-Frame-Options", "DENY");
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cache-Control", "no-store");
  };
}

const ALLOW_HEADERS = "Authorization, Content-Type, X-Request-ID, X-Plystra-Metrics-Token, X-Plystra-API-Key";
const ALLOW_METHODS = "GET, POST, PATCH, PUT, DELETE, OPTIONS";

/** CORS: echo an allowed Origin (or `*` when configured); OPTIONS preflight → 204 without auth. */
export function cors(config: Config): MiddlewareHandler<AppEnv> {
  const wildcard = config.corsAllowedOrigins.includes("*");
  const allowed = new Set(config.corsAllowedOrigins);
  return async (c, next) => {
    const origin = c.req.header("origin");
    const setHeaders = () => {
      if (wildcard) c.header("Access-Control-Allow-Origin", "*");
      else if (origin && allowed.has(origin)) {
        c.header("Access-Control-Allow-Origin", origin);
        c.header("Vary", "Origin");
      }
      c.header("Access-Control-Allow-Headers", ALLOW_HEADERS);
      c.header("Access-Control-Allow-Methods", ALLOW_METHODS);
      c.header(
        "Access-Control-Expose-Headers",
        "X-Request-ID, X-Plystra-Trace-ID, X-Plystra-Audit-Log-ID, Retry-After",
      );
    };
    if (c.req.method === "OPTIONS") {
      setHeaders();
      return c.body(null, 204);
    }
    await next();
    setHeaders();
  };
}
