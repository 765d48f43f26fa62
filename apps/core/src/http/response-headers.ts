import type { Context } from "hono";

/**
 * Sets a header on the response a handler already produced, from middleware running after `next()`.
 *
 * Not `c.header()`: once a response exists, Hono's `c.header()` rebuilds it from its body stream,
 * which turns @hono/node-server's lightweight response (a string body written in one call) into a
 * real `Response` whose body is then read back as a stream: measured at ~6% of Core's CPU per check
 * (docs/benchmarks.md, eighth round). Changing the existing response's headers keeps the fast path.
 */
export function setResponseHeader(c: Context, name: string, value: string): void {
  c.res.headers.set(name, value);
}

/** Appends to a list-valued response header (`Vary`) after `next()`; see setResponseHeader. */
export function appendResponseHeader(c: Context, name: string, value: string): void {
  c.res.headers.append(name, value);
}
