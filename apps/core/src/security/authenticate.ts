import type { Context } from "hono";
import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { AppError } from "../http/errors.ts";
import type { AppEnv, Principal, PrincipalGrant } from "../http/types.ts";
import { API_KEY_PREFIX, candidateHashes, constantTimeEqualHex, parseApiKey } from "./tokens.ts";

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

/** Loads the active admin grants of a user (not revoked/expired/deleted), with group paths. */
export async function loadActiveGrants(deps: Deps, userId: string): Promise<PrincipalGrant[]> {
  const now = deps.now();
  const rows = await deps.db
    .selectFrom("admin_grants as g")
    .leftJoin("groups as gr", "gr.id", "g.group_id")
    .select(["g.id", "g.level", "g.permission_key", "g.space_id", "g.group_id", "gr.path as group_path"])
    .where("g.user_id", "=", userId)
    .where("g.status", "=", "active")
    .where("g.deleted_at", "is", null)
    .where("g.revoked_at", "is", null)
    .where((eb) => eb.or([eb("g.expires_at", "is", null), eb("g.expires_at", ">", now)]))
    .execute();
  return rows.map((g) => ({
    id: g.id,
    level: g.level as PrincipalGrant["level"],
    permissionKey: g.permission_key,
    spaceId: g.space_id,
    groupId: g.group_id,
    groupPath: g.group_path,
  }));
}

async function sessionPrincipal(deps: Deps, token: string): Promise<Principal | null> {
  const hashes = candidateHashes(deps.config.sessionSecret, deps.config.sessionSecretPrevious, token);
  const now = deps.now();
  const row = await deps.db
    .selectFrom("sessions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .select(["s.id", "s.user_id", "s.active_space_id", "s.active_member_id", "s.active_user_member_id"])
    .where("s.access_token_hash", "in", hashes)
    .where("s.revoked_at", "is", null)
    .where("s.expires_at", ">", now)
    .where("u.status", "=", "active")
    .where("u.deleted_at", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  return {
    kind: "session",
    userId: row.user_id,
    sessionId: row.id,
    activeSpaceId: row.active_space_id,
    activeMemberId: row.active_member_id,
    activeUserMemberId: row.active_user_member_id,
    grants: await loadActiveGrants(deps, row.user_id),
  };
}

const lastUsedWritten = new Map<string, number>();

async function apiKeyPrincipal(deps: Deps, plaintext: string): Promise<Principal | null> {
  const parsed = parseApiKey(plaintext);
  if (!parsed) return null;
  // Runs on every API-key request (every machine check): constant text, prepared once per pooled
  // connection, because planning it cost more than executing it.
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
  const hashes = candidateHashes(deps.config.apiKeySecret, deps.config.apiKeySecretPrevious, plaintext);
  // Compare against every candidate so timing does not reveal which secret matched.
  let match = false;
  for (const h of hashes) match = constantTimeEqualHex(h, row.key_hash) || match;
  const now = deps.now();
  if (!match || row.status !== "active" || row.revoked_at || row.deleted_at) return null;
  if (row.expires_at && new Date(row.expires_at).getTime() <= now.getTime()) return null;
  const last = lastUsedWritten.get(row.id) ?? 0;
  if (now.getTime() - last > LAST_USED_WRITE_INTERVAL_MS) {
    lastUsedWritten.set(row.id, now.getTime());
    // Best effort and throttled: last_used_at is informational and must not slow the hot path.
    deps.db
      .updateTable("api_keys")
      .set({ last_used_at: now })
      .where("id", "=", row.id)
      .execute()
      .catch(() => lastUsedWritten.delete(row.id));
  }
  return {
    kind: "api_key",
    apiKeyId: row.id,
    level: row.level as "instance" | "space" | "group",
    spaceId: row.space_id,
    groupId: row.group_id,
    groupPath: row.group_path,
    permissionKeys: row.permission_keys,
    createdByUserId: row.created_by_user_id,
  };
}

/**
 * Resolves the presented credential. Returns null when none is presented;
 * throws 401 AUTHENTICATION_REQUIRED when one is presented but invalid, expired or revoked.
 */
export async function authenticate(deps: Deps, c: Context<AppEnv>): Promise<Principal | null> {
  const existing = c.get("principal");
  if (existing) return existing;
  const cred = presentedCredential(c);
  if (!cred) return null;
  const principal =
    cred.kind === "api_key"
      ? await apiKeyPrincipal(deps, cred.value)
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
