import type { Context } from "hono";
import type { AppEnv } from "./types.ts";

export interface Pagination {
  limit: number;
  cursor: string | null;
  has_more: boolean;
}

/**
 * A JSON response with its Content-Length set, so the request log can record `bytes` (Hono's
 * `c.json` leaves the length to the server adapter, after the log middleware has run).
 */
export function json(c: Context<AppEnv>, value: unknown, status: number) {
  const text = JSON.stringify(value);
  return c.body(text, status as 200, {
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(text)),
  });
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
