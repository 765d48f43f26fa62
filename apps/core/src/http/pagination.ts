import { z } from "zod";
import { validationError } from "./errors.ts";
import type { Pagination } from "./envelope.ts";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** `limit` (1..200, default 50) and opaque `cursor`; merge into a list route's query schema. */
export const pageQuery = {
  limit: z.coerce
    .number({ message: "limit must be an integer between 1 and 200" })
    .int("limit must be an integer between 1 and 200")
    .min(1, "limit must be an integer between 1 and 200")
    .max(MAX_LIMIT, "limit must be an integer between 1 and 200")
    .default(DEFAULT_LIMIT),
  cursor: z.string().min(1).optional(),
};

interface CursorBody {
  /** Which list issued it; a cursor from another list is rejected. */
  l: string;
  /** Sort key values of the last row returned. */
  k: (string | number)[];
}

export function encodeCursor(list: string, key: (string | number)[]): string {
  return Buffer.from(JSON.stringify({ l: list, k: key } satisfies CursorBody)).toString("base64url");
}

/**
 * Decodes a cursor issued by `list` whose key has the given shape (default: one string id);
 * anything else — another list's cursor, a tampered key — is a 400 naming `cursor`.
 */
export function decodeCursor(
  list: string,
  cursor: string | undefined,
  shape: readonly ("string" | "number")[] = ["string"],
): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const body = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as CursorBody;
    const k = body?.k;
    if (
      body.l === list &&
      Array.isArray(k) &&
      k.length === shape.length &&
      k.every((v, i) => (shape[i] === "number" ? Number.isSafeInteger(v) : typeof v === "string"))
    ) {
      return k;
    }
  } catch {
    /* fall through */
  }
  throw validationError("cursor", "is not a valid cursor for this list");
}

/**
 * Given `limit + 1` fetched rows, trims to `limit` and builds truthful pagination.
 *
 * @example
 * const rows = await q.limit(limit + 1).execute();
 * const { items, pagination } = finishPage("users", rows, limit, (r) => [r.id]);
 */
export function finishPage<T>(
  list: string,
  rows: T[],
  limit: number,
  keyOf: (row: T) => (string | number)[],
): { items: T[]; pagination: Pagination } {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return {
    items,
    pagination: {
      limit,
      cursor: hasMore && last ? encodeCursor(list, keyOf(last)) : null,
      has_more: hasMore,
    },
  };
}
