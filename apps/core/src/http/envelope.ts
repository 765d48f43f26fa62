import type { Context } from "hono";
import type { AppEnv } from "./types.ts";

export interface Pagination {
  limit: number;
  cursor: string | null;
  has_more: boolean;
}

/**
 * A JSON response whose size the request log records as `bytes`. The size goes on the context, not
 * in a Content-Length header: when an error replaces a response, Hono copies the old response's
 * headers onto the new one, so a header would carry the first body's length (and hang clients).
 */
export function json(c: Context<AppEnv>, value: unknown, status: number) {
  const text = JSON.stringify(value);
  c.set("responseBytes", Buffer.byteLength(text));
  return c.body(text, status as 200, { "Content-Type": "application/json" });
}

/** `{data, request_id}` with the given status (200 unless a create). */
export function ok<T>(c: Context<AppEnv>, data: T, status: 200 | 201 = 200) {
  return json(c, { data, request_id: c.get("requestId") }, status);
}

export function created<T>(c: Context<AppEnv>, data: T) {
  return ok(c, data, 201);
}

/** `{data:[…], pagination, request_id}`. */
export function page<T>(c: Context<AppEnv>, data: T[], pagination: Pagination) {
  return json(c, { data, pagination, request_id: c.get("requestId") }, 200);
}
