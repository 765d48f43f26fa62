import { constantTimeEqual } from "../../security/tokens.ts";
import type { DB } from "@plystra/db";
import { type Kysely, sql, type Transaction } from "kysely";
import type { Config } from "../../config.ts";
import type { Deps } from "../../deps.ts";
import { AppError } from "../../http/errors.ts";
import { recordMutation } from "../../lib/audit.ts";
import { newId } from "../../lib/ids.ts";
import { assertPasswordPolicy, hashPassword, passwordParams } from "../../security/passwords.ts";
import { listAvailableBindings } from "../actor/actor.repository.ts";
import { insertAdminGrant, liveSuperAdminGrantIds, toAdminGrantDto } from "../admin/admin.repository.ts";
import { createSession } from "./auth.repository.ts";
import type { RegisterBody } from "./auth.schemas.ts";
import { normaliseEmail, sessionPayload } from "./auth.service.ts";
import type { Caller } from "../../security/caller.ts";

export type RegistrationMode = "bootstrap" | "public_user_only" | "ordinary";

export const DEFAULT_SPACE_ID = "space_default";

function tokenEquals(sent: string, expected: string | null): boolean {
  return !!expected && constantTimeEqual(sent, expected);
}

const refuse = (message: string) => new AppError("REGISTRATION_DISABLED", message);

/**
 * Which registration path applies, or a 403 REGISTRATION_DISABLED saying why. Order is the
 * upstream one: bootstrap (token sent while no super admin exists) → public user-only → refuse
 * until bootstrapped → ordinary with its token.
 */
export function decideRegistrationMode(
  config: Config,
  bootstrapAvailable: boolean,
  token: string | undefined,
): RegistrationMode {
  const sent = token !== undefined && token !== "";
  if (bootstrapAvailable && config.bootstrapRegistrationEnabled && sent) {
    if (!tokenEquals(token, config.bootstrapRegistrationToken))
      throw refuse("registration token is invalid.");
    return "bootstrap";
  }
  if (config.publicUserRegistrationEnabled) return "public_user_only";
  if (bootstrapAvailable) {
    throw refuse("first instance super admin must be bootstrapped before user registration.");
  }
  if (config.registrationEnabled && sent) {
    if (!tokenEquals(token, config.registrationToken)) throw refuse("registration token is invalid.");
    return "ordinary";
  }
  if (!config.registrationEnabled) throw refuse("registration is disabled.");
  if (config.isProduction && !config.registrationToken) {
    throw refuse("registration requires PLYSTRA_AUTH_REGISTRATION_TOKEN to be configured.");
  }
  throw refuse("registration token is invalid.");
}

async function bootstrapAvailable(db: Kysely<DB> | Transaction<DB>, now: Date) {
  return (await liveSuperAdminGrantIds(db, now)).length === 0;
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === "23505";
}

