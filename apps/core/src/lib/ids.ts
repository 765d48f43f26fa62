import { randomBytes } from "node:crypto";
import { ulid } from "ulid";

// ulid's default PRNG makes one crypto call per character (16 per id, 2 ids per check); drawing the
// same CSPRNG bytes from a refilled pool keeps the entropy and removes most of that cost.
let pool = randomBytes(4096);
let offset = 0;
function pooledRandom(): number {
  if (offset === pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  return pool[offset++] / 256;
}

/** `<prefix>_<ULID>` — sortable, opaque to clients. */
export function newId(prefix: string): string {
  return `${prefix}_${ulid(undefined, pooledRandom).toLowerCase()}`;
}

/** `req_` + 16 hex. */
export function newRequestId(): string {
  return `req_${randomBytes(8).toString("hex")}`;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}
