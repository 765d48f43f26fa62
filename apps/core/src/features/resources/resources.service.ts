import type { DB } from "@plystra/db";
import type { Transaction } from "kysely";
import type { Deps } from "../../deps.ts";
import { allows } from "../../security/policy.ts";
import { AppError, validationError } from "../../http/errors.ts";
import { recordMutation } from "../../lib/audit.ts";
import { newId } from "../../lib/ids.ts";
import { immutable, inTransaction } from "../_crud/crud.ts";
import { getResource, type ResourceRow } from "./resources.repository.ts";
import type { CreateResourceBody, UpdateResourceBody } from "./resources.schemas.ts";
import type { Caller } from "../../security/caller.ts";

type Trx = Transaction<DB>;

/** Group and owner must live in the resource's Space (400 naming the field otherwise). */
async function checkRefs(
  trx: Trx,
  spaceId: string,
  groupId: string | null | undefined,
  ownerId: string | null | undefined,
) {
  if (groupId) {
    const g = await trx
      .selectFrom("groups")
      .select("space_id")
      .where("id", "=", groupId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!g) throw validationError("group_id", "no such Group", `group_id: Group ${groupId} does not exist`);
    if (g.space_id !== spaceId)
      throw validationError(
        "group_id",
        `must belong to Space ${spaceId}`,
        `group_id: ${groupId} belongs to another Space`,
      );
  }
  if (ownerId) {
    const m = await trx
      .selectFrom("members")
      .select("space_id")
      .where("id", "=", ownerId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!m)
      throw validationError(
        "owner_member_id",
        "no such Member",
        `owner_member_id: Member ${ownerId} does not exist`,
      );
    if (m.space_id !== spaceId)
      throw validationError(
        "owner_member_id",
        `must belong to Space ${spaceId}`,
        `owner_member_id: ${ownerId} belongs to another Space`,
      );
  }
}

function plain(r: ResourceRow): Record<string, unknown> {
  return { ...r };
}

/**
 * Registers a resource record. `pathSpaceId` is the nested route's Space (404 when unknown; a body
 * `space_id` must equal it); on the flat route the body's `space_id` must name a Space (400).
 */
export function createResource(deps: Deps, caller: Caller, body: CreateResourceBody, pathSpaceId?: string) {
  return inTransaction(deps, async (trx) => {
    if (pathSpaceId !== undefined && body.space_id !== undefined && body.space_id !== pathSpaceId) {
      throw validationError("space_id", "must equal the path's Space", `space_id: must equal ${pathSpaceId}`);
    }
    const spaceId = (pathSpaceId ?? body.space_id) as string;
    const space = await trx.selectFrom("spaces").select("id").where("id", "=", spaceId).executeTakeFirst();
    if (!space) {
      if (pathSpaceId !== undefined) throw new AppError("SPACE_NOT_FOUND", undefined, { id: spaceId });
      throw validationError("space_id", "no such Space", `space_id: Space ${spaceId} does not exist`);
    }
    const type = await trx
      .selectFrom("resource_types")
      .select("id")
      .where("key", "=", body.resource_type)
      .executeTakeFirst();
    if (!type) {
      throw validationError(
        "resource_type",
        "is not a registered resource type",
        `resource_type: ${body.resource_type} is not a registered resource type`,
      );
    }
    await checkRefs(trx, spaceId, body.group_id, body.owner_member_id);
    const id = body.id ?? newId("res");
    const now = deps.now();
    await trx
      .insertInto("resources")
      .values({
        id,
        resource_type: body.resource_type,
        external_id: body.external_id ?? null,
        display_name: body.display_name ?? null,
        space_id: spaceId,
        group_id: body.group_id ?? null,
        owner_member_id: body.owner_member_id ?? null,
        visibility: body.visibility ?? "private",
        status: body.status ?? "active",
        metadata: JSON.stringify(body.metadata ?? {}),
        created_at: now,
        updated_at: now,
      })
      .execute();
    const after = await getResource(trx, id);
    await recordMutation(trx, caller, {
      action: "resource.created",
      resource_type: "resource",
      resource_id: id,
      space_id: spaceId,
      after: plain(after),
    });
    return after;
  });
}

