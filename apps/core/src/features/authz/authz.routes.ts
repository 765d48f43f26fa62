import type { Context } from "hono";
import type { Deps } from "../../deps.ts";
import { parseBody } from "../../http/body.ts";
import { callerOf } from "../../http/caller.ts";
import { ok } from "../../http/envelope.ts";
import type { AppEnv } from "../../http/types.ts";
import { requirePrincipal } from "../../security/authenticate.ts";
import type { Feature } from "../feature.ts";
import { authzRequestSchema } from "./authz.schemas.ts";
import { checkResponse, decisionHeaders, runCheck } from "./authz.service.ts";

/** Puts a decision's ids on the answer: its correlation headers, and the request log's fields. */
export function markDecision(c: Context<AppEnv>, decision: Parameters<typeof decisionHeaders>[0]): void {
  c.set("traceId", decision.trace_id);
  c.set("auditLogId", decision.audit.audit_log_id);
  for (const [name, value] of Object.entries(decisionHeaders(decision))) c.header(name, value);
}

async function handle(deps: Deps, c: Context<AppEnv>, explainRoute: boolean) {
  const principal = await requirePrincipal(deps, c);
  const body = await parseBody(c, authzRequestSchema);
  const outcome = await runCheck(deps, principal, body, callerOf(c));
  const { decision } = outcome;
  markDecision(c, decision);
  if (explainRoute) return ok(c, decision);
  return ok(c, { ...checkResponse(decision), ...(body.explain === true ? { trace: decision } : {}) });
}

/** `POST /api/v1/authz/check` (compact decision) and `/authz/explain` (full decision). */
export const authzFeature: Feature = {
  name: "authz",
  install(ops, deps) {
    ops.handle("checkAuthorization", (c) => handle(deps, c, false));
    ops.handle("explainAuthorization", (c) => handle(deps, c, true));
  },
};
