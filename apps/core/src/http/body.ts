import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "./errors.ts";
import type { AppEnv } from "./types.ts";

/** Max body bytes, set once by createApp from config. */
let maxBodyBytes = 1_048_576;
export function setMaxBodyBytes(n: number) {
  maxBodyBytes = n;
}

function invalid(message: string, details: unknown = null): AppError {
  return new AppError("VALIDATION_FAILED", message, details);
}

/** Reads the raw body once and parses one JSON object. Empty body → `undefined`. */
export async function readJsonObject(c: Context<AppEnv>): Promise<Record<string, unknown> | undefined> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > maxBodyBytes) throw invalid(`Request body exceeds ${maxBodyBytes} bytes.`);
  const text = await c.req.text();
  if (Buffer.byteLength(text) > maxBodyBytes) throw invalid(`Request body exceeds ${maxBodyBytes} bytes.`);
  if (text.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid("Request body is invalid JSON.");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalid("Request body must contain a single JSON object.");
  }
  return value as Record<string, unknown>;
}

/** Turns zod issues into a message naming the first bad field plus a `fields` detail list. */
export function zodToAppError(error: z.ZodError): AppError {
  const fields = error.issues.map((i) => {
    const path = i.path.join(".");
    if (i.code === "unrecognized_keys") {
      return { field: [path, ...i.keys].filter(Boolean).join(", "), message: "unknown field" };
    }
    return { field: path || "(body)", message: i.message };
  });
  const first = fields[0];
  return invalid(`${first.field}: ${first.message}`, { fields });
}

/**
 * Parses and validates a JSON body against a strict zod schema.
 *
 * @example
 * const body = await parseBody(c, z.strictObject({ email: z.string() }));
 */
export async function parseBody<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
  options: { optional?: boolean } = {},
): Promise<z.output<S>> {
  const raw = await readJsonObject(c);
  if (raw === undefined && !options.optional) throw invalid("Request body is required.");
  const result = schema.safeParse(raw ?? {});
  if (!result.success) throw zodToAppError(result.error);
  return result.data;
}

/** Validates query parameters (all strings) against a zod schema. */
export function parseQuery<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.output<S> {
  const result = schema.safeParse(c.req.query());
  if (!result.success) throw zodToAppError(result.error);
  return result.data;
}
