import { installCrud } from "../_crud/routes.ts";
import type { Feature } from "../feature.ts";
import { getUserMember, listUserMembers } from "./user-members.repository.ts";
import { createUserMemberBody, updateUserMemberBody, userMemberListQuery } from "./user-members.schemas.ts";
import { createUserMember, revokeUserMember, updateUserMember } from "./user-members.service.ts";

export const userMembersFeature: Feature = {
  name: "user-members",
  install(ops, deps) {
    installCrud(ops, deps, {
      operations: {
        list: "listUserMembers",
        create: "createUserMember",
        get: "getUserMember",
        update: "updateUserMember",
        getById: "getUserMemberByID",
      },
      listQuery: userMemberListQuery,
      list: (db, spaceId, q) => listUserMembers(db, spaceId as string, q),
      get: (db, t) => getUserMember(db, t.id, t.spaceId),
      createBody: createUserMemberBody,
      create: (deps, c, spaceId, body) => createUserMember(deps, c, spaceId as string, body),
      updateBody: updateUserMemberBody,
      update: updateUserMember,
      transitions: {
        revokeUserMember: (deps, c, t, body) => revokeUserMember(deps, c, t, body?.revoked_reason),
      },
    });
  },
};
