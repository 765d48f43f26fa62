import type { z } from "zod";
import type { Deps } from "../../deps.ts";
import { newId } from "../../lib/ids.ts";
import { mutate, requireSpace, sameSpace, transition } from "../_crud/crud.ts";
import type { Target } from "../_crud/routes.ts";
import { bodyDetails } from "../_crud/schemas.ts";
import { findGroup } from "../groups/groups.repository.ts";
import { findMember } from "../members/members.repository.ts";
import { findRole } from "../roles/roles.repository.ts";
import { getMemberRole, type MemberRoleDto } from "./member-roles.repository.ts";
import type { createMemberRoleBody } from "./member-roles.schemas.ts";
import type { Caller } from "../../security/caller.ts";

const spaceOf = (g: MemberRoleDto) => g.space_id;

/** Member, role and anchor group must all live in the route's Space. */
export function createMemberRole(
  deps: Deps,
  caller: Caller,
  spaceId: string,
  body: z.output<typeof createMemberRoleBody>,
) {
  const id = body.id ?? newId("mr");
  const status = body.status ?? "active";
  const anchor = body.scope_anchor_group_id ?? null;
  return mutate(deps, caller, {
    entity: "member_role",
    verb: "created",
    write: async (trx) => {
      await requireSpace(trx, spaceId);
      sameSpace(
        await findMember(trx, body.member_id),
        spaceId,
        "member_id",
        "MEMBER_NOT_FOUND",
        body.member_id,
      );
      sameSpace(await findRole(trx, body.role_id), spaceId, "role_id", "ROLE_NOT_FOUND", body.role_id);
      if (anchor)
        sameSpace(await findGroup(trx, anchor), spaceId, "scope_anchor_group_id", "GROUP_NOT_FOUND", anchor);
      await trx
        .insertInto("member_roles")
        .values({
          id,
          member_id: body.member_id,
          role_id: body.role_id,
          space_id: spaceId,
          scope_anchor_group_id: anchor,
          status,
          revoked_at: status === "revoked" ? deps.now() : null,
          metadata: JSON.stringify(body.metadata ?? {}),
        })
        .execute();
    },
    after: (trx) => getMemberRole(trx, id),
    spaceOf,
    details: bodyDetails(body),
  });
}

export function revokeMemberRole(deps: Deps, caller: Caller, { spaceId, id }: Target) {
  return transition(deps, caller, {
    table: "member_roles",
    entity: "member_role",
    verb: "revoked",
    to: "revoked",
    from: ["active"],
    set: { revoked_at: deps.now() },
    load: (trx) => getMemberRole(trx, id, spaceId),
    spaceOf,
  });
}
