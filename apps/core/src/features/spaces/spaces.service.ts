import type { z } from "zod";
import type { Deps } from "../../deps.ts";
import { immutable, mutate, patchEntity, transition } from "../_crud/crud.ts";
import { bodyDetails } from "../_crud/schemas.ts";
import { newId } from "../../lib/ids.ts";
import { getSpace, type SpaceDto } from "./spaces.repository.ts";
import type { createSpaceBody, updateSpaceBody } from "./spaces.schemas.ts";
import type { Caller } from "../../security/caller.ts";

const spaceOf = (s: SpaceDto) => s.id;

export function createSpace(deps: Deps, caller: Caller, body: z.output<typeof createSpaceBody>) {
  const id = body.id ?? newId("space");
  return mutate(deps, caller, {
    entity: "space",
    verb: "created",
    write: async (trx) => {
      await trx
        .insertInto("spaces")
        .values({
          id,
          name: body.name,
          slug: body.slug ?? null,
          type: body.type ?? "customer",
          status: body.status ?? "active",
          metadata: JSON.stringify(body.metadata ?? {}),
        })
        .execute();
    },
    after: (trx) => getSpace(trx, id),
    spaceOf,
    details: bodyDetails(body),
  });
}

export function updateSpace(deps: Deps, caller: Caller, id: string, body: z.output<typeof updateSpaceBody>) {
  const { actor: _actor, id: bodyId, ...patch } = body;
  immutable("id", id, bodyId);
  return patchEntity(deps, caller, {
    table: "spaces",
    entity: "space",
    id,
    load: (trx) => getSpace(trx, id),
    spaceOf,
    values: { ...patch, type: patch.type === null ? "customer" : patch.type },
    details: bodyDetails(body),
  });
}

export function setSpaceStatus(deps: Deps, caller: Caller, id: string, to: "active" | "disabled") {
  return transition(deps, caller, {
    table: "spaces",
    entity: "space",
    verb: to === "active" ? "restored" : "disabled",
    to,
    from: to === "active" ? ["disabled"] : ["active"],
    load: (trx) => getSpace(trx, id),
    spaceOf,
  });
}
