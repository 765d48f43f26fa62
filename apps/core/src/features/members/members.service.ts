import type { z } from "zod";
import type { Deps } from "../../deps.ts";
import { newId } from "../../lib/ids.ts";
import { immutable, mutate, patchEntity, requireSpace, transition } from "../_crud/crud.ts";
import type { Target } from "../_crud/routes.ts";
import { bodyDetails } from "../_crud/schemas.ts";
import { getMember, type MemberDto } from "./members.repository.ts";
import type { createMemberBody, updateMemberBody } from "./members.schemas.ts";
import type { Caller } from "../../security/caller.ts";

const spaceOf = (m: MemberDto) => m.space_id;

export function createMember(
  deps: Deps,
  caller: Caller,
  spaceId: string,
  body: z.output<typeof createMemberBody>,
) {
  const id = body.id ?? newId("member");
  return mutate(deps, caller, {
    entity: "member",
    verb: "created",
    write: async (trx) => {
      await requireSpace(trx, spaceId);
      await trx
        .insertInto("members")
        .values({
          id,
          space_id: spaceId,
          display_name: body.display_name,
          member_type: body.member_type ?? "human",
          status: body.status ?? "active",
          metadata: JSON.stringify(body.metadata ?? {}),
        })
        .execute();
    },
    after: (trx) => getMember(trx, id),
    spaceOf,
    details: bodyDetails(body),
  });
}

export function updateMember(
  deps: Deps,
  caller: Caller,
  { spaceId, id }: Target,
  body: z.output<typeof updateMemberBody>,
) {
  const { actor: _actor, id: bodyId, ...patch } = body;
  immutable("id", id, bodyId);
  return patchEntity(deps, caller, {
    table: "members",
    entity: "member",
    id,
    spaceId,
    load: (trx, space) => getMember(trx, id, space),
    spaceOf,
    values: { ...patch, member_type: patch.member_type === null ? "human" : patch.member_type },
    details: bodyDetails(body),
  });
}

export function disableMember(deps: Deps, caller: Caller, { spaceId, id }: Target) {
  return transition(deps, caller, {
    table: "members",
    entity: "member",
    verb: "disabled",
    to: "disabled",
    from: ["active"],
    load: (trx) => getMember(trx, id, spaceId),
    spaceOf,
  });
}
