import type { z } from "zod";
import type { Deps } from "../../deps.ts";
import { AppError } from "../../http/errors.ts";
import { newId } from "../../lib/ids.ts";
import {
  type Db,
  immutable,
  mutate,
  patchEntity,
  requireSpace,
  sameSpace,
  transition,
} from "../_crud/crud.ts";
import type { Target } from "../_crud/routes.ts";
import { bodyDetails } from "../_crud/schemas.ts";
import { findMember } from "../members/members.repository.ts";
import { findLiveBinding, getUserMember, type UserMemberDto } from "./user-members.repository.ts";
import type { createUserMemberBody, updateUserMemberBody } from "./user-members.schemas.ts";
import type { Caller } from "../../security/caller.ts";

const spaceOf = (b: UserMemberDto) => b.space_id;

async function checkLinkedBy(db: Db, spaceId: string, id: string | null | undefined) {
  if (id) sameSpace(await findMember(db, id), spaceId, "linked_by_member_id", "MEMBER_NOT_FOUND", id);
}

export function createUserMember(
  deps: Deps,
  caller: Caller,
  spaceId: string,
  body: z.output<typeof createUserMemberBody>,
) {
  const id = body.id ?? newId("um");
  const now = deps.now();
  const status = body.status ?? "active";
  return mutate(deps, caller, {
    entity: "user_member",
    verb: "created",
    write: async (trx) => {
      await requireSpace(trx, spaceId);
      const user = await trx
        .selectFrom("users")
        .select("id")
        .where("id", "=", body.user_id)
        .executeTakeFirst();
      if (!user) throw new AppError("USER_NOT_FOUND", undefined, { id: body.user_id, field: "user_id" });
      sameSpace(
        await findMember(trx, body.member_id),
        spaceId,
        "member_id",
        "MEMBER_NOT_FOUND",
        body.member_id,
      );
      await checkLinkedBy(trx, spaceId, body.linked_by_member_id);
      if (status === "active" && (await findLiveBinding(trx, body.user_id, body.member_id))) {
        throw new AppError("CONFLICT", "The User already has a live binding to this Member.", {
          user_id: body.user_id,
          member_id: body.member_id,
        });
      }
      await trx
        .insertInto("user_members")
        .values({
          id,
          user_id: body.user_id,
          member_id: body.member_id,
          space_id: spaceId,
          relation_type: body.relation_type ?? "login",
          status,
          is_primary: body.is_primary ?? false,
          expires_at: body.expires_at ?? null,
          linked_at: body.linked_at ?? now,
          linked_by_member_id: body.linked_by_member_id ?? null,
          revoked_at: status === "revoked" ? now : null,
          revoked_reason: body.revoked_reason ?? null,
          metadata: JSON.stringify(body.metadata ?? {}),
        })
        .execute();
    },
    after: (trx) => getUserMember(trx, id),
    spaceOf,
    details: bodyDetails(body),
  });
}

/** The binding's User and Member never change; revoked is terminal (create a new binding instead). */
export function updateUserMember(
  deps: Deps,
  caller: Caller,
  { spaceId, id }: Target,
  body: z.output<typeof updateUserMemberBody>,
) {
  const { actor: _a, id: bodyId, user_id, member_id, ...patch } = body;
  immutable("id", id, bodyId);
  return patchEntity(deps, caller, {
    table: "user_members",
    entity: "user_member",
    id,
    spaceId,
    load: (trx, space) => getUserMember(trx, id, space),
    spaceOf,
    values: { ...patch, is_primary: patch.is_primary === null ? false : patch.is_primary },
    check: async (trx, before) => {
      immutable("user_id", before.user_id, user_id);
      immutable("member_id", before.member_id, member_id);
      await checkLinkedBy(trx, before.space_id, patch.linked_by_member_id);
      if (before.status === "revoked" && patch.status !== undefined && patch.status !== "revoked") {
        throw new AppError("INVALID_STATE_TRANSITION", "A revoked binding cannot be reactivated.", {
          status: before.status,
          target_status: patch.status,
        });
      }
      if (patch.status === "active" && before.status !== "active") {
        const live = await findLiveBinding(trx, before.user_id, before.member_id);
        if (live && live.id !== id)
          throw new AppError("CONFLICT", "The User already has a live binding to this Member.");
      }
      if (patch.status === "revoked" && before.status !== "revoked") return { revoked_at: deps.now() };
      return undefined;
    },
    details: bodyDetails(body),
  });
}

export function revokeUserMember(
  deps: Deps,
  caller: Caller,
  { spaceId, id }: Target,
  reason: string | null | undefined,
) {
  return transition(deps, caller, {
    table: "user_members",
    entity: "user_member",
    verb: "revoked",
    to: "revoked",
    from: ["active", "disabled"],
    set: { revoked_at: deps.now(), revoked_reason: reason ?? null },
    load: (trx) => getUserMember(trx, id, spaceId),
    spaceOf,
  });
}
