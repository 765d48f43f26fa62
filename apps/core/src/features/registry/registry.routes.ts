import type { Context } from "hono";
import { z } from "zod";
import { parseBody, parseQuery } from "../../http/body.ts";
import { callerOf } from "../../http/caller.ts";
import { created, ok, page } from "../../http/envelope.ts";
import { AppError } from "../../http/errors.ts";
import { pageQuery } from "../../http/pagination.ts";
import type { AppEnv } from "../../http/types.ts";
import { keysetPage } from "../_crud/crud.ts";
import type { Feature } from "../feature.ts";
import {
  findResourceMapping,
  getResourceType,
  listResourceActions,
  listResourceTypes,
  type ResourceActionRow,
  type ResourceMappingRow,
  type ResourceTypeRow,
} from "./registry.repository.ts";
import { resourceActionBody, resourceMappingBody, resourceTypeBody } from "./registry.schemas.ts";
import { upsertResourceAction, upsertResourceType, writeResourceMapping } from "./registry.service.ts";

const iso = (d: Date) => new Date(d).toISOString();

export function typeDto(r: ResourceTypeRow) {
  return {
    id: r.id,
    key: r.key,
    display_name: r.display_name,
    description: r.description,
    source: r.source,
    status: r.status,
    metadata: r.metadata ?? {},
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

function actionDto(typeKey: string, r: ResourceActionRow) {
  return {
    id: r.id,
    resource_type: typeKey,
    resource_type_id: r.resource_type_id,
    key: r.key,
    display_name: r.display_name,
    description: r.description,
    risk_level: r.risk_level,
    audit_default: r.audit_default,
    metadata: r.metadata ?? {},
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

function mappingDto(type: ResourceTypeRow, r: ResourceMappingRow) {
  return {
    id: r.id,
    resource_type: type.key,
    resource_type_id: r.resource_type_id,
    display_name: r.display_name ?? type.display_name,
    source: r.source,
    storage_kind: r.storage_kind,
    table_name: r.table_name,
    id_field: r.id_field,
    space_field: r.space_field,
    group_field: r.group_field,
    owner_member_field: r.owner_member_field,
    visibility_field: r.visibility_field,
    metadata_field: r.metadata_field,
    status: r.status,
    metadata: r.metadata ?? {},
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

export const typeListQuery = z.object({ ...pageQuery, status: z.enum(["active", "disabled"]).optional() });
export const actionListQuery = z.object(pageQuery);

/** Resource registry: types, their actions and the storage mapping (instance-level, audited). */
export const registryFeature: Feature = {
  name: "registry",
  install(ops, deps) {
    ops.handle("listResourceTypes", async (c) => {
      const q = parseQuery(c, typeListQuery);
      const p = await keysetPage("resource_types", q, (afterId, take) =>
        listResourceTypes(deps.db, { status: q.status, afterId, take }),
      );
      return page(c, p.items.map(typeDto), p.pagination);
    });

    ops.handle("upsertResourceType", async (c) => {
      const body = await parseBody(c, resourceTypeBody);
      return created(c, typeDto(await upsertResourceType(deps, callerOf(c), body)));
    });

    ops.handle("getResourceType", async (c) =>
      ok(c, typeDto(await getResourceType(deps.db, c.req.param("resource_type")))),
    );

    ops.handle("listResourceActions", async (c) => {
      const type = await getResourceType(deps.db, c.req.param("resource_type"));
      const q = parseQuery(c, actionListQuery);
      const p = await keysetPage(`resource_actions:${type.id}`, q, (afterId, take) =>
        listResourceActions(deps.db, type.id, { afterId, take }),
      );
      return page(
        c,
        p.items.map((a) => actionDto(type.key, a)),
        p.pagination,
      );
    });

    ops.handle("upsertResourceAction", async (c) => {
      const body = await parseBody(c, resourceActionBody);
      const { type, action } = await upsertResourceAction(
        deps,
        callerOf(c),
        c.req.param("resource_type"),
        body,
      );
      return created(c, actionDto(type.key, action));
    });

    ops.handle("getResourceMapping", async (c) => {
      const type = await getResourceType(deps.db, c.req.param("resource_type"));
      const mapping = await findResourceMapping(deps.db, type.id);
      if (!mapping) throw new AppError("RESOURCE_MAPPING_NOT_FOUND", undefined, { resource_type: type.key });
      return ok(c, mappingDto(type, mapping));
    });

    const write = (mode: "upsert" | "replace" | "update") => async (c: Context<AppEnv>) => {
      const body = await parseBody(c, resourceMappingBody, { optional: mode !== "replace" });
      const { type, mapping } = await writeResourceMapping(
        deps,
        callerOf(c),
        c.req.param("resource_type") ?? "",
        body,
        mode,
      );
      return mode === "upsert" ? created(c, mappingDto(type, mapping)) : ok(c, mappingDto(type, mapping));
    };
    ops.handle("upsertResourceMapping", write("upsert"));
    ops.handle("replaceResourceMapping", write("replace"));
    ops.handle("updateResourceMapping", write("update"));
  },
};
