import type { Feature } from "../feature.ts";
import { installCrud } from "../_crud/routes.ts";
import { getRole, listRoles } from "./roles.repository.ts";
import { createRoleBody, roleListQuery, updateRoleBody } from "./roles.schemas.ts";
import { createRole, disableRole, updateRole } from "./roles.service.ts";

export const rolesFeature: Feature = {
  name: "roles",
  install(app, deps) {
    installCrud(app, deps, {
      base: "/api/v1/spaces/:space_id/roles",
      idParam: "role_id",
      byIdPath: "/api/v1/roles/:role_id",
      listQuery: roleListQuery,
      list: (db, spaceId, q) => listRoles(db, spaceId as string, q),
      get: (db, t) => getRole(db, t.id, t.spaceId),
      createBody: createRoleBody,
      create: (deps, c, spaceId, body) => createRole(deps, c, spaceId as string, body),
      updateBody: updateRoleBody,
      update: updateRole,
      transitions: { disable: (deps, c, t) => disableRole(deps, c, t) },
    });
  },
};
