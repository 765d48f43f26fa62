import type { Feature } from "../feature.ts";
import { installCrud } from "../_crud/routes.ts";
import { getSpace, listSpaces } from "./spaces.repository.ts";
import { createSpaceBody, spaceListQuery, updateSpaceBody } from "./spaces.schemas.ts";
import { createSpace, setSpaceStatus, updateSpace } from "./spaces.service.ts";

export const spacesFeature: Feature = {
  name: "spaces",
  install(ops, deps) {
    installCrud(ops, deps, {
      operations: { list: "listSpaces", create: "createSpace", get: "getSpace", update: "updateSpace" },
      listQuery: spaceListQuery,
      list: (db, _space, q) => listSpaces(db, q),
      get: (db, t) => getSpace(db, t.id),
      createBody: createSpaceBody,
      create: (deps, c, _space, body) => createSpace(deps, c, body),
      updateBody: updateSpaceBody,
      update: (deps, c, t, body) => updateSpace(deps, c, t.id, body),
      transitions: {
        disableSpace: (deps, c, t) => setSpaceStatus(deps, c, t.id, "disabled"),
        restoreSpace: (deps, c, t) => setSpaceStatus(deps, c, t.id, "active"),
      },
    });
  },
};
