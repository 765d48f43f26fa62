import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import proxyaddr from "proxy-addr";

/** `(address) → trusted?` for TRUSTED_PROXIES: IPv4 and IPv6 addresses and CIDR ranges (proxy-addr). */
export type ProxyTrust = (address: string) => boolean;

export function compileTrust(trusted: readonly string[]): ProxyTrust {
  if (trusted.length === 0) return () => false;
  const trust = proxyaddr.compile([...trusted]);
  return (address) => trust(address, 0);
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) as plain IPv4, so one client has one spelling. */
function normaliseIp(ip: string): string {
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice(7) : ip;
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
