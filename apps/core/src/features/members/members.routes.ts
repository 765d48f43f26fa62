import type { Feature } from "../feature.ts";
import { installCrud } from "../_crud/routes.ts";
import { getMember, listMembers } from "./members.repository.ts";
import { createMemberBody, memberListQuery, updateMemberBody } from "./members.schemas.ts";
import { createMember, disableMember, updateMember } from "./members.service.ts";

export const membersFeature: Feature = {
  name: "members",
  install(ops, deps) {
    installCrud(ops, deps, {
      operations: {
        list: "listMembers",
        create: "createMember",
        get: "getMember",
        update: "updateMember",
        getById: "getMemberByID",
      },
      listQuery: memberListQuery,
      list: (db, spaceId, q) => listMembers(db, spaceId as string, q),
      get: (db, t) => getMember(db, t.id, t.spaceId),
      createBody: createMemberBody,
      create: (deps, c, spaceId, body) => createMember(deps, c, spaceId as string, body),
      updateBody: updateMemberBody,
      update: updateMember,
      transitions: { disableMember: (deps, c, t) => disableMember(deps, c, t) },
    });
  },
};
