import type { z } from "zod";
import type { Deps } from "../../deps.ts";
import { validationError } from "../../http/errors.ts";
import { newId } from "../../lib/ids.ts";
import { allows } from "../../security/policy.ts";
import { groupReachPaths } from "../../security/reach.ts";
import { immutable, mutate, patchEntity, requireSpace, sameSpace, transition } from "../_crud/crud.ts";
import type { Target } from "../_crud/routes.ts";
import { bodyDetails } from "../_crud/schemas.ts";
import { findGroup, type GroupDto, getGroup } from "./groups.repository.ts";
import type { createGroupBody, updateGroupBody } from "./groups.schemas.ts";
import type { Caller } from "../../security/caller.ts";

const spaceOf = (g: GroupDto) => g.space_id;

/**
 * Which subtrees of the Space the caller may list: `null` = the whole Space (space-level reach or
 * wider); otherwise the anchor paths of its group-level grants or key.
 */
export function visibleSubtrees(caller: Caller, spaceId: string): string[] | null {
  const principal = caller.principal;
  if (allows(principal, { permission: "groups:read", spaceId }, false)) return null;
  return groupReachPaths(principal, "groups:read", spaceId);
}

/** `parent_id` is an alias; sending both with different values is ambiguous. */
function parentOf(body: {
  parent_group_id?: string | null;
  parent_id?: string | null;
}): string | null | undefined {
  const { parent_group_id: a, parent_id: b } = body;
  if (a !== undefined && b !== undefined && a !== b) {
    throw validationError(
      "parent_id",
      "conflicts with parent_group_id",
      "parent_id: conflicts with parent_group_id",
    );
  }
  return a !== undefined ? a : b;
}

export function createGroup(
  deps: Deps,
  caller: Caller,
  spaceId: string,
  body: z.output<typeof createGroupBody>,
) {
  const id = body.id ?? newId("group");
  const parentId = parentOf(body) ?? null;
  return mutate(deps, caller, {
    entity: "group",
    verb: "created",
    write: async (trx) => {
      await requireSpace(trx, spaceId);
      const parent = parentId ? await findGroup(trx, parentId) : undefined;
      if (parentId) sameSpace(parent, spaceId, "parent_group_id", "GROUP_NOT_FOUND", parentId);
      const path = parent ? `${parent.path}.${body.name}` : body.name;
      if (body.path !== undefined && body.path !== path) {
        throw validationError("path", `must be ${path} (derived from the parent path and name)`);
      }
      await trx
        .insertInto("groups")
        .values({
          id,
          space_id: spaceId,
          parent_group_id: parentId,
          name: body.name,
          display_name: body.display_name ?? null,
          path,
          depth: parent ? parent.depth + 1 : 0,
          sort_order: body.sort_order ?? 0,
          status: body.status ?? "active",
          metadata: JSON.stringify(body.metadata ?? {}),
        })
        .execute();
    },
    after: (trx) => getGroup(trx, id),
    spaceOf,
    details: bodyDetails(body),
  });
}

/** Only display fields change; anything that would move the group in the tree is a 400. */
export function updateGroup(
  deps: Deps,
  caller: Caller,
  { spaceId, id }: Target,
  body: z.output<typeof updateGroupBody>,
) {
  const { actor: _a, id: bodyId, name, path, parent_group_id, parent_id, ...patch } = body;
  immutable("id", id, bodyId);
  return patchEntity(deps, caller, {
    table: "groups",
    entity: "group",
    id,
    spaceId,
    load: (trx, space) => getGroup(trx, id, space),
    spaceOf,
    values: { ...patch, sort_order: patch.sort_order === null ? 0 : patch.sort_order },
    check: async (_trx, before) => {
      immutable("path", before.path, path);
      immutable("name", before.name, name);
      immutable("parent_group_id", before.parent_group_id, parent_group_id);
      immutable("parent_id", before.parent_group_id, parent_id);
    },
    details: bodyDetails(body),
  });
}

export function disableGroup(deps: Deps, caller: Caller, { spaceId, id }: Target) {
  return transition(deps, caller, {
    table: "groups",
    entity: "group",
    verb: "disabled",
    to: "disabled",
    from: ["active"],
    load: (trx) => getGroup(trx, id, spaceId),
    spaceOf,
  });
}
