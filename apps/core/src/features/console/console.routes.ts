import { ok } from "../../http/envelope.ts";
import type { AuditRow } from "../audit/audit.repository.ts";
import type { Feature } from "../feature.ts";
import { countEntities, recentAuditLogs } from "./console.repository.ts";

const RECENT = 10;

const auditSummary = (r: AuditRow) => ({
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
  created_at: r.created_at,
});

/** `GET /api/v1/console/overview` (instance:read, from the spec's x-plystra-permission). */
export const consoleFeature: Feature = {
  name: "console",
  install(ops, deps) {
    ops.handle("getConsoleOverview", async (c) => {
      const [counts, recent] = await Promise.all([countEntities(deps.db), recentAuditLogs(deps.db, RECENT)]);
      return ok(c, { counts, recent_audit_logs: recent.map(auditSummary) });
    });
  },
};
