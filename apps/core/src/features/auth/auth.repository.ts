import type { DB } from "@plystra/db";
import { type Kysely, sql, type Transaction } from "kysely";
import { randomHex } from "../../lib/ids.ts";
import { ACCESS_TOKEN_PREFIX, hmacHex, newOpaqueToken, REFRESH_TOKEN_PREFIX } from "../../security/tokens.ts";
import type { AvailableMember } from "../actor/actor.repository.ts";

type Db = Kysely<DB> | Transaction<DB>;

export const ACCESS_TTL_MS = 15 * 60_000;
export const REFRESH_TTL_MS = 30 * 86_400_000;

export interface IssuedTokens {
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  refreshExpiresAt: Date;
}

/** The login row of a user, looked up case-insensitively (soft-deleted users never match). */
export function findUserByEmail(db: Db, email: string) {
  return db
    .selectFrom("users")
    .select(["id", "email", "status", "password_hash"])
    .where(sql<string>`lower(email)`, "=", email)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

/** A new session with fresh opaque tokens; only their HMACs under the primary secret are stored. */
export async function createSession(
  db: Db,
  args: {
    userId: string;
    actor: AvailableMember | null;
    ip: string | null;
    userAgent: string | null;
    now: Date;
    secret: string;
  },
): Promise<IssuedTokens> {
  const accessToken = newOpaqueToken(ACCESS_TOKEN_PREFIX);
  const refreshToken = newOpaqueToken(REFRESH_TOKEN_PREFIX);
  const expiresAt = new Date(args.now.getTime() + ACCESS_TTL_MS);
  const refreshExpiresAt = new Date(args.now.getTime() + REFRESH_TTL_MS);
  const sessionId = `sess_${randomHex(32)}`;
  await db
    .insertInto("sessions")
    .values({
      id: sessionId,
      user_id: args.userId,
      active_space_id: args.actor?.space_id ?? null,
      active_member_id: args.actor?.member_id ?? null,
      active_user_member_id: args.actor?.user_member_id ?? null,
      access_token_hash: hmacHex(args.secret, accessToken),
      refresh_token_hash: hmacHex(args.secret, refreshToken),
      expires_at: expiresAt,
      refresh_expires_at: refreshExpiresAt,
      ip: args.ip || null,
      user_agent: args.userAgent || null,
      created_at: args.now,
      updated_at: args.now,
    })
    .execute();
  return { sessionId, accessToken, refreshToken, expiresAt, refreshExpiresAt };
}

/**
 * Rotates both tokens of the live session holding one of `refreshHashes`, in one UPDATE so two
 * concurrent refreshes cannot both succeed. The rotated-away hash is kept for reuse detection.
 * The refresh expiry is absolute: rotation never extends it.
 */
export async function rotateSession(
  db: Db,
  args: { refreshHashes: string[]; now: Date; secret: string },
): Promise<IssuedTokens | null> {
  const accessToken = newOpaqueToken(ACCESS_TOKEN_PREFIX);
  const refreshToken = newOpaqueToken(REFRESH_TOKEN_PREFIX);
  const expiresAt = new Date(args.now.getTime() + ACCESS_TTL_MS);
  const row = await db
    .updateTable("sessions")
    .set((eb) => ({
      previous_refresh_token_hash: eb.ref("refresh_token_hash"),
      access_token_hash: hmacHex(args.secret, accessToken),
      refresh_token_hash: hmacHex(args.secret, refreshToken),
      expires_at: expiresAt,
      updated_at: args.now,
    }))
    .where("refresh_token_hash", "in", args.refreshHashes)
    .where("revoked_at", "is", null)
    .where("refresh_expires_at", ">", args.now)
    .where("user_id", "in", (eb) =>
      eb.selectFrom("users").select("id").where("status", "=", "active").where("deleted_at", "is", null),
    )
    .returning(["id", "refresh_expires_at", "previous_refresh_token_hash"])
    .executeTakeFirst();
  if (!row) return null;
  if (row.previous_refresh_token_hash) {
    // Remember every rotated-away token of the session for reuse detection (not only the last).
    await db
      .insertInto("session_rotated_refresh_tokens")
      .values({ token_hash: row.previous_refresh_token_hash, session_id: row.id, rotated_at: args.now })
      .onConflict((oc) => oc.column("token_hash").doNothing())
      .execute();
  }
  return {
    sessionId: row.id,
    accessToken,
    refreshToken,
    expiresAt,
    refreshExpiresAt: new Date(row.refresh_expires_at),
  };
}

/**
 * Reuse detection: a refresh token that was already rotated away is being presented again, so
 * either the client or an attacker holds a stolen copy. Revokes that whole session.
 * Returns true when such a session was found.
 */
export async function revokeOnRefreshReuse(db: Db, refreshHashes: string[], now: Date): Promise<boolean> {
  const rows = await db
    .updateTable("sessions")
    .set({ revoked_at: now, revoked_reason: "refresh_token_reuse", updated_at: now })
    .where((eb) =>
      eb.or([
        eb("previous_refresh_token_hash", "in", refreshHashes),
        eb(
          "id",
          "in",
          eb
            .selectFrom("session_rotated_refresh_tokens")
            .select("session_id")
            .where("token_hash", "in", refreshHashes),
        ),
      ]),
    )
    .where("revoked_at", "is", null)
    .returning("id")
    .execute();
  return rows.length > 0;
}

/** Revokes every live session whose access or refresh token hashes to one of `hashes`. */
export async function revokeSessionsByTokenHashes(db: Db, hashes: string[], now: Date, reason: string) {
  if (!hashes.length) return;
  await db
    .updateTable("sessions")
    .set({ revoked_at: now, revoked_reason: reason, updated_at: now })
    .where((eb) => eb.or([eb("access_token_hash", "in", hashes), eb("refresh_token_hash", "in", hashes)]))
    .where("revoked_at", "is", null)
    .execute();
}

/**
 * Revokes every live session of a user (password change, disable). Returns how many were revoked.
 * Pass the transaction of the change so both commit together.
 *
 * @example
 * await revokeUserSessions(trx, "user_alice", "password_changed");
 */
export async function revokeUserSessions(
  db: Db,
  userId: string,
  reason: string,
  now: Date = new Date(),
): Promise<number> {
  const rows = await db
    .updateTable("sessions")
    .set({ revoked_at: now, revoked_reason: reason, updated_at: now })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .returning("id")
    .execute();
  return rows.length;
}

export async function markLoggedIn(db: Db, userId: string, now: Date, newHash: string | null) {
  await db
    .updateTable("users")
    .set(newHash ? { last_login_at: now, password_hash: newHash } : { last_login_at: now })
    .where("id", "=", userId)
    .execute();
}

/** Seconds until every given throttle key is unlocked (0 when none is locked). */
export async function lockedForSeconds(db: Db, keys: string[], now: Date): Promise<number> {
  const rows = await db
    .selectFrom("login_throttles")
    .select("locked_until")
    .where("key", "in", keys)
    .where("locked_until", ">", now)
    .execute();
  let ms = 0;
  for (const r of rows)
    if (r.locked_until) ms = Math.max(ms, new Date(r.locked_until).getTime() - now.getTime());
  return ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : 0;
}

/**
 * Counts one failed login against `key` with a single atomic upsert, so concurrent failures on any
 * number of Core processes are all counted. A failure outside the window starts a new window; the
 * failure that reaches `maxFailures` sets the lock. Returns the lock expiry, if locked.
 */
export async function recordLoginFailure(
  db: Db,
  key: string,
  args: { now: Date; windowMs: number; lockoutMs: number; maxFailures: number },
): Promise<Date | null> {
  const windowCutoff = new Date(args.now.getTime() - args.windowMs);
  const lockUntil = new Date(args.now.getTime() + args.lockoutMs);
  const firstLock = args.maxFailures <= 1 ? lockUntil : null;
  const result = await sql<{ locked_until: Date | null }>`
    INSERT INTO login_throttles (key, failures, window_started_at, locked_until, updated_at)
    VALUES (${key}, 1, ${args.now}, ${firstLock}, ${args.now})
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN login_throttles.window_started_at <= ${windowCutoff} THEN 1
                      ELSE login_throttles.failures + 1 END,
      window_started_at = CASE WHEN login_throttles.window_started_at <= ${windowCutoff} THEN ${args.now}
                               ELSE login_throttles.window_started_at END,
      locked_until = CASE
        WHEN (CASE WHEN login_throttles.window_started_at <= ${windowCutoff} THEN 1
                   ELSE login_throttles.failures + 1 END) >= ${args.maxFailures}
        THEN ${lockUntil}::timestamptz
        ELSE login_throttles.locked_until END,
      updated_at = ${args.now}
    RETURNING locked_until`.execute(db);
  const lockedUntil = result.rows[0]?.locked_until;
  return lockedUntil && new Date(lockedUntil).getTime() > args.now.getTime() ? new Date(lockedUntil) : null;
}

export async function clearLoginFailures(db: Db, keys: string[]) {
  await db.deleteFrom("login_throttles").where("key", "in", keys).execute();
}
