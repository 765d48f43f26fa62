import { compactExplanation } from "@plystra/engine";
import type { Context } from "hono";
import type { Deps } from "../../deps.ts";
import { parseBody } from "../../http/body.ts";
import { ok } from "../../http/envelope.ts";
import type { AppEnv } from "../../http/types.ts";
import { AppError } from "../../http/errors.ts";
import { assertKeyLive, requirePrincipal } from "../../security/authenticate.ts";
import type { Feature } from "../index.ts";
import { type AuthzRequest, authzRequestSchema } from "./authz.schemas.ts";
import { runCheck } from "./authz.service.ts";

async function handle(deps: Deps, c: Context<AppEnv>, explainRoute: boolean) {
  const principal = await requirePrincipal(deps, c);
  let body: AuthzRequest;
  let outcome: Awaited<ReturnType<typeof runCheck>>;
  try {
    body = await parseBody(c, authzRequestSchema);
    outcome = await runCheck(deps, principal, body, {
      requestId: c.get("requestId"),
      ip: c.get("clientIp"),
      userAgent: c.get("userAgent"),
    });
  } catch (err) {
    // A dead API key answers 401 first, whatever else is wrong with the request.
    if (err instanceof AppError && err.status < 500 && err.code !== "AUTHENTICATION_REQUIRED") {
      await assertKeyLive(deps, principal);
    }
    throw err;
  }
  const { decision } = outcome;
  const auditLogId = decision.audit.audit_log_id;
  c.set("traceId", decision.trace_id);
  c.set("auditLogId", auditLogId);
  c.header("X-Plystra-Trace-ID", decision.trace_id);
  c.header("X-Plystra-Audit-Log-ID", auditLogId);
  if (explainRoute) return ok(c, decision);
  return ok(c, {
    allow: decision.decision === "allow",
    decision: decision.decision,
    deny_code: decision.deny_code,
    reason: decision.reason,
    trace_id: decision.trace_id,
    audit_log_id: auditLogId,
    audit: decision.audit,
    explanation: compactExplanation(decision),
    ...(body.explain === true ? { trace: decision } : {}),
  });
}

/** `POST /api/v1/authz/check` (compact decision) and `/authz/explain` (full decision). */
export const authzFeature: Feature = {
  name: "authz",
  install(app, deps) {
    app.post("/api/v1/authz/check", (c) => handle(deps, c, false));
    app.post("/api/v1/authz/explain", (c) => handle(deps, c, true));
  },
};
