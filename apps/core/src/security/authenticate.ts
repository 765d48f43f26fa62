import type { Context } from "hono";
import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { AppError } from "../http/errors.ts";
import type { AppEnv } from "../http/types.ts";
import type { Principal, PrincipalGrant } from "./principal.ts";
import { API_KEY_PREFIX, candidateHashes, digestEqual, parseApiKey } from "./tokens.ts";

const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/** Which credential the request presents, without validating it. */
export function presentedCredential(
  c: Context<AppEnv>,
): { kind: "api_key" | "session"; value: string } | null {
  const header = c.req.header("x-plystra-api-key")?.trim();
  if (header) return { kind: "api_key", value: header };
  const auth = c.req.header("authorization")?.trim();
  if (!auth) return null;
  const m = /^Bearer\s+(.+)$/i.exec(auth);
  if (!m) return null;
  const token = m[1].trim();
  return { kind: token.startsWith(API_KEY_PREFIX) ? "api_key" : "session", value: token };
}

/**
 * The session behind an access token, with its user's live admin grants (not revoked, expired or
 * deleted; group paths attached) in the same statement — every session request needs both.
 */
async function sessionPrincipal(deps: Deps, token: string): Promise<Principal | null> {
  const hashes = candidateHashes(deps.config.sessionSecret, deps.config.sessionSecretPrevious, token);
  const now = deps.now();
  const { rows } = await sql<{
    id: string;
    user_id: string;
    active_space_id: string | null;
    active_member_id: string | null;
    active_user_member_id: string | null;
    grants: PrincipalGrant[];
  }>`
SELECT s.id, s.user_id, s.active_space_id, s.active_member_id, s.active_user_member_id,
  coalesce((
    SELECT json_agg(json_build_object(
      'id', g.id, 'level', g.level, 'permissionKey', g.permission_key, 'spaceId', g.space_id,
      'groupId', g.group_id, 'groupPath', gr.path) ORDER BY g.id)
    FROM admin_grants g LEFT JOIN groups gr ON gr.id = g.group_id
    WHERE g.user_id = s.user_id AND g.status = 'active' AND g.deleted_at IS NULL
      AND g.revoked_at IS NULL AND (g.expires_at IS NULL OR g.expires_at > ${now})
  ), '[]'::json) AS grants
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.access_token_hash IN (${sql.join(hashes)}) AND s.revoked_at IS NULL AND s.expires_at > ${now}
  AND u.status = 'active' AND u.deleted_at IS NULL
LIMIT 1`.execute(deps.db);
  const row = rows[0];
  if (!row) return null;
  return {
    kind: "session",
    userId: row.user_id,
    sessionId: row.id,
    activeSpaceId: row.active_space_id,
    activeMemberId: row.active_member_id,
    activeUserMemberId: row.active_user_member_id,
    grants: row.grants,
  };
}

const lastUsedWritten = new Map<string, number>();

/** Best effort and throttled: last_used_at is informational and must not slow the hot path. */
function touchLastUsed(deps: Deps, keyId: string, now: Date): void {
  const last = lastUsedWritten.get(keyId) ?? 0;
  if (now.getTime() - last <= LAST_USED_WRITE_INTERVAL_MS) return;
  lastUsedWritten.set(keyId, now.getTime());
  deps.db
    .updateTable("api_keys")
    .set({ last_used_at: now })
    .where("id", "=", keyId)
    .execute()
    .catch(() => lastUsedWritten.delete(keyId));
}

/**
 * The parts of an API key that never change after creation (there is no update route; revoke only
 * touches status/revoked_*). Liveness (status, revoked_at, deleted_at) is deliberately NOT here: a
 * cache entry can only authenticate a request whose handler re-reads liveness in its own statement.
 */
type CachedKey = Omit<Extract<Principal, { kind: "api_key" }>, "kind" | "apiKeyId" | "livenessPending"> & {
  keyHash: string;
  expiresAtMs: number | null;
};

const KEY_CACHE_MAX = 10_000;

