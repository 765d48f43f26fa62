import { randomBytes } from "node:crypto";
import { type Algorithm, hash, parseOptions, verify } from "@node-rs/argon2";
import { ARGON2_LIMITS, type Config } from "../config.ts";
import { validationError } from "../http/errors.ts";

/**
 * Argon2id password hashing.
 *
 * Defaults are m=65536 KiB (64 MiB), t=3, p=2: memory-hard enough that a GPU farm pays dearly per
 * guess, while one login still costs well under a second on a small server. They match the
 * parameters v1.0 deployments already store, so migrated hashes verify without a rehash storm.
 * PLYSTRA_PASSWORD_HASH_MEMORY_KIB / _ITERATIONS may lower them to the floors of ARGON2_LIMITS (19456 KiB,
 * t=1) for constrained hosts and test suites — still real Argon2id, never a fake hasher.
 */

// `Algorithm` is a const enum in the typings; isolated modules cannot inline it.
const ARGON2ID = 2 as Algorithm;
const PARALLELISM = 2;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
export const MAX_PASSWORD_BYTES = 1024;

export interface PasswordParams {
  memoryKib: number;
  iterations: number;
  parallelism: number;
}

export function passwordParams(config: Pick<Config, "passwordHashMemoryKib" | "passwordHashIterations">) {
  return {
    memoryKib: config.passwordHashMemoryKib,
    iterations: config.passwordHashIterations,
    parallelism: PARALLELISM,
  } satisfies PasswordParams;
}

/**
 * Enforces the password policy; throws a 400 naming `field`.
 *
 * @example
 * assertPasswordPolicy(body.password, config.passwordMinLength);
 */
export function assertPasswordPolicy(password: string, minLength: number, field = "password"): void {
  if (password.trim() === "")
    throw validationError(field, "must not be empty", `${field} must not be empty.`);
  const bytes = Buffer.byteLength(password, "utf8");
  if (bytes > MAX_PASSWORD_BYTES) throw validationError(field, "too long", `${field} is too long.`);
  if (bytes < minLength) {
    throw validationError(
      field,
      `must be at least ${minLength} characters`,
      `${field} must be at least ${minLength} characters.`,
    );
  }
}

/** A new Argon2id hash in PHC form (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`). */
export function hashPassword(password: string, params: PasswordParams): Promise<string> {
  return hash(password, {
    algorithm: ARGON2ID,
    memoryCost: params.memoryKib,
    timeCost: params.iterations,
    parallelism: params.parallelism,
    outputLen: HASH_BYTES,
    salt: randomBytes(SALT_BYTES),
  });
}

/** v1.0 stored `argon2id$…` without the leading `$`; accept both spellings. */
function toPhc(stored: string): string {
  return stored.startsWith("argon2id$") ? `$${stored}` : stored;
}

/**
 * Parameters of a stored hash, or null when it is not an Argon2id v19 hash inside the accepted
 * bounds. Bounds stop a planted hash from making one verification cost gigabytes or minutes.
 */
function acceptedOptions(stored: string) {
  const phc = toPhc(stored);
  if (!phc.startsWith("$argon2id$v=19$")) return null;
  let o: ReturnType<typeof parseOptions>;
  try {
    o = parseOptions(phc);
  } catch {
    return null;
  }
  const inRange = (n: number, lo: number, hi: number) => Number.isInteger(n) && n >= lo && n <= hi;
  if (!inRange(o.memoryCost, ...ARGON2_LIMITS.memoryKib)) return null;
  if (!inRange(o.timeCost, ...ARGON2_LIMITS.iterations) || !inRange(o.parallelism, 1, 16)) return null;
  if (!inRange(o.saltLen, 16, 64) || !inRange(o.outputLen, 16, 64)) return null;
  return { phc, options: o };
}

/** Constant-time Argon2id verification; anything that is not an accepted Argon2id hash is false. */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) return false;
  const accepted = acceptedOptions(stored);
  if (!accepted) return false;
  try {
    return await verify(accepted.phc, password);
  } catch {
    return false;
  }
}

/** True when a verified hash was made with parameters other than the current ones. */
export function needsRehash(stored: string, params: PasswordParams): boolean {
  const accepted = acceptedOptions(stored);
  if (!accepted) return true;
  const o = accepted.options;
  return (
    o.memoryCost !== params.memoryKib ||
    o.timeCost !== params.iterations ||
    o.parallelism !== params.parallelism ||
    o.outputLen !== HASH_BYTES
  );
}

const dummyHashes = new Map<string, Promise<string>>();

/**
 * Burns the same Argon2id work a real verification would, for unknown or inactive accounts, so
 * response timing does not reveal whether an email is registered. The dummy hash is computed once
 * per parameter set (so its cost always matches real hashes) and then reused.
 */
export async function dummyVerify(password: string, params: PasswordParams): Promise<void> {
  const key = `${params.memoryKib}:${params.iterations}:${params.parallelism}`;
  let dummy = dummyHashes.get(key);
  if (!dummy) {
    dummy = hashPassword(randomBytes(24).toString("hex"), params);
    dummyHashes.set(key, dummy);
  }
  await verifyPassword(await dummy, password);
}

/** Computes the dummy hash ahead of the first login (optional; call at startup). */
export async function warmDummyHash(params: PasswordParams): Promise<void> {
  await dummyVerify("", params);
}
