import type { z } from "zod";
import type { Deps } from "../../deps.ts";
import { AppError } from "../../http/errors.ts";
import { newId } from "../../lib/ids.ts";
import { mutate, requireSpace, sameSpace, transition } from "../_crud/crud.ts";
import type { Target } from "../_crud/routes.ts";
import { bodyDetails } from "../_crud/schemas.ts";
import { findRole } from "../roles/roles.repository.ts";
import { findPermission } from "./permissions.repository.ts";
import { getRolePermission, type RolePermissionDto } from "./role-permissions.repository.ts";
import type { createRolePermissionBody } from "./role-permissions.schemas.ts";
import type { Caller } from "../../security/caller.ts";

const spaceOf = (rp: RolePermissionDto) => rp.space_id;

/** The binding's Space is its role's; on the nested route the role must be in the path's Space. */
export function createRolePermission(
  deps: Deps,
  caller: Caller,
  routeSpaceId: string | null,
  body: z.output<typeof createRolePermissionBody>,
) {
  const id = body.id ?? newId("rp");
  return mutate(deps, caller, {
    entity: "role_permission",
    verb: "created",
    write: async (trx) => {
      if (routeSpaceId) await requireSpace(trx, routeSpaceId);
      const role = await findRole(trx, body.role_id);
      if (!role) throw new AppError("ROLE_NOT_FOUND", undefined, { id: body.role_id, field: "role_id" });
      if (routeSpaceId) sameSpace(role, routeSpaceId, "role_id", "ROLE_NOT_FOUND", body.role_id);
      const permission = await findPermission(trx, body.permission_id);
      if (!permission) {
        throw new AppError("PERMISSION_NOT_FOUND", undefined, {
          id: body.permission_id,
          field: "permission_id",
        });
      }
      await trx
        .insertInto("role_permissions")
        .values({
          id,
          role_id: role.id,
          permission_id: permission.id,
          space_id: role.space_id,
          metadata: JSON.stringify(body.metadata ?? {}),
        })
        .execute();
    },
    after: (trx) => getRolePermission(trx, id),
    spaceOf,
    details: bodyDetails(body),
  });
}

/** DELETE is a soft delete: the binding stops granting at once; repeating it changes nothing. */
export function deleteRolePermission(deps: Deps, caller: Caller, { spaceId, id }: Target) {
  return transition(deps, caller, {
    table: "role_permissions",
    entity: "role_permission",
    verb: "deleted",
    to: "revoked",
    from: ["active", "revoked"],
    set: { deleted_at: deps.now() },
    done: (rp) => rp.deleted_at !== null,
    load: (trx) => getRolePermission(trx, id, spaceId),
    spaceOf,
  });
}
