import type { z } from "zod";
import type { Deps } from "../../deps.ts";
import { AppError } from "../../http/errors.ts";
import { recordMutation } from "../../lib/audit.ts";
import { newId } from "../../lib/ids.ts";
import { immutable, inTransaction } from "../_crud/crud.ts";
import { type CheckOptions, checkResponse, decisionHeaders, runCheck } from "../authz/authz.service.ts";
import { getResource, type ResourceRow } from "../resources/resources.repository.ts";
import { createResource, updateResource } from "../resources/resources.service.ts";
import { findDataTable } from "./data-console.repository.ts";
import type { createDataRowBody, updateDataRowBody } from "./data-console.schemas.ts";
import type { AuthenticatedCaller } from "../../security/caller.ts";

/** Data Console mutations only touch `internal_table` mappings on the `resources` mirror. */
export async function requireDataTable(deps: Deps, resourceType: string) {
  const table = await findDataTable(deps.db, resourceType);
  if (!table) throw new AppError("RESOURCE_TYPE_NOT_FOUND", undefined, { resource_type: resourceType });
  return table;
}

async function requireWritableTable(deps: Deps, resourceType: string) {
  const table = await requireDataTable(deps, resourceType);
  if (
    table.storage_kind !== "internal_table" ||
    table.table_name !== "resources" ||
    table.status !== "active"
  ) {
    throw new AppError(
      "VALIDATION_FAILED",
      "Only active internal_table mappings on resources accept writes.",
      {
        field: "resource_type",
        reason: "mapping is not writable",
      },
    );
  }
}

/**
 * Asks the decision engine whether the caller's actor may do `action` on the stored row: a session
 * acts as its active Member (or the named one of its own bindings); an API key must name the actor.
 * A deny is 403 AUTHORIZATION_DENIED carrying the decision's ids (and its correlation headers); the
 * decision is audited either way. On allow the handler sends the same headers from the result.
 */
async function authorize(
  deps: Deps,
  caller: AuthenticatedCaller,
  row: Pick<ResourceRow, "id" | "resource_type">,
  action: string,
  actor: unknown,
  options: CheckOptions = {},
) {
  const { decision } = await runCheck(
    deps,
    caller.principal,
    {
      actor: (actor as Parameters<typeof runCheck>[2]["actor"]) ?? null,
      resource_type: row.resource_type,
      resource_id: row.id,
      action,
    },
    caller,
    options,
  );
  if (decision.decision !== "allow") {
    throw new AppError(
      "AUTHORIZATION_DENIED",
      decision.reason,
      null,
      {
        deny_code: decision.deny_code,
        trace_id: decision.trace_id,
        audit_log_id: decision.audit.audit_log_id,
      },
      decisionHeaders(decision),
    );
  }
  return decision;
}

/**
 * The row as it would be after a write, built by the server from validated fields (never from
 * request JSON as-is), so the engine can decide on it before anything is written.
 */
async function proposeTarget(
  deps: Deps,
  row: {
    id: string;
    resource_type: string;
    space_id: string;
    group_id: string | null;
    owner_member_id: string | null;
    display_name: string | null;
    visibility: string | null;
    metadata: unknown;
  },
): Promise<NonNullable<CheckOptions["proposedTarget"]>> {
  const group = row.group_id
    ? await deps.db
        .selectFrom("groups")
        .select(["id", "space_id", "path", "status"])
        .where("id", "=", row.group_id)
        .where("deleted_at", "is", null)
        .executeTakeFirst()
    : undefined;
  if (row.group_id && !group) throw new AppError("GROUP_NOT_FOUND", undefined, { field: "group_id" });
  return {
    resource: {
      id: row.id,
      external_id: row.id,
      type: row.resource_type,
      space_id: row.space_id,
      group_id: group?.id ?? null,
      group_path: group?.path ?? null,
      owner_member_id: row.owner_member_id,
      display_name: row.display_name,
      visibility: row.visibility ?? "private",
      status: "active",
      metadata: (row.metadata ?? {}) as Record<string, never>,
    },
    group: group ?? null,
  };
}

