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
  install(ops, deps) {
    installCrud(ops, deps, {
      operations: {
        list: "listPermissions",
        create: "createPermission",
        get: "getPermission",
        update: "updatePermission",
      },
      listQuery: permissionListQuery,
      list: (db, _space, q) => listPermissions(db, q),
      get: (db, t) => getPermission(db, t.id),
      createBody: createPermissionBody,
      create: (deps, c, _space, body) => createPermission(deps, c, body),
      updateBody: updatePermissionBody,
      update: updatePermission,
      transitions: {
        disablePermission: (deps, c, t, body) => disablePermission(deps, c, t, body?.audit_space_id),
      },
    });
    const rolePermissions = {
      createBody: createRolePermissionBody,
      create: createRolePermission,
      updateBody: createRolePermissionBody,
      remove: deleteRolePermission,
    };
    installCrud(ops, deps, {
      ...rolePermissions,
      operations: {
        list: "listRolePermissions",
        create: "createRolePermission",
        get: "getRolePermission",
        remove: "deleteRolePermission",
      },
      listQuery: rolePermissionListQuery,
      list: (db, _space, q) => listRolePermissions(db, q),
      get: (db, t) => getRolePermission(db, t.id),
    });
    installCrud(ops, deps, {
      ...rolePermissions,
      operations: {
        list: "listSpaceRolePermissions",
        create: "createSpaceRolePermission",
        get: "getSpaceRolePermission",
        remove: "deleteSpaceRolePermission",
      },
      listQuery: spaceRolePermissionListQuery,
      list: (db, spaceId, q) => listRolePermissions(db, { ...q, space_id: spaceId as string }),
      get: (db, t) => getRolePermission(db, t.id, t.spaceId),
    });
  },
};
