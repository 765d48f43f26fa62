import type { IncomingMessage } from "node:http";
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

const utf8 = new TextDecoder(); // strips a leading BOM, like Request.text()

/**
 * Under @hono/node-server, `c.req.text()` first builds a full Fetch `Request` (abort controller,
 * header copy, web stream over the socket): several percent of Core's CPU on the check. Reading
 * the Node request directly skips that. Returns undefined when there is no unread Node request
 * (in-process `app.request`, or a body something else already started reading).
 */
function readNodeBody(c: Context<AppEnv>, limit: number): Promise<string> | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || typeof incoming.on !== "function" || incoming.readableDidRead || incoming.readableEnded) {
    return undefined;
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
      incoming.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // The adapter drains the rest once the error response is sent.
        cleanup();
        reject(invalid(`Request body exceeds ${limit} bytes.`));
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(invalid("Request body was not received completely."));
    };
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
    incoming.on("close", onClose);
  });
}

/** Reads the raw body once and parses one JSON object. Empty body → `undefined`. */
export async function readJsonObject(c: Context<AppEnv>): Promise<Record<string, unknown> | undefined> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > maxBodyBytes) throw invalid(`Request body exceeds ${maxBodyBytes} bytes.`);
  const text = await (readNodeBody(c, maxBodyBytes) ?? c.req.text());
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
  if (nestedDeeperThan(value, MAX_JSON_DEPTH)) {
    throw invalid(`Request body is nested deeper than ${MAX_JSON_DEPTH} levels.`, {
      reason: `nested deeper than ${MAX_JSON_DEPTH} levels`,
    });
  }
  // PostgreSQL text cannot hold U+0000; refuse it here with the field's path instead of failing
  // (with a 500) deep inside a write. Only possible when the raw text carries the escape.
  if (text.includes("\\u0000")) {
    const path = nulPath(value, "");
    if (path !== null) {
      throw invalid(`${path || "(body)"}: must not contain the NUL character (\\u0000)`, {
        field: path,
        reason: "contains U+0000",
      });
    }
  }
  return value as Record<string, unknown>;
}

/**
 * Deepest nesting a body may have: far beyond any real request, and far below what the recursive
 * walks after parsing (validation, NUL scan, PostgreSQL's jsonb input) survive.
 */
const MAX_JSON_DEPTH = 64;

function nestedDeeperThan(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== "object") return false;
  if (levels === 0) return true;
  if (Array.isArray(value)) {
    for (const v of value) if (nestedDeeperThan(v, levels - 1)) return true;
    return false;
  }
  for (const k in value) if (nestedDeeperThan((value as Record<string, unknown>)[k], levels - 1)) return true;
  return false;
}

/** Path of the first key or string containing U+0000, or null. */
function nulPath(value: unknown, path: string): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = nulPath(value[i], `${path}[${i}]`);
      if (p !== null) return p;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const here = path ? `${path}.${k}` : k;
      if (k.includes("\u0000")) return here;
      const p = nulPath(v, here);
      if (p !== null) return p;
    }
  }
  return null;
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