/** The deployment default Space: created, or re-activated when it was disabled or deleted. */
async function ensureDefaultSpace(trx: Transaction<DB>, caller: Caller, body: RegisterBody, now: Date) {
  const existing = await trx
    .selectFrom("spaces")
    .selectAll()
    .where("id", "=", DEFAULT_SPACE_ID)
    .executeTakeFirst();
  if (!existing) {
    const row = await trx
      .insertInto("spaces")
      .values({
        id: DEFAULT_SPACE_ID,
        name: body.space_name || "Default Space",
        slug: body.space_slug ?? null,
        type: "default",
        status: "active",
        metadata: "{}",
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordMutation(trx, caller, {
      action: "space.created",
      resource_type: "space",
      resource_id: row.id,
      space_id: row.id,
      after: row,
      details: { source: "registration" },
    });
    return;
  }
  if (existing.status !== "active" || existing.deleted_at) {
    const row = await trx
      .updateTable("spaces")
      .set({ status: "active", deleted_at: null, type: "default", updated_at: now })
      .where("id", "=", DEFAULT_SPACE_ID)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordMutation(trx, caller, {
      action: "space.restored",
      resource_type: "space",
      resource_id: row.id,
      space_id: row.id,
      before: existing,
      after: row,
      details: { source: "registration" },
    });
  }
}

/**
 * `POST /api/v1/auth/register`. Validation runs before any gating; a cheap gate runs before the
 * Argon2id work (so disabled registration costs nothing); then one transaction, serialised by an
 * advisory lock, re-decides the mode and creates everything — bootstrap can happen at most once.
 */
export async function register(deps: Deps, caller: Caller, body: RegisterBody) {
  assertPasswordPolicy(body.password, deps.config.passwordMinLength);
  const email = normaliseEmail(body.email);
  decideRegistrationMode(deps.config, await bootstrapAvailable(deps.db, deps.now()), body.registration_token);
  const passwordHash = await hashPassword(body.password, passwordParams(deps.config));

  try {
    return await deps.db.transaction().execute(async (trx) => {
      try {
        await sql`SELECT pg_advisory_xact_lock(hashtext('plystra:registration'))`.execute(trx);
      } catch (err) {
        deps.logger.warn({ err: (err as Error).message }, "registration lock unavailable");
        throw new AppError("REGISTRATION_LOCK_UNAVAILABLE");
      }
      const now = deps.now();
      const mode = decideRegistrationMode(
        deps.config,
        await bootstrapAvailable(trx, now),
        body.registration_token,
      );

      const taken = await trx
        .selectFrom("users")
        .select("id")
        .where(sql<string>`lower(email)`, "=", email)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      if (taken)
        throw new AppError("USER_CREATE_FAILED", "A user with this email already exists.", {
          field: "email",
        });

      const user = await trx
        .insertInto("users")
        .values({
          id: newId("user"),
          email,
          username: body.username ?? null,
          phone: body.phone ?? null,
          status: "active",
          metadata: JSON.stringify(body.metadata ?? {}),
          password_hash: passwordHash,
          password_changed_at: now,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordMutation(trx, caller, {
        action: "user.created",
        resource_type: "user",
        resource_id: user.id,
        space_id: null,
        after: user,
        details: { source: "registration", registration_mode: mode },
      });
      const userDto = { id: user.id, email: user.email, status: user.status };

      if (mode === "public_user_only") {
        return {
          user: userDto,
          actor: null,
          available_members: [],
          access_token: null,
          refresh_token: null,
          token_type: null,
          expires_at: null,
          refresh_expires_at: null,
          registration_mode: mode,
          bootstrap_super_admin: false,
          bootstrap_admin_grant_id: null,
          space_admin_grant_id: null,
          user_only: true,
          registration_requires_approval: false,
        };
      }

      await ensureDefaultSpace(trx, caller, body, now);
      const member = await trx
        .insertInto("members")
        .values({
          id: newId("mem"),
          space_id: DEFAULT_SPACE_ID,
          display_name: body.member_display_name || body.username || email.split("@")[0] || email,
          member_type: "human",
          status: "active",
          metadata: "{}",
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordMutation(trx, caller, {
        action: "member.created",
        resource_type: "member",
        resource_id: member.id,
        space_id: DEFAULT_SPACE_ID,
        after: member,
        details: { source: "registration" },
      });
      const binding = await trx
        .insertInto("user_members")
        .values({
          id: newId("um"),
          user_id: user.id,
          member_id: member.id,
          space_id: DEFAULT_SPACE_ID,
          relation_type: "self",
          status: "active",
          is_primary: true,
          linked_at: now,
          metadata: "{}",
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordMutation(trx, caller, {
        action: "user_member.created",
        resource_type: "user_member",
        resource_id: binding.id,
        space_id: DEFAULT_SPACE_ID,
        after: binding,
        details: { source: "registration" },
      });

      const grant = async (level: "space_admin" | "instance_super_admin") => {
        const row = await insertAdminGrant(trx, {
          id: newId("ag"),
          user_id: user.id,
          member_id: member.id,
          space_id: level === "space_admin" ? DEFAULT_SPACE_ID : null,
          group_id: null,
          level,
          permission_key: "*",
          status: "active",
          metadata: JSON.stringify({ source: "registration" }),
          created_at: now,
          updated_at: now,
        });
        await recordMutation(trx, caller, {
          action: "admin_grant.created",
          resource_type: "admin_grant",
          resource_id: row.id,
          space_id: row.space_id,
          after: toAdminGrantDto(row),
          details: { source: "registration", registration_mode: mode },
        });
        return row.id;
      };
      const spaceAdminGrantId = await grant("space_admin");
      const superGrantId = mode === "bootstrap" ? await grant("instance_super_admin") : null;

      const available = await listAvailableBindings({ db: trx, now: deps.now }, user.id);
      const actor = available[0];
      if (!actor) throw new AppError("ACTIVE_MEMBER_REQUIRED");
      const tokens = await createSession(trx, {
        userId: user.id,
        actor,
        ip: caller.ip,
        userAgent: caller.userAgent,
        now,
        secret: deps.config.sessionSecret,
      });
      return {
        ...sessionPayload(tokens, userDto, actor, available),
        registration_mode: mode,
        bootstrap_super_admin: mode === "bootstrap",
        bootstrap_admin_grant_id: superGrantId,
        space_admin_grant_id: spaceAdminGrantId,
        user_only: false,
        registration_requires_approval: false,
      };
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      const detail = String((err as { constraint?: string }).constraint ?? "");
      if (detail.includes("slug")) {
        throw new AppError("CONFLICT", "space_slug is already in use.", { field: "space_slug" });
      }
      throw new AppError("USER_CREATE_FAILED", "A user with this email already exists.", { field: "email" });
    }
    throw err;
  }
}
