import type { Context } from "hono";
import { z } from "zod";
import type { Deps } from "../../deps.ts";
import { parseBody, parseQuery } from "../../http/body.ts";
import { callerOf } from "../../http/caller.ts";
import { created, ok, page } from "../../http/envelope.ts";
import { pageQuery } from "../../http/pagination.ts";
import type { AppEnv } from "../../http/types.ts";
import { requirePrincipal } from "../../security/authenticate.ts";
import { keysetPage, requireSpace } from "../_crud/crud.ts";
import { reachOf } from "../../security/reach.ts";
import type { Feature } from "../feature.ts";
import { getResource, listResources, type ResourceRow } from "./resources.repository.ts";
import { createResourceBody, createSpaceResourceBody, updateResourceBody } from "./resources.schemas.ts";
import { archiveResource, createResource, updateResource } from "./resources.service.ts";

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function resourceDto(r: ResourceRow) {
  return {
    id: r.id,
    resource_type: r.resource_type,
    external_id: r.external_id,
    display_name: r.display_name,
    space_id: r.space_id,
    space_name: r.space_name,
    group_id: r.group_id,
    group_path: r.group_path,
    owner_member_id: r.owner_member_id,
    owner_member_display_name: r.owner_member_display_name,
    visibility: r.visibility,
    status: r.status,
    metadata: r.metadata ?? {},
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
    deleted_at: iso(r.deleted_at),
  };
}

export const listQuery = z.object({
  ...pageQuery,
  space_id: z.string().min(1).optional(),
  resource_type: z.string().min(1).optional(),
  status: z.enum(["active", "archived", "deleted"]).optional(),
});
/** The Space-scoped list's filters: the Space comes from the path; a `space_id` query is not read. */
export const spaceListQuery = listQuery.omit({ space_id: true });

async function list(deps: Deps, c: Context<AppEnv>, pathSpaceId?: string) {
  const principal = await requirePrincipal(deps, c);
  const q: z.output<typeof listQuery> = parseQuery(c, pathSpaceId === undefined ? listQuery : spaceListQuery);
  if (pathSpaceId !== undefined) await requireSpace(deps.db, pathSpaceId);
  const spaceId = pathSpaceId ?? q.space_id;
  const reach = reachOf(principal, "resources:read");
  const p = await keysetPage(`resources:${spaceId ?? ""}`, q, (afterId, take) =>
    listResources(deps.db, { spaceId, type: q.resource_type, status: q.status, reach, afterId, take }),
  );
  return page(c, p.items.map(resourceDto), p.pagination);
}

/** Protected resource records (the `resources` mirror the check path reads). */
export const resourcesFeature: Feature = {
  name: "resources",
  install(ops, deps) {
    ops.handle("listResources", (c) => list(deps, c));
    ops.handle("createResource", async (c) => {
      const body = await parseBody(c, createResourceBody);
      return created(c, resourceDto(await createResource(deps, callerOf(c), body)));
    });
    ops.handle("getResourceByTypeAndID", async (c) =>
      ok(
        c,
        resourceDto(
          await getResource(deps.db, c.req.param("resource_id"), { type: c.req.param("resource_type") }),
        ),
      ),
    );
    ops.handle("listSpaceResources", (c) => list(deps, c, c.req.param("space_id")));
    ops.handle("createSpaceResource", async (c) => {
      const body = await parseBody(c, createSpaceResourceBody);
      return created(c, resourceDto(await createResource(deps, callerOf(c), body, c.req.param("space_id"))));
    });
    ops.handle("getSpaceResource", async (c) =>
      ok(
        c,
        resourceDto(
          await getResource(deps.db, c.req.param("resource_id"), { spaceId: c.req.param("space_id") }),
        ),
      ),
    );
    ops.handle("updateSpaceResource", async (c) => {
      const body = await parseBody(c, updateResourceBody);
      return ok(
        c,
        resourceDto(
          await updateResource(deps, callerOf(c), c.req.param("space_id"), c.req.param("resource_id"), body),
        ),
      );
    });
    ops.handle("archiveSpaceResource", async (c) => {
      await parseBody(c, updateResourceBody, { optional: true });
      return ok(
        c,
        resourceDto(
          await archiveResource(deps, callerOf(c), c.req.param("space_id"), c.req.param("resource_id")),
        ),
      );
    });
  },
};
