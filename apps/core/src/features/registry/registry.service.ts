import type { DB } from "@plystra/db";
import type { Transaction } from "kysely";
import type { Deps } from "../../deps.ts";
import { AppError } from "../../http/errors.ts";
import { recordMutation } from "../../lib/audit.ts";
import { newId } from "../../lib/ids.ts";
import { inTransaction } from "../_crud/crud.ts";
import {
  findResourceAction,
  findResourceMapping,
  findResourceType,
  getResourceType,
  type ResourceActionRow,
  type ResourceMappingRow,
  type ResourceTypeRow,
} from "./registry.repository.ts";
import type { ResourceActionBody, ResourceMappingBody, ResourceTypeBody } from "./registry.schemas.ts";
import type { Caller } from "../../security/caller.ts";

const json = (v: Record<string, unknown> | null | undefined) => JSON.stringify(v ?? {});

function idMismatch(field: string, existing: string): AppError {
  return new AppError("CONFLICT", `${field}: the registered entry already has id ${existing}`, {
    field,
    existing_id: existing,
  });
}

/** Registers or updates a resource type by key (registry rows are instance-level: audit Space null). */
export function upsertResourceType(deps: Deps, caller: Caller, body: ResourceTypeBody) {
  return inTransaction(deps, async (trx) => {
    const before = await findResourceType(trx, body.key);
    const now = deps.now();
    if (before) {
      if (body.id && body.id !== before.id) throw idMismatch("id", before.id);
      await trx
        .updateTable("resource_types")
        .set({
          ...(body.display_name !== undefined ? { display_name: body.display_name } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.source !== undefined ? { source: body.source } : {}),
          ...(body.status !== undefined ? { status: body.status } : {}),
          ...(body.metadata !== undefined ? { metadata: json(body.metadata) } : {}),
          updated_at: now,
        })
        .where("id", "=", before.id)
        .execute();
    } else {
      await trx
        .insertInto("resource_types")
        .values({
          id: body.id ?? newId("rt"),
          key: body.key,
          display_name: body.display_name ?? body.key,
          description: body.description ?? null,
          source: body.source ?? "core",
          status: body.status ?? "active",
          metadata: json(body.metadata),
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    const after = (await findResourceType(trx, body.key)) as ResourceTypeRow;
    await recordMutation(trx, caller, {
      action: before ? "resource_type.updated" : "resource_type.created",
      resource_type: "resource_type",
      resource_id: after.id,
      space_id: null,
      before: before ?? null,
      after,
    });
    return after;
  });
}

/** Registers or updates an action of a type by key. */
export function upsertResourceAction(deps: Deps, caller: Caller, typeKey: string, body: ResourceActionBody) {
  return inTransaction(deps, async (trx) => {
    const type = await getResourceType(trx, typeKey);
    const before = await findResourceAction(trx, type.id, body.key);
    const now = deps.now();
    if (before) {
      if (body.id && body.id !== before.id) throw idMismatch("id", before.id);
      await trx
        .updateTable("resource_actions")
        .set({
          ...(body.display_name !== undefined ? { display_name: body.display_name } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.risk_level !== undefined ? { risk_level: body.risk_level } : {}),
          ...(body.audit_default != null ? { audit_default: body.audit_default } : {}),
          ...(body.metadata !== undefined ? { metadata: json(body.metadata) } : {}),
          updated_at: now,
        })
        .where("id", "=", before.id)
        .execute();
    } else {
      await trx
        .insertInto("resource_actions")
        .values({
          id: body.id ?? newId("ra"),
          resource_type_id: type.id,
          key: body.key,
          display_name: body.display_name ?? body.key,
          description: body.description ?? null,
          risk_level: body.risk_level ?? "low",
          audit_default: body.audit_default ?? true,
          metadata: json(body.metadata),
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    const after = (await findResourceAction(trx, type.id, body.key)) as ResourceActionRow;
    await recordMutation(trx, caller, {
      action: before ? "resource_action.updated" : "resource_action.created",
      resource_type: "resource_action",
      resource_id: after.id,
      space_id: null,
      before: before ?? null,
      after,
    });
    return { type, action: after };
  });
}

const MAPPING_DEFAULTS = {
  storage_kind: "internal_table",
  table_name: "resources",
  id_field: "id",
  space_field: "space_id",
  group_field: "group_id",
  owner_member_field: "owner_member_id",
  visibility_field: "visibility",
  metadata_field: "metadata",
  status: "active",
} as const;

/**
 * Mapping writes. `upsert` (POST) creates or updates, `replace` (PUT) resets every field not sent to
 * its default, `update` (PATCH) changes only the fields sent and needs an existing mapping.
 */
export function writeResourceMapping(
  deps: Deps,
  caller: Caller,
  typeKey: string,
  body: ResourceMappingBody,
  mode: "upsert" | "replace" | "update",
) {
  return inTransaction(deps, async (trx: Transaction<DB>) => {
    const type = await getResourceType(trx, typeKey);
    const before = await findResourceMapping(trx, type.id);
    if (!before && mode === "update")
      throw new AppError("RESOURCE_MAPPING_NOT_FOUND", undefined, { resource_type: typeKey });
    if (before && body.id && body.id !== before.id) throw idMismatch("id", before.id);
    const now = deps.now();
    const fields: Record<string, unknown> = {};
    for (const k of Object.keys(MAPPING_DEFAULTS) as Array<keyof typeof MAPPING_DEFAULTS>) {
      // `table_name: null` means the default table (the column is NOT NULL; v1.0 allows null).
      const v = k === "table_name" && body[k] === null ? MAPPING_DEFAULTS.table_name : body[k];
      if (v !== undefined) fields[k] = v;
      else if (mode === "replace" || !before) fields[k] = MAPPING_DEFAULTS[k];
    }
    if (body.metadata !== undefined || mode === "replace") fields.metadata = json(body.metadata);
    if (before) {
      await trx
        .updateTable("resource_mappings")
        .set({ ...fields, updated_at: now })
        .where("id", "=", before.id)
        .execute();
    } else {
      await trx
        .insertInto("resource_mappings")
        .values({
          id: body.id ?? newId("rm"),
          resource_type_id: type.id,
          display_name: type.display_name,
          metadata: "{}",
          ...fields,
          created_at: now,
          updated_at: now,
        } as never)
        .execute();
    }
    const after = (await findResourceMapping(trx, type.id)) as ResourceMappingRow;
    await recordMutation(trx, caller, {
      action: before ? "resource_mapping.updated" : "resource_mapping.created",
      resource_type: "resource_mapping",
      resource_id: after.id,
      space_id: null,
      before: before ?? null,
      after,
    });
    return { type, mapping: after, created: !before };
  });
}
