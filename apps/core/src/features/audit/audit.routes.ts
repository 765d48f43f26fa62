import type { Context } from "hono";
import type { Deps } from "../../deps.ts";
import { parseQuery } from "../../http/body.ts";
import { ok, page } from "../../http/envelope.ts";
import { AppError, validationError } from "../../http/errors.ts";
import type { AppEnv } from "../../http/types.ts";
import { requirePrincipal } from "../../security/authenticate.ts";
import type { Feature } from "../feature.ts";
import { type AuditFilter, type AuditRow, getAuditLog, listAuditLogs } from "./audit.repository.ts";
import { auditListQuery, spaceAuditListQuery } from "./audit.schemas.ts";
import { getAuditWriter } from "./audit.writer.ts";
import { reachOf } from "../../security/reach.ts";

function toDto(r: AuditRow) {
  return {
    id: r.id,
    seq: Number(r.seq),
    space_id: r.space_id,
    actor_user_id: r.actor_user_id,
    actor_member_id: r.actor_member_id,
    actor_user_member_id: r.actor_user_member_id,
    actor_api_key_id: r.actor_api_key_id,
    action: r.action,
    resource_type: r.resource_type,
    resource_id: r.resource_id,
    decision: r.decision,
    deny_code: r.deny_code,
    request_id: r.request_id,
    ip_address: r.ip_address,
    user_agent: r.user_agent,
    created_at: new Date(r.created_at).toISOString(),
    ...(r.trace !== undefined ? { trace: r.trace } : {}),
  };
}

async function list(deps: Deps, c: Context<AppEnv>, pathSpaceId?: string) {
  const principal = await requirePrincipal(deps, c);
  const q = parseQuery(c, pathSpaceId === undefined ? auditListQuery : spaceAuditListQuery);
  const { limit, cursor, ...rest } = q;
  const filter: AuditFilter = { ...rest };
  if (pathSpaceId !== undefined) {
    const space = await deps.db
      .selectFrom("spaces")
      .select("id")
      .where("id", "=", pathSpaceId)
      .executeTakeFirst();
    if (!space) throw new AppError("SPACE_NOT_FOUND", undefined, { id: pathSpaceId });
    filter.space_id = pathSpaceId;
  }
  if (filter.created_at_from && filter.created_at_to && filter.created_at_from > filter.created_at_to) {
    throw validationError("created_at_from", "must not be after created_at_to");
  }
  const { items, pagination } = await listAuditLogs(deps.db, {
    filter,
    reach: reachOf(principal, "audit:read"),
    limit,
    cursor,
  });
  return page(c, items.map(toDto), pagination);
}

/** Read-only audit log API. There is no route that updates or deletes a row (the DB refuses too). */
export const auditFeature: Feature = {
  name: "audit",
  install(ops, deps) {
    // Created here so the drain closer is registered even before the first decision.
    getAuditWriter(deps);
    ops.handle("listAuditLogs", (c) => list(deps, c));
    ops.handle("getAuditLog", async (c) =>
      ok(c, toDto(await getAuditLog(deps.db, c.req.param("audit_log_id")))),
    );
    ops.handle("listSpaceAuditLogs", (c) => list(deps, c, c.req.param("space_id")));
    ops.handle("getSpaceAuditLog", async (c) =>
      ok(c, toDto(await getAuditLog(deps.db, c.req.param("audit_log_id"), c.req.param("space_id")))),
    );
  },
};
