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

/** `req_` + 16 hex, from the same pooled CSPRNG bytes (one crypto call per 512 requests, not each). */
export function newRequestId(): string {
  if (offset + 8 > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  const hex = pool.toString("hex", offset, offset + 8);
  offset += 8;
  return `req_${hex}`;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}