/**
 * Per app instance (one per process in production; each test app gets its own, like a separate
 * process would). A Map iterates in insertion order, so re-inserting on hit gives LRU eviction.
 */
const keyCaches = new WeakMap<Deps, Map<string, CachedKey>>();

function keyCache(deps: Deps): Map<string, CachedKey> {
  let cache = keyCaches.get(deps);
  if (!cache) {
    cache = new Map();
    keyCaches.set(deps, cache);
  }
  return cache;
}

function rememberKey(deps: Deps, id: string, entry: CachedKey): void {
  const cache = keyCache(deps);
  cache.delete(id);
  cache.set(id, entry);
  if (cache.size > KEY_CACHE_MAX) cache.delete(cache.keys().next().value as string);
}

function hashMatches(deps: Deps, plaintext: string, stored: string): boolean {
  const hashes = candidateHashes(deps.config.apiKeySecret, deps.config.apiKeySecretPrevious, plaintext);
  // Compare against every candidate so timing does not reveal which secret matched.
  let match = false;
  for (const h of hashes) match = digestEqual(h, stored) || match;
  return match;
}

function keyPrincipal(id: string, k: CachedKey, livenessPending: boolean): Principal {
  return {
    kind: "api_key",
    apiKeyId: id,
    level: k.level,
    spaceId: k.spaceId,
    groupId: k.groupId,
    groupPath: k.groupPath,
    permissionKeys: k.permissionKeys,
    createdByUserId: k.createdByUserId,
    ...(livenessPending ? { livenessPending: true } : {}),
  };
}

async function apiKeyPrincipal(
  deps: Deps,
  plaintext: string,
  deferLiveness: boolean,
): Promise<Principal | null> {
  const parsed = parseApiKey(plaintext);
  if (!parsed) return null;
  const now = deps.now();
  if (deferLiveness) {
    const cache = keyCache(deps);
    const cached = cache.get(parsed.id);
    if (cached) {
      // The hash and expiry are immutable, so a mismatch or a past expiry refuses without the
      // database; a match still needs the handler's liveness read before anything is decided.
      if (!hashMatches(deps, plaintext, cached.keyHash)) return null;
      if (cached.expiresAtMs !== null && cached.expiresAtMs <= now.getTime()) return null;
      cache.delete(parsed.id);
      cache.set(parsed.id, cached);
      return keyPrincipal(parsed.id, cached, true);
    }
  }
  // Runs on every API-key request outside the deferred routes and on a cache miss: constant text,
  // prepared once per pooled connection, because planning it cost more than executing it.
  const { rows } = await sql<{
    id: string;
    key_hash: string;
    level: string;
    space_id: string | null;
    group_id: string | null;
    permission_keys: string[];
    status: string;
    expires_at: Date | string | null;
    revoked_at: Date | string | null;
    deleted_at: Date | string | null;
    created_by_user_id: string | null;
    group_path: string | null;
  }>`/* prepared:plystra_api_key_principal */
SELECT k.id, k.key_hash, k.level, k.space_id, k.group_id, k.permission_keys, k.status, k.expires_at,
       k.revoked_at, k.deleted_at, k.created_by_user_id, gr.path AS group_path
FROM api_keys k LEFT JOIN groups gr ON gr.id = k.group_id
WHERE k.id = ${parsed.id}`.execute(deps.db);
  const row = rows[0];
  if (!row) return null;
  if (!hashMatches(deps, plaintext, row.key_hash) || !keyRowLive(row, now.getTime())) {
    keyCache(deps).delete(row.id);
    return null;
  }
  const expiresAtMs = row.expires_at ? new Date(row.expires_at).getTime() : null;
  const entry: CachedKey = {
    keyHash: row.key_hash,
    level: row.level as CachedKey["level"],
    spaceId: row.space_id,
    groupId: row.group_id,
    groupPath: row.group_path,
    permissionKeys: row.permission_keys,
    createdByUserId: row.created_by_user_id,
    expiresAtMs,
  };
  rememberKey(deps, row.id, entry);
  touchLastUsed(deps, row.id, now);
  return keyPrincipal(row.id, entry, false);
}

