import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import type { z } from "zod";
import { type AppError, validationError } from "./errors.ts";
import type { AppEnv } from "./types.ts";

/** Max body bytes, set once by createApp from config. */
let maxBodyBytes = 1_048_576;
export function setMaxBodyBytes(n: number) {
  maxBodyBytes = n;
}

/** A body-level 400: details `{field: "(body)", reason}` like every other validation error. */
function invalid(message: string, reason: string, field = "(body)"): AppError {
  return validationError(field, reason, message);
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
        reject(invalid(`Request body exceeds ${limit} bytes.`, `exceeds ${limit} bytes`));
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
      reject(invalid("Request body was not received completely.", "was not received completely"));
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
  if (declared > maxBodyBytes)
    throw invalid(`Request body exceeds ${maxBodyBytes} bytes.`, `exceeds ${maxBodyBytes} bytes`);
  const text = await (readNodeBody(c, maxBodyBytes) ?? c.req.text());
  if (Buffer.byteLength(text) > maxBodyBytes)
    throw invalid(`Request body exceeds ${maxBodyBytes} bytes.`, `exceeds ${maxBodyBytes} bytes`);
  if (text.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid("Request body is invalid JSON.", "is not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalid("Request body must contain a single JSON object.", "must be a single JSON object");
  }
  if (nestedDeeperThan(value, MAX_JSON_DEPTH)) {
    throw invalid(
      `Request body is nested deeper than ${MAX_JSON_DEPTH} levels.`,
      `is nested deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  // PostgreSQL text cannot hold U+0000; refuse it here with the field's path instead of failing
  // (with a 500) deep inside a write. Only possible when the raw text carries the escape.
  if (text.includes("\\u0000")) {
    const path = nulPath(value, "");
    if (path !== null) {
      throw invalid(
        `${path || "(body)"} must not contain the NUL character (\\u0000)`,
        "contains U+0000",
        path || "(body)",
      );
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

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "an object",
  array: "an array",
  date: "a date",
};

function plural(n: number | bigint, one: string): string {
  return `${n} ${one}${n === 1 || n === 1n ? "" : "s"}`;
}

/**
 * Human reasons for zod's built-in issues (a schema's own message wins over these). The reason is
 * phrased to follow the field name: "name must not be empty", "limit must be at most 200".
 */
export const humanIssue: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case "invalid_type":
      if (iss.input === undefined) return "is required";
      if (iss.input === null) return "must not be null";
      return `must be ${TYPE_NAMES[iss.expected] ?? iss.expected}`;
    case "too_small": {
      const min = iss.minimum;
      if (iss.origin === "string") {
        return min === 1 ? "must not be empty" : `must be at least ${plural(min, "character")}`;
      }
      if (iss.origin === "array" || iss.origin === "set") {
        return min === 1 ? "must not be empty" : `must have at least ${plural(min, "item")}`;
      }
      return `must be ${iss.inclusive === false ? "greater than" : "at least"} ${min}`;
    }
    case "too_big": {
      const max = iss.maximum;
      if (iss.origin === "string") return `must be at most ${plural(max, "character")}`;
      if (iss.origin === "array" || iss.origin === "set") return `must have at most ${plural(max, "item")}`;
      return `must be ${iss.inclusive === false ? "less than" : "at most"} ${max}`;
    }
    case "invalid_format":
      return iss.format === "regex" ? "has an invalid format" : `must be a valid ${iss.format}`;
    case "invalid_value":
      return `must be one of ${iss.values.map((v) => String(v)).join(", ")}`;
    case "not_multiple_of":
      return `must be a multiple of ${iss.divisor}`;
    case "unrecognized_keys":
      return "is not a known field";
    case "invalid_union":
    case "invalid_key":
    case "invalid_element":
      return "has an invalid value";
    default:
      return "is invalid";
  }
};

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`)).join("");
}

/**
 * The first zod issue as the one validation-error shape: message "<field>: <reason>", details
 * `{field, reason}`. Unknown keys name the key itself.
 */
export function zodToAppError(error: z.ZodError, where: "body" | "query" = "body"): AppError {
  const issue = error.issues[0];
  let path = pathText(issue.path);
  let reason = issue.message;
  if (issue.code === "unrecognized_keys") {
    path = pathText([...issue.path, issue.keys[0]]);
    reason = where === "query" ? "is not a known query parameter" : "is not a known field";
  }
  const field = path || (where === "query" ? "(query)" : "(body)");
  // Schemas may spell the field in their own message ("name is required"); don't say it twice.
  const leaf = String(issue.path.at(-1) ?? "");
  if (leaf && reason.startsWith(`${leaf} `)) reason = reason.slice(leaf.length + 1);
  return validationError(field, reason);
}

/**
 * A handler must parse with the schema `features/request-schemas.ts` lists for its operation (the
 * table `pnpm typecheck` compares with the spec); parsing with another one is a programming error,
 * caught by the first test that sends the request.
 */
function assertDeclared(c: Context<AppEnv>, part: "body" | "query", schema: z.ZodType): void {
  const declared = c.get("requestSchemas");
  if (declared === undefined || declared[part] === schema) return;
  throw new Error(
    `${c.get("operationId")}: the handler parses its ${part} with a schema features/request-schemas.ts does not list for it`,
  );
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
  assertDeclared(c, "body", schema);
  const raw = await readJsonObject(c);
  if (raw === undefined && !options.optional) throw invalid("Request body is required.", "is required");
  const result = schema.safeParse(raw ?? {}, { error: humanIssue });
  if (!result.success) throw zodToAppError(result.error);
  return result.data;
}

/** `?=true` has a parameter with an empty name, which the query parser silently drops. */
export function assertNoNamelessParameter(c: Context<AppEnv>): void {
  const url = c.req.url;
  const q = url.indexOf("?");
  if (q < 0) return;
  for (const part of url.slice(q + 1).split("&")) {
    if (part !== "" && (part.startsWith("=") || part === "=")) {
      throw validationError("(query)", "has a parameter with an empty name");
    }
  }
}

/** Validates query parameters (all strings) against a zod schema. */
export function parseQuery<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.output<S> {
  assertDeclared(c, "query", schema);
  assertNoNamelessParameter(c);
  const result = schema.safeParse(c.req.query(), { error: humanIssue });
  if (!result.success) throw zodToAppError(result.error, "query");
  return result.data;
}
