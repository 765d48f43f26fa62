import { installCrud } from "../_crud/routes.ts";
import type { Feature } from "../feature.ts";
import { getUser, listUsers } from "./users.repository.ts";
import { createUserBody, updateUserBody, userListQuery } from "./users.schemas.ts";
import { createUser, setUserStatus, updateUser } from "./users.service.ts";

export const usersFeature: Feature = {
  name: "users",
  install(ops, deps) {
    installCrud(ops, deps, {
      operations: { list: "listUsers", create: "createUser", get: "getUser", update: "updateUser" },
      listQuery: userListQuery,
      list: (db, _space, q) => listUsers(db, q),
      get: (db, t) => getUser(db, t.id),
      createBody: createUserBody,
      create: (deps, c, _space, body) => createUser(deps, c, body),
      updateBody: updateUserBody,
      update: updateUser,
      transitions: {
        disableUser: (deps, c, t, body) => setUserStatus(deps, c, t, "disabled", body?.audit_space_id),
        restoreUser: (deps, c, t, body) => setUserStatus(deps, c, t, "active", body?.audit_space_id),
      },
    });
  },
};