/**
 * Locks the row for the rest of the transaction and re-checks the caller's reach at the Group it is
 * in now. The guard checked reach before the transaction began; a concurrent move may since have
 * taken the row out of the caller's subtree, and without the lock one could still land after this.
 */
async function lockResource(
  trx: Transaction<DB>,
  caller: Caller,
  id: string,
  spaceId: string,
  permission: string,
) {
  await trx.selectFrom("resources").select("id").where("id", "=", id).forUpdate().execute();
  const row = await getResource(trx, id, { spaceId });
  const req = { permission, spaceId: row.space_id, groupId: row.group_id, groupPath: row.group_path };
  if (!allows(caller.principal, req, false)) {
    throw new AppError("ADMIN_PERMISSION_REQUIRED", undefined, { permission });
  }
  return row;
}

/** Changes display fields, Group, owner, visibility, status or metadata; id, type and Space are fixed. */
export function updateResource(
  deps: Deps,
  caller: Caller,
  spaceId: string,
  id: string,
  body: UpdateResourceBody,
  permission = "resources:manage",
) {
  return inTransaction(deps, async (trx) => {
    const before = await lockResource(trx, caller, id, spaceId, permission);
    immutable("id", before.id, body.id);
    immutable("resource_type", before.resource_type, body.resource_type);
    immutable("space_id", before.space_id, body.space_id);
    await checkRefs(trx, before.space_id, body.group_id, body.owner_member_id);
    if (body.group_id !== undefined && body.group_id !== before.group_id) {
      // The guard checked reach at the row's current Group; moving it needs reach at the new one
      // (a group admin must not move a resource out of its subtree; no Group needs Space reach).
      const target = body.group_id
        ? await trx.selectFrom("groups").select("path").where("id", "=", body.group_id).executeTakeFirst()
        : undefined;
      const req = {
        permission,
        spaceId: before.space_id,
        groupId: body.group_id ?? null,
        groupPath: target?.path ?? null,
      };
      if (!allows(caller.principal, req, false)) {
        throw new AppError("ADMIN_PERMISSION_REQUIRED", "Moving the resource needs reach at the new Group.", {
          permission,
          field: "group_id",
        });
      }
    }
    const set: Record<string, unknown> = {};
    for (const k of [
      "external_id",
      "display_name",
      "group_id",
      "owner_member_id",
      "visibility",
      "status",
    ] as const) {
      if (body[k] !== undefined) set[k] = body[k];
    }
    if (set.visibility === null) set.visibility = "private";
    if (body.metadata !== undefined) set.metadata = JSON.stringify(body.metadata ?? {});
    await trx
      .updateTable("resources")
      .set({ ...set, updated_at: deps.now() })
      .where("id", "=", id)
      .execute();
    const after = await getResource(trx, id);
    await recordMutation(trx, caller, {
      action: "resource.updated",
      resource_type: "resource",
      resource_id: id,
      space_id: before.space_id,
      before: plain(before),
      after: plain(after),
    });
    return after;
  });
}

/** Archives a resource (idempotent). Archived resources stay readable; checks on them deny. */
export function archiveResource(deps: Deps, caller: Caller, spaceId: string, id: string) {
  return inTransaction(deps, async (trx) => {
    const before = await lockResource(trx, caller, id, spaceId, "resources:manage");
    if (before.status === "archived") return before;
    await trx
      .updateTable("resources")
      .set({ status: "archived", updated_at: deps.now() })
      .where("id", "=", id)
      .execute();
    const after = await getResource(trx, id);
    await recordMutation(trx, caller, {
      action: "resource.archived",
      resource_type: "resource",
      resource_id: id,
      space_id: before.space_id,
      before: plain(before),
      after: plain(after),
    });
    return after;
  });
}
