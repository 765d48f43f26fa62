import type { Deps } from "../../deps.ts";
import { AppError } from "../../http/errors.ts";
import {
  dummyVerify,
  hashPassword,
  needsRehash,
  passwordParams,
  verifyPassword,
} from "../../security/passwords.ts";
import { candidateHashes } from "../../security/tokens.ts";
import { type AvailableMember, listAvailableBindings, toActorRef } from "../actor/actor.repository.ts";
import {
  clearLoginFailures,
  createSession,
  findUserByEmail,
  type IssuedTokens,
  lockedForSeconds,
  markLoggedIn,
  recordLoginFailure,
  revokeOnRefreshReuse,
  revokeSessionsByTokenHashes,
  rotateSession,
} from "./auth.repository.ts";

const BAD_CREDENTIALS = "Email or password is incorrect.";

export function tokenPayload(t: IssuedTokens) {
  return {
    access_token: t.accessToken,
    refresh_token: t.refreshToken,
    token_type: "Bearer" as const,
    expires_at: t.expiresAt.toISOString(),
    refresh_expires_at: t.refreshExpiresAt.toISOString(),
  };
}

export function sessionPayload(
  t: IssuedTokens,
  user: { id: string; email: string; status: string },
  actor: AvailableMember,
  available: AvailableMember[],
) {
  return {
    ...tokenPayload(t),
    user: { id: user.id, email: user.email, status: user.status },
    actor: toActorRef(actor),
    available_members: available,
  };
}

function rateLimited(seconds: number): AppError {
  return new AppError(
    "AUTH_RATE_LIMITED",
    undefined,
    { retry_after_seconds: seconds },
    {},
    { "Retry-After": String(seconds) },
  );
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Password login. Every failure mode before the password is proven (unknown email, inactive user,
 * wrong password) answers the same 401 after the same Argon2id work, and counts against both the
 * email and the client IP; the failure that reaches the limit already answers 429.
 */
export async function login(
  deps: Deps,
  input: { email: string; password: string; ip: string; userAgent: string },
) {
  const email = normaliseEmail(input.email);
  const keys = [`email:${email}`, `ip:${input.ip}`];
  const params = passwordParams(deps.config);
  const now = deps.now();

  const locked = await lockedForSeconds(deps.db, keys, now);
  if (locked > 0) throw rateLimited(locked);

  const user = await findUserByEmail(deps.db, email);
  let verified = false;
  if (user && user.status === "active" && user.password_hash) {
    verified = await verifyPassword(user.password_hash, input.password);
  } else {
    await dummyVerify(input.password, params);
  }
  if (!user || !verified || user.status !== "active") {
    const failedAt = deps.now();
    let lockedUntil: Date | null = null;
    for (const key of keys) {
      const until = await recordLoginFailure(deps.db, key, {
        now: failedAt,
        windowMs: deps.config.loginWindowMs,
        lockoutMs: deps.config.loginLockoutMs,
        maxFailures: deps.config.loginMaxFailures,
      });
      if (until && (!lockedUntil || until > lockedUntil)) lockedUntil = until;
    }
    if (lockedUntil) {
      throw rateLimited(Math.max(1, Math.ceil((lockedUntil.getTime() - failedAt.getTime()) / 1000)));
    }
    throw new AppError("AUTHENTICATION_REQUIRED", BAD_CREDENTIALS);
  }

  // Parallel guesses all pass the first lock read before any failure is counted; re-read so a
  // correct guess inside a burst that reached the limit is still refused.
  const lockedNow = await lockedForSeconds(deps.db, keys, deps.now());
  if (lockedNow > 0) throw rateLimited(lockedNow);
  // Only the account's counter resets: clearing the IP counter too would let an attacker reset
  // its per-IP budget by logging into an account of its own between rounds of guesses.
  await clearLoginFailures(deps.db, [keys[0]]);
  const available = await listAvailableBindings(deps, user.id);
  const actor = available[0];
  // The password was right but there is nobody to act as: no session is created.
  if (!actor)
    throw new AppError("ACTIVE_MEMBER_REQUIRED", "No active Member binding is available for this user.");

  const rehash =
    user.password_hash && needsRehash(user.password_hash, params)
      ? await hashPassword(input.password, params)
      : null;
  const tokens = await deps.db.transaction().execute(async (trx) => {
    const issued = await createSession(trx, {
      userId: user.id,
      actor,
      ip: input.ip,
      userAgent: input.userAgent,
      now: deps.now(),
      secret: deps.config.sessionSecret,
    });
    await markLoggedIn(trx, user.id, deps.now(), rehash);
    return issued;
  });
  return sessionPayload(tokens, user, actor, available);
}

/** Rotates both tokens; a replayed (already rotated) refresh token revokes the whole session. */
export async function refresh(deps: Deps, refreshToken: string) {
  const hashes = candidateHashes(deps.config.sessionSecret, deps.config.sessionSecretPrevious, refreshToken);
  const now = deps.now();
  const rotated = await rotateSession(deps.db, {
    refreshHashes: hashes,
    now,
    secret: deps.config.sessionSecret,
  });
  if (rotated) return tokenPayload(rotated);
  if (await revokeOnRefreshReuse(deps.db, hashes, now)) {
    deps.logger.warn({ event: "refresh_token_reuse" }, "refresh token reuse detected; session revoked");
  }
  throw new AppError("SESSION_EXPIRED");
}

/** Revokes the sessions behind whichever tokens were presented. Idempotent. */
export async function logout(deps: Deps, tokens: string[]) {
  const hashes = tokens.flatMap((t) =>
    candidateHashes(deps.config.sessionSecret, deps.config.sessionSecretPrevious, t),
  );
  await revokeSessionsByTokenHashes(deps.db, hashes, deps.now(), "logout");
  return { logged_out: true };
}
