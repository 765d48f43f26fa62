import type { z } from "zod";
import type { Deps } from "../../deps.ts";
import { newId } from "../../lib/ids.ts";
import { assertPasswordPolicy, hashPassword, passwordParams } from "../../security/passwords.ts";
import { auditSpace, type Ctx, immutable, mutate, patchEntity, transition } from "../_crud/crud.ts";
import type { Target } from "../_crud/routes.ts";
import { bodyDetails } from "../_crud/schemas.ts";
import { revokeUserSessions } from "../auth/auth.repository.ts";
import { getUser } from "./users.repository.ts";
import type { createUserBody, updateUserBody } from "./users.schemas.ts";

/** Validates and hashes a new password; `null`/absent means "no password change". */
async function newPasswordHash(deps: Deps, password: string | null | undefined): Promise<string | null> {
  if (password === undefined || password === null) return null;
  assertPasswordPolicy(password, deps.config.passwordMinLength);
  return hashPassword(password, passwordParams(deps.config));
}

export async function createUser(deps: Deps, c: Ctx, body: z.output<typeof createUserBody>) {
  const id = body.id ?? newId("user");
  const space = await auditSpace(deps.db, body.audit_space_id);
  const passwordHash = await newPasswordHash(deps, body.password);
  return mutate(deps, c, {
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
export async function updateUser(deps: Deps, c: Ctx, { id }: Target, body: z.output<typeof updateUserBody>) {
  const { actor: _a, id: bodyId, audit_space_id, password, ...patch } = body;
  immutable("id", id, bodyId);
  const space = await auditSpace(deps.db, audit_space_id);
  const passwordHash = await newPasswordHash(deps, password);
  const now = deps.now();
  return patchEntity(deps, c, {
    table: "users",
    entity: "user",
    id,
    load: (trx) => getUser(trx, id),
    spaceOf: () => space,
    values: patch,
    conflict: "CONFLICT",
    check: async (trx) => {
      if (!passwordHash) return undefined;
      await revokeUserSessions(trx, id, "password_changed", now);
      return { password_hash: passwordHash, password_changed_at: now };
    },
    details: { ...bodyDetails(body), password_changed: passwordHash !== null },
  });
}

export async function setUserStatus(
  deps: Deps,
  c: Ctx,
  { id }: Target,
  to: "active" | "disabled",
  auditSpaceId?: string,
) {
  const space = await auditSpace(deps.db, auditSpaceId);
  return transition(deps, c, {
    table: "users",
    entity: "user",
    verb: to === "active" ? "restored" : "disabled",
    to,
    from: to === "active" ? ["disabled"] : ["active"],
    load: (trx) => getUser(trx, id),
    spaceOf: () => space,
  });
}