/**
 * Create: the engine decides on the row as it would exist (its Space, Group, owner) through a
 * server-built proposed target, so nothing is written before the decision. On allow the row is
 * created through the resources service (Space/Group/owner rules, `resource.created` audit row).
 */
export async function createDataRow(
  deps: Deps,
  caller: AuthenticatedCaller,
  resourceType: string,
  body: z.output<typeof createDataRowBody>,
) {
  await requireWritableTable(deps, resourceType);
  const { actor, ...fields } = body;
  const id = fields.id ?? newId("res");
  const proposedTarget = await proposeTarget(deps, {
    id,
    resource_type: resourceType,
    space_id: fields.space_id,
    group_id: fields.group_id ?? null,
    owner_member_id: fields.owner_member_id ?? null,
    display_name: fields.display_name ?? null,
    visibility: fields.visibility ?? "private",
    metadata: fields.metadata ?? {},
  });
  const decision = await authorize(deps, caller, { id, resource_type: resourceType }, "create", actor, {
    proposedTarget,
  });
  const row = await createResource(deps, caller, { ...fields, id, resource_type: resourceType });
  return { row, authorization: checkResponse(decision) };
}

export async function updateDataRow(
  deps: Deps,
  caller: AuthenticatedCaller,
  resourceType: string,
  id: string,
  body: z.output<typeof updateDataRowBody>,
) {
  await requireWritableTable(deps, resourceType);
  const before = await getResource(deps.db, id, { type: resourceType });
  immutable("space_id", before.space_id, body.space_id);
  const { actor, space_id: _s, ...patch } = body;
  let decision = await authorize(deps, caller, before, "update", actor);
  const movesScope =
    (patch.group_id !== undefined && patch.group_id !== before.group_id) ||
    (patch.owner_member_id !== undefined && patch.owner_member_id !== before.owner_member_id);
  if (movesScope) {
    // Allowed to update the row where it is is not enough: the row where it would end up (new
    // Group or owner) must be updatable too, or an actor could move a row into someone else's reach
    // (or take ownership to pass a `self` grant).
    const proposedTarget = await proposeTarget(deps, {
      id: before.id,
      resource_type: before.resource_type,
      space_id: before.space_id,
      group_id: patch.group_id !== undefined ? (patch.group_id ?? null) : before.group_id,
      owner_member_id:
        patch.owner_member_id !== undefined ? (patch.owner_member_id ?? null) : before.owner_member_id,
      display_name: patch.display_name !== undefined ? (patch.display_name ?? null) : before.display_name,
      visibility: patch.visibility !== undefined ? (patch.visibility ?? null) : before.visibility,
      metadata: patch.metadata !== undefined ? patch.metadata : before.metadata,
    });
    decision = await authorize(deps, caller, before, "update", actor, { proposedTarget });
  }
  const row = await updateResource(deps, caller, before.space_id, id, patch, "data:manage");
  return { row, authorization: checkResponse(decision) };
}

/** Soft delete: status `deleted` (the row stays readable, and checks on it deny). */
export async function deleteDataRow(
  deps: Deps,
  caller: AuthenticatedCaller,
  resourceType: string,
  id: string,
) {
  await requireWritableTable(deps, resourceType);
  const before = await getResource(deps.db, id, { type: resourceType });
  const decision = await authorize(deps, caller, before, "delete", undefined);
  const row = await inTransaction(deps, async (trx) => {
    if (before.status === "deleted") return before;
    await trx
      .updateTable("resources")
      .set({ status: "deleted", updated_at: deps.now() })
      .where("id", "=", id)
      .execute();
    const after = await getResource(trx, id);
    await recordMutation(trx, caller, {
      action: "resource.deleted",
      resource_type: "resource",
      resource_id: id,
      space_id: before.space_id,
      before: { status: before.status },
      after: { status: after.status },
      details: { via: "data_console", trace_id: decision.trace_id },
    });
    return after;
  });
  return { row, authorization: checkResponse(decision) };
}
