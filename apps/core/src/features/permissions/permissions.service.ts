import type { z } from "zod";
import type { Deps } from "../../deps.ts";
import { newId } from "../../lib/ids.ts";
import { auditSpace, immutable, mutate, patchEntity, transition } from "../_crud/crud.ts";
import type { Target } from "../_crud/routes.ts";
import { bodyDetails } from "../_crud/schemas.ts";
import { getPermission } from "./permissions.repository.ts";
import type { createPermissionBody, updatePermissionBody } from "./permissions.schemas.ts";
import type { Caller } from "../../security/caller.ts";

/** `global` is reserved in v1: such permissions exist only as disabled rows and never allow. */
const effectiveStatus = (scope: string, requested: string | undefined) =>
  scope === "global" ? "disabled" : requested;

export async function createPermission(
  deps: Deps,
  caller: Caller,
  body: z.output<typeof createPermissionBody>,
) {
  const id = body.id ?? newId("perm");
  const space = await auditSpace(deps.db, body.audit_space_id);
  return mutate(deps, caller, {
    entity: "permission",
    verb: "created",
    write: async (trx) => {
      await trx
        .insertInto("permissions")
        .values({
          id,
          resource: body.resource,
          action: body.action,
          scope: body.scope,
          description: body.description ?? null,
          status: effectiveStatus(body.scope, body.status) ?? "active",
          metadata: JSON.stringify(body.metadata ?? {}),
        })
        .execute();
    },
    after: (trx) => getPermission(trx, id),
    spaceOf: () => space,
    details: bodyDetails(body),
  });
}

export async function updatePermission(
  deps: Deps,
  caller: Caller,
  { id }: Target,
  body: z.output<typeof updatePermissionBody>,
) {
  const { actor: _a, id: bodyId, audit_space_id, ...patch } = body;
  immutable("id", id, bodyId);
  const space = await auditSpace(deps.db, audit_space_id);
  return patchEntity(deps, caller, {
    table: "permissions",
    entity: "permission",
    id,
    load: (trx) => getPermission(trx, id),
    spaceOf: () => space,
    values: patch,
    check: async (_trx, before) => {
      const scope = patch.scope ?? before.scope;
      const touchesStatus = patch.status !== undefined || patch.scope !== undefined;
      return scope === "global" && touchesStatus
        ? { status: effectiveStatus(scope, patch.status) }
        : undefined;
    },
    details: bodyDetails(body),
  });
}

export async function disablePermission(
  deps: Deps,
  caller: Caller,
  { id }: Target,
  auditSpaceId: string | undefined,
) {
  const space = await auditSpace(deps.db, auditSpaceId);
  return transition(deps, caller, {
    table: "permissions",
    entity: "permission",
    verb: "disabled",
    to: "disabled",
    from: ["active"],
    load: (trx) => getPermission(trx, id),
    spaceOf: () => space,
  });
}
