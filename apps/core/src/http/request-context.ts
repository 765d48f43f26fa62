import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
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

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split(".");
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

function normaliseIp(ip: string): string {
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice(7) : ip;
}

/** True when `ip` equals an entry or falls inside an IPv4 CIDR entry of TRUSTED_PROXIES. */
export function isTrustedProxy(ip: string, trusted: readonly string[]): boolean {
  const addr = normaliseIp(ip);
  for (const entry of trusted) {
    if (!entry.includes("/")) {
      if (normaliseIp(entry) === addr) return true;
      continue;
    }
    const [net, bitsText] = entry.split("/");
    const bits = Number(bitsText);
    const a = ipv4ToInt(addr);
    const b = ipv4ToInt(net);
    if (a === null || b === null || !(bits >= 0 && bits <= 32)) continue;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((a & mask) >>> 0 === (b & mask) >>> 0) return true;
  }
  return false;
}

function socketIp(c: Context): string {
  try {
    return normaliseIp(getConnInfo(c).remote.address ?? "");
  } catch {
    return ""; // in-process requests (tests) have no socket
  }
}

/** Client IP from the socket; forwarded headers only when the peer is a trusted proxy. */
export function clientIp(c: Context, trusted: readonly string[]): string {
  const peer = socketIp(c);
  if (peer && trusted.length && isTrustedProxy(peer, trusted)) {
    // Walk X-Forwarded-For from the right (the hops our proxies appended) and take the first
    // address that is not one of our trusted proxies; entries left of it are client-controlled.
    const hops = (c.req.header("x-forwarded-for") ?? "")
      .split(",")
      .map((s) => normaliseIp(s.trim()))
      .filter((s) => s.length > 0);
    for (let i = hops.length - 1; i >= 0; i--) {
      if (!isTrustedProxy(hops[i], trusted)) return hops[i];
    }
    if (hops.length) return hops[0];
    const real = c.req.header("x-real-ip")?.trim();
    if (real) return normaliseIp(real);
  }
  return peer || "127.0.0.1";
}

/** Request id, client IP and UA on the context; security headers and request id on the response. */
export function requestContext(config: Config): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const requestId = resolveRequestId(c.req.header(config.requestIdHeader));
    c.set("requestId", requestId);
    c.set("clientIp", clientIp(c, config.trustedProxies));
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
