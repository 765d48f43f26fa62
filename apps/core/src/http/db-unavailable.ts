import { AppError } from "./errors.ts";

/** Seconds a client should wait before retrying while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** Node socket errors of a lost or refused database connection. */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * PostgreSQL SQLSTATEs meaning "the server is not there for us right now": class 08 (connection
 * exception), 57P01-57P03 (shutting down / starting up), 53300 (too many connections).
 */
const PG_CODES = /^(08\d{3}|57P0[123]|53300)$/;

/** node-postgres reports lost connections and pool timeouts with these messages and no code. */
const PG_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated due to connection timeout|the database system is (shutting down|starting up)/i;

/** True when `err` (or anything in its `cause` chain) says the database cannot be reached. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; message?: unknown; cause?: unknown } | null, depth = 0;
    e && depth < 5;
    depth++
  ) {
    if (typeof e !== "object") return false;
    if (typeof e.code === "string" && (SOCKET_CODES.has(e.code) || PG_CODES.test(e.code))) return true;
    if (typeof e.message === "string" && PG_MESSAGES.test(e.message)) return true;
    if (Array.isArray((e as { errors?: unknown }).errors)) {
      // AggregateError from a dual-stack connect attempt.
      if ((e as { errors: unknown[] }).errors.some(isDatabaseUnavailable)) return true;
    }
    e = e.cause as typeof e;
  }
  return false;
}

/** The 503 a request gets while the database is unreachable: fail fast, tell the client when to retry. */
export function databaseUnavailable(): AppError {
  return new AppError(
    "NOT_READY",
    "The database is unreachable; retry shortly.",
    { database: "unreachable" },
    {},
    { "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS) },
  );
}
