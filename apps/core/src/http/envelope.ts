import type { Context } from "hono";
import type { AppEnv } from "./types.ts";

export interface Pagination {
  limit: number;
  cursor: string | null;
  has_more: boolean;
}

/** `{data, request_id}` with the given status (200 unless a create). */
export function ok<T>(c: Context<AppEnv>, data: T, status: 200 | 201 = 200) {
  return c.json({ data, request_id: c.get("requestId") }, status);
}

export function created<T>(c: Context<AppEnv>, data: T) {
  return ok(c, data, 201);
}

/** `{data:[…], pagination, request_id}`. */
export function page<T>(c: Context<AppEnv>, data: T[], pagination: Pagination) {
  return c.json({ data, pagination, request_id: c.get("requestId") }, 200);
}
