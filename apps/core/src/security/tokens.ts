import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const ACCESS_TOKEN_PREFIX = "ply_at_";
export const REFRESH_TOKEN_PREFIX = "ply_rt_";
export const API_KEY_PREFIX = "ply_ak_";

/** Opaque bearer token: prefix + 64 hex chars (32 random bytes). */
export function newOpaqueToken(prefix: typeof ACCESS_TOKEN_PREFIX | typeof REFRESH_TOKEN_PREFIX): string {
  return prefix + randomBytes(32).toString("hex");
}

/** Lower-hex HMAC-SHA256 of `value` under `secret`. Tokens are only ever stored in this form. */
export function hmacHex(secret: string, value: string): string {
  return createHmac("sha256", secret).update(value).digest("hex");
}

/** Hashes under the primary secret first, then every previous (rotation) secret. */
export function candidateHashes(primary: string, previous: readonly string[], value: string): string[] {
  return [primary, ...previous].map((s) => hmacHex(s, value));
}

/**
 * Constant-time string comparison for secrets and their hashes. Both sides are digested first, so
 * neither the time nor an exception depends on where or whether their lengths differ.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/**
 * Constant-time comparison of two HMAC-SHA256 hex digests, whose length is fixed and public: unequal
 * lengths simply differ. One comparison instead of two more hashes per request (constantTimeEqual),
 * which the API-key check runs on every authorization check.
 */
export function digestEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, "latin1"), Buffer.from(b, "latin1"));
}

/** `ply_ak_<id>.<64 hex>`; `key_prefix` is `ply_ak_<id>`. */
export function newApiKeyPlaintext(id: string): { plaintext: string; prefix: string } {
  const prefix = `${API_KEY_PREFIX}${id}`;
  return { plaintext: `${prefix}.${randomBytes(32).toString("hex")}`, prefix };
}

/** Extracts the key id from `ply_ak_<id>.<secret>`; null when malformed. */
export function parseApiKey(plaintext: string): { id: string } | null {
  if (!plaintext.startsWith(API_KEY_PREFIX)) return null;
  const rest = plaintext.slice(API_KEY_PREFIX.length);
  const dot = rest.lastIndexOf(".");
  if (dot <= 0 || dot === rest.length - 1) return null;
  return { id: rest.slice(0, dot) };
}
