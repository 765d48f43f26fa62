import { parseQuery } from "../../http/body.ts";
import { callerOf } from "../../http/caller.ts";
import { page } from "../../http/envelope.ts";
import { requireSpace } from "../_crud/crud.ts";
import { installCrud } from "../_crud/routes.ts";
import type { Feature } from "../feature.ts";
import { getGroup, listGroups, listGroupTree } from "./groups.repository.ts";
import { createGroupBody, groupListQuery, groupTreeQuery, updateGroupBody } from "./groups.schemas.ts";
import { createGroup, disableGroup, updateGroup, visibleSubtrees } from "./groups.service.ts";

export const groupsFeature: Feature = {
  name: "groups",
  install(ops, deps) {
    ops.handle("getGroupTree", async (c) => {
      const spaceId = c.req.param("space_id") ?? "";
      const q = parseQuery(c, groupTreeQuery);
      await requireSpace(deps.db, spaceId);
      const { items, pagination } = await listGroupTree(
        deps.db,
        spaceId,
        q,
        visibleSubtrees(callerOf(c), spaceId),
      );
      return page(c, items, pagination);
    });
    installCrud(ops, deps, {
      operations: {
        list: "listGroups",
        create: "createGroup",
        get: "getGroup",
        update: "updateGroup",
        getById: "getGroupByID",
      },
      listQuery: groupListQuery,
      list: (db, spaceId, q, c) =>
        listGroups(db, spaceId as string, q, visibleSubtrees(c, spaceId as string)),
      get: (db, t) => getGroup(db, t.id, t.spaceId),
      createBody: createGroupBody,
      create: (deps, c, spaceId, body) => createGroup(deps, c, spaceId as string, body),
      updateBody: updateGroupBody,
      update: updateGroup,
      transitions: { disableGroup: (deps, c, t) => disableGroup(deps, c, t) },
    });
  },
};