/** A key row authenticates only while active, unrevoked, undeleted and unexpired. */
function keyRowLive(
  row: { status: string; revoked_at: unknown; deleted_at: unknown; expires_at: Date | string | null },
  nowMs: number,
): boolean {
  return (
    row.status === "active" &&
    !row.revoked_at &&
    !row.deleted_at &&
    (!row.expires_at || new Date(row.expires_at).getTime() > nowMs)
  );
}

/**
 * Completes a deferred API-key authentication with the liveness the handler read in its own
 * statement (the authz context statement's `key_live`). Must run before the handler decides, answers a data-dependent
 * 4xx, or writes anything: a key that is revoked, deleted, disabled or expired gets 401, exactly as
 * if the guard had read it. No-op for principals that were fully authenticated.
 */
export function confirmKeyLiveness(deps: Deps, principal: Principal, live: boolean | null): void {
  if (principal.kind !== "api_key" || !principal.livenessPending) return;
  if (live !== true) {
    keyCache(deps).delete(principal.apiKeyId);
    throw new AppError("AUTHENTICATION_REQUIRED");
  }
  principal.livenessPending = false;
  touchLastUsed(deps, principal.apiKeyId, deps.now());
}

/**
 * For a deferred-liveness request that ended before its handler read liveness (a 400 on the body,
 * say): reads the key's liveness on its own, so a revoked or expired key still answers 401 rather
 * than the 400/403 its request would otherwise have earned. No-op when liveness is not pending.
 */
export async function assertKeyLive(deps: Deps, principal: Principal): Promise<void> {
  if (principal.kind !== "api_key" || !principal.livenessPending) return;
  const row = await deps.db
    .selectFrom("api_keys")
    .select(["status", "revoked_at", "deleted_at", "expires_at"])
    .where("id", "=", principal.apiKeyId)
    .executeTakeFirst();
  confirmKeyLiveness(deps, principal, !!row && keyRowLive(row, deps.now().getTime()));
}

/** Whether the principal's key still needs its liveness read (`confirmKeyLiveness`). */
export function keyLivenessPending(principal: Principal): string | null {
  return principal.kind === "api_key" && principal.livenessPending ? principal.apiKeyId : null;
}

/**
 * Resolves the presented credential. Returns null when none is presented;
 * throws 401 AUTHENTICATION_REQUIRED when one is presented but invalid, expired or revoked.
 * With `deferKeyLiveness` a cached API key comes back `livenessPending` (see `confirmKeyLiveness`).
 */
export async function authenticate(
  deps: Deps,
  c: Context<AppEnv>,
  options: { deferKeyLiveness?: boolean } = {},
): Promise<Principal | null> {
  const existing = c.get("principal");
  if (existing) return existing;
  const cred = presentedCredential(c);
  if (!cred) return null;
  const principal =
    cred.kind === "api_key"
      ? await apiKeyPrincipal(deps, cred.value, options.deferKeyLiveness === true)
      : await sessionPrincipal(deps, cred.value);
  if (!principal) throw new AppError("AUTHENTICATION_REQUIRED");
  c.set("principal", principal);
  return principal;
}

/** For routes that need any valid credential. */
export async function requirePrincipal(deps: Deps, c: Context<AppEnv>): Promise<Principal> {
  const p = await authenticate(deps, c);
  if (!p) throw new AppError("AUTHENTICATION_REQUIRED");
  return p;
}

/** For session-only routes (actor context, switch member, grant mutations). */
export async function requireSession(
  deps: Deps,
  c: Context<AppEnv>,
): Promise<Extract<Principal, { kind: "session" }>> {
  const p = await requirePrincipal(deps, c);
  if (p.kind !== "session")
    throw new AppError("AUTHENTICATION_REQUIRED", "A user session (Bearer access token) is required.");
  return p;
}
