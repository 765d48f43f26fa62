import { installCrud } from "../_crud/routes.ts";
import type { Feature } from "../feature.ts";
import { getPermission, listPermissions } from "./permissions.repository.ts";
import { createPermissionBody, permissionListQuery, updatePermissionBody } from "./permissions.schemas.ts";
import { createPermission, disablePermission, updatePermission } from "./permissions.service.ts";
import { getRolePermission, listRolePermissions } from "./role-permissions.repository.ts";
import {
  createRolePermissionBody,
  rolePermissionListQuery,
  spaceRolePermissionListQuery,
} from "./role-permissions.schemas.ts";
import { createRolePermission, deleteRolePermission } from "./role-permissions.service.ts";

export const permissionsFeature: Feature = {
  name: "permissions",
  install(app, deps) {
    installCrud(app, deps, {
      base: "/api/v1/permissions",
      idParam: "permission_id",
      listQuery: permissionListQuery,
      list: (db, _space, q) => listPermissions(db, q),
      get: (db, t) => getPermission(db, t.id),
      createBody: createPermissionBody,
      create: (deps, c, _space, body) => createPermission(deps, c, body),
      updateBody: updatePermissionBody,
      update: updatePermission,
      transitions: { disable: (deps, c, t, body) => disablePermission(deps, c, t, body?.audit_space_id) },
    });
    const rolePermissions = {
      idParam: "role_permission_id",
      createBody: createRolePermissionBody,
      create: createRolePermission,
      updateBody: createRolePermissionBody,
      remove: deleteRolePermission,
    };
    installCrud(app, deps, {
      ...rolePermissions,
      base: "/api/v1/role-permissions",
      listQuery: rolePermissionListQuery,
      list: (db, _space, q) => listRolePermissions(db, q),
      get: (db, t) => getRolePermission(db, t.id),
    });
    installCrud(app, deps, {
      ...rolePermissions,
      base: "/api/v1/spaces/:space_id/role-permissions",
      listQuery: spaceRolePermissionListQuery,
      list: (db, spaceId, q) => listRolePermissions(db, { ...q, space_id: spaceId as string }),
      get: (db, t) => getRolePermission(db, t.id, t.spaceId),
    });
  },
};
