import type { DB } from "@plystra/db";
import type { Transaction } from "kysely";
import type { z } from "zod";
import type { Deps } from "../../deps.ts";
import { AppError } from "../../http/errors.ts";
import { newId } from "../../lib/ids.ts";
import { isSuperAdmin } from "../../security/policy.ts";
import { listLiveGrantsOfUser, liveSuperAdminGrantIds } from "../admin/admin.repository.ts";
import { assertPasswordPolicy, hashPassword, passwordParams } from "../../security/passwords.ts";
import { auditSpace, immutable, mutate, patchEntity, transition } from "../_crud/crud.ts";
import type { Target } from "../_crud/routes.ts";
import { bodyDetails } from "../_crud/schemas.ts";
import { revokeUserSessions } from "../auth/auth.repository.ts";
import { getUser } from "./users.repository.ts";
import type { createUserBody, updateUserBody } from "./users.schemas.ts";
import type { Caller } from "../../security/caller.ts";

/** Validates and hashes a new password; `null`/absent means "no password change". */
async function newPasswordHash(deps: Deps, password: string | null | undefined): Promise<string | null> {
  if (password === undefined || password === null) return null;
  assertPasswordPolicy(password, deps.config.passwordMinLength);
  return hashPassword(password, passwordParams(deps.config));
}

/**
 * Anti-escalation for account takeover: a user holding an instance-level admin grant can only be
 * changed (password, email, status) by itself or by an instance super admin session — otherwise a
 * `users:manage` holder could reset a super admin's password and log in as them.
 */
async function assertMayManageUser(deps: Deps, caller: Caller, userId: string): Promise<void> {
  const principal = caller.principal;
  const grants = await listLiveGrantsOfUser(deps.db, userId, deps.now());
  if (!grants.some((g) => g.level === "instance_super_admin" || g.level === "instance_admin")) return;
  if (principal?.kind === "session" && principal.userId === userId) return;
  if (isSuperAdmin(principal)) return;
  throw new AppError(
    "ADMIN_PERMISSION_REQUIRED",
    "Only an instance super admin can change a user who holds instance-level admin grants.",
    { permission: "users:manage", reason: "target holds instance-level admin grants" },
  );
}

/**
 * Disabling a user must leave a live super admin, like revoking a grant: the live super admin
 * grants are locked (as the grant revoke does) so concurrent disables/revokes serialise.
 */
async function assertNotLastSuperAdmin(trx: Transaction<DB>, userId: string, now: Date): Promise<void> {
  const live = await liveSuperAdminGrantIds(trx, now, { lock: true });
  if (!live.length) return;
  const own = new Set((await listLiveGrantsOfUser(trx, userId, now)).map((g) => g.id));
  if (live.every((id) => own.has(id))) throw new AppError("LAST_SUPER_ADMIN");
}

export async function createUser(deps: Deps, caller: Caller, body: z.output<typeof createUserBody>) {
  const id = body.id ?? newId("user");
  const space = await auditSpace(deps.db, body.audit_space_id);
  const passwordHash = await newPasswordHash(deps, body.password);
  return mutate(deps, caller, {
    entity: "user",
    verb: "created",
    conflict: "USER_CREATE_FAILED",
    write: async (trx) => {
      await trx
        .insertInto("users")
        .values({
          id,
          email: body.email,
          username: body.username ?? null,
          phone: body.phone ?? null,
          status: body.status ?? "active",
          metadata: JSON.stringify(body.metadata ?? {}),
          password_hash: passwordHash,
          password_changed_at: passwordHash ? deps.now() : null,
        })
        .execute();
    },
    after: (trx) => getUser(trx, id),
    spaceOf: () => space,
    details: { ...bodyDetails(body), password_set: passwordHash !== null },
  });
}

/** A password change revokes every session of the user in the same transaction. */
export async function updateUser(
  deps: Deps,
  caller: Caller,
  { id }: Target,
  body: z.output<typeof updateUserBody>,
) {
  const { actor: _a, id: bodyId, audit_space_id, password, ...patch } = body;
  immutable("id", id, bodyId);
  await assertMayManageUser(deps, caller, id);
  const space = await auditSpace(deps.db, audit_space_id);
  const passwordHash = await newPasswordHash(deps, password);
  const now = deps.now();
  return patchEntity(deps, caller, {
    table: "users",
    entity: "user",
    id,
    load: (trx) => getUser(trx, id),
    spaceOf: () => space,
    values: patch,
    conflict: "CONFLICT",
    check: async (trx) => {
      if (patch.status === "disabled") await assertNotLastSuperAdmin(trx, id, now);
      if (!passwordHash) return undefined;
      await revokeUserSessions(trx, id, "password_changed", now);
      return { password_hash: passwordHash, password_changed_at: now };
    },
    details: { ...bodyDetails(body), password_changed: passwordHash !== null },
  });
}

export async function setUserStatus(
  deps: Deps,
  caller: Caller,
  { id }: Target,
  to: "active" | "disabled",
  auditSpaceId?: string,
) {
  await assertMayManageUser(deps, caller, id);
  const space = await auditSpace(deps.db, auditSpaceId);
  return transition(deps, caller, {
    table: "users",
    entity: "user",
    verb: to === "active" ? "restored" : "disabled",
    to,
    from: to === "active" ? ["disabled"] : ["active"],
    load: (trx) => getUser(trx, id),
    check: to === "disabled" ? (trx) => assertNotLastSuperAdmin(trx, id, deps.now()) : undefined,
    spaceOf: () => space,
  });
}
