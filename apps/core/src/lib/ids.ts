import { randomBytes } from "node:crypto";
import { ulid } from "ulid";

/** `<prefix>_<ULID>` — sortable, opaque to clients. */
export function newId(prefix: string): string {
  return `${prefix}_${ulid().toLowerCase()}`;
}

/** `req_` + 16 hex. */
export function newRequestId(): string {
  return `req_${randomBytes(8).toString("hex")}`;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}
