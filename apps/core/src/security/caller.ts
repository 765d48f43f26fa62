import type { Principal } from "./principal.ts";

/**
 * Who calls a service and from where: everything a service needs from a request, and nothing of
 * the HTTP framework. Handlers build it with `callerOf(c)` (http/caller.ts); plystractl and tests
 * build one directly, so services run without a web request around them.
 */
export interface Caller {
  /** The credential; undefined for public routes (registration) and for plystractl. */
  principal: Principal | undefined;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** How the call arrived: the HTTP API (default) or plystractl on the server's host. */
  channel?: "http" | "cli";
}

/** A caller that came in over HTTP: the server always knows its request id, ip and user agent. */
export interface HttpCaller extends Caller {
  requestId: string;
  ip: string;
  userAgent: string;
  channel?: "http";
}

/** A caller that has presented a valid credential. */
export type AuthenticatedCaller<P extends Principal = Principal> = HttpCaller & { principal: P };

/** plystractl: an operator on the server's host, audited as `credential_type: "cli"`. */
export function cliCaller(): Caller {
  return { principal: undefined, requestId: null, ip: null, userAgent: "plystractl", channel: "cli" };
}
