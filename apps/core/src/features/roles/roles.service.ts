import type { z } from "zod";
import type { Deps } from "../../deps.ts";
import { newId } from "../../lib/ids.ts";
import { immutable, mutate, patchEntity, requireSpace, transition } from "../_crud/crud.ts";
import type { Target } from "../_crud/routes.ts";
import { bodyDetails } from "../_crud/schemas.ts";
import { getRole, type RoleDto } from "./roles.repository.ts";
import type { createRoleBody, updateRoleBody } from "./roles.schemas.ts";
import type { Caller } from "../../security/caller.ts";

const spaceOf = (r: RoleDto) => r.space_id;

export function createRole(
  deps: Deps,
  caller: Caller,
  spaceId: string,
  body: z.output<typeof createRoleBody>,
) {
  const id = body.id ?? newId("role");
  return mutate(deps, caller, {
    entity: "role",
    verb: "created",
    write: async (trx) => {
      await requireSpace(trx, spaceId);
      await trx
        .insertInto("roles")
        .values({
          id,
          space_id: spaceId,
          key: body.key,
          name: body.name,
          description: body.description ?? null,
          status: body.status ?? "active",
          metadata: JSON.stringify(body.metadata ?? {}),
        })
        .execute();
    },
    after: (trx) => getRole(trx, id),
    spaceOf,
    details: bodyDetails(body),
  });
}

export function updateRole(
  deps: Deps,
  caller: Caller,
  { spaceId, id }: Target,
  body: z.output<typeof updateRoleBody>,
) {
  const { actor: _actor, id: bodyId, ...patch } = body;
  immutable("id", id, bodyId);
  return patchEntity(deps, caller, {
    table: "roles",
    entity: "role",
    id,
    spaceId,
    load: (trx, space) => getRole(trx, id, space),
    spaceOf,
    values: patch,
    details: bodyDetails(body),
  });
}

export function disableRole(deps: Deps, caller: Caller, { spaceId, id }: Target) {
  return transition(deps, caller, {
    table: "roles",
    entity: "role",
    verb: "disabled",
    to: "disabled",
    from: ["active"],
    load: (trx) => getRole(trx, id, spaceId),
    spaceOf,
  });
}
