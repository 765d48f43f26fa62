import type { Feature } from "../feature.ts";
import { installCrud } from "../_crud/routes.ts";
import { getRole, listRoles } from "./roles.repository.ts";
import { createRoleBody, roleListQuery, updateRoleBody } from "./roles.schemas.ts";
import { createRole, disableRole, updateRole } from "./roles.service.ts";

export const rolesFeature: Feature = {
  name: "roles",
  install(ops, deps) {
    installCrud(ops, deps, {
      operations: {
        list: "listRoles",
        create: "createRole",
        get: "getRole",
        update: "updateRole",
        getById: "getRoleByID",
      },
      listQuery: roleListQuery,
      list: (db, spaceId, q) => listRoles(db, spaceId as string, q),
      get: (db, t) => getRole(db, t.id, t.spaceId),
      createBody: createRoleBody,
      create: (deps, c, spaceId, body) => createRole(deps, c, spaceId as string, body),
      updateBody: updateRoleBody,
      update: updateRole,
      transitions: { disableRole: (deps, c, t) => disableRole(deps, c, t) },
    });
  },
};
