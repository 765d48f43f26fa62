import {
  type ActorRef,
  buildInlineContext,
  compactExplanation,
  buildInlineTarget,
  type Decision,
  type DecisionContext,
  type GroupSnap,
  type ResourceSnap,
  decide,
  type InlineRequestBody,
  type InlineScope,
  inlineContextKind,
  type JsonObject,
  listInlineScopes,
  resolveRequestedResource,
} from "@plystra/engine";
import type { Deps } from "../../deps.ts";
import { AppError, validationError } from "../../http/errors.ts";
import type { Principal } from "../../security/principal.ts";
import { newId } from "../../lib/ids.ts";
import { confirmKeyLiveness, keyLivenessPending } from "../../security/authenticate.ts";
import { allows, hasInstanceReach, type Requirement } from "../../security/policy.ts";
import { type AuditRowInput, hasSecretKey, redact } from "../../lib/audit.ts";
import { getAuditWriter } from "../audit/audit.writer.ts";
import type { AuthzRequest } from "./authz.schemas.ts";
import { listAvailableBindings } from "../actor/actor.repository.ts";
import { type ContextQuery, type LoadedContext, loadDecisionContext } from "./authz.repository.ts";
import { DecisionContextCache, getDecisionCache } from "./decision-cache.ts";

const PERMISSION = "authz:check";

/** Server-side facts about the request; never taken from the body. */
export interface RequestMeta {
  requestId: string;
  ip: string;
  userAgent: string;
}

export interface CheckOutcome {
  decision: Decision;
  /** Set when the row was written (AUDIT_WRITE_MODE may skip it; the id is still reported). */
  written: boolean;
}

function present(v: string | null | undefined): v is string {
  return typeof v === "string" && v.trim() !== "";
}

/** A required field's 400: "is required" when absent, "must not be empty" when blank. */
function missing(field: string, v: string | null | undefined) {
  return validationError(field, typeof v === "string" ? "must not be empty" : "is required");
}

function scopeDenied(message?: string): AppError {
  return new AppError("ADMIN_PERMISSION_REQUIRED", message, { permission: PERMISSION });
}

/**
 * Resolves the actor of a session caller to one of the user's own live bindings (upstream §2.1 5b):
 * no actor → the session's active binding, else the first live one; an explicit actor must name a
 * live binding of this user (by member and/or binding id, in the stated Space). A session can only
 * ever check as itself.
 */
async function resolveSessionActor(
  deps: Deps,
  principal: Extract<Principal, { kind: "session" }>,
  actor: AuthzRequest["actor"],
  userMemberId: string | null,
): Promise<ActorRef> {
  const bindings = await listAvailableBindings(deps, principal.userId);
  const empty =
    !actor ||
    (!present(actor.user_id) &&
      !present(actor.member_id) &&
      !present(userMemberId) &&
      !present(actor.space_id));
  let chosen = empty
    ? (bindings.find((b) => b.user_member_id === principal.activeUserMemberId) ?? bindings[0])
    : undefined;
  if (!empty) {
    // Stricter than upstream (which ignores it): a foreign user id is refused, not silently replaced.
    if (present(actor?.user_id) && actor.user_id !== principal.userId) {
      throw new AppError("ACTIVE_MEMBER_REQUIRED", "A session can only check as its own user.");
    }
    const matches = bindings.filter(
      (b) =>
        (!present(actor?.member_id) || b.member_id === actor.member_id) &&
        (!present(userMemberId) || b.user_member_id === userMemberId) &&
        (!present(actor?.space_id) || b.space_id === actor.space_id),
    );
    chosen = matches.find((b) => b.user_member_id === principal.activeUserMemberId) ?? matches[0];
  }
  if (!chosen) throw new AppError("ACTIVE_MEMBER_REQUIRED");
  return {
    user_id: chosen.user_id,
    member_id: chosen.member_id,
    user_member_id: chosen.user_member_id,
    space_id: chosen.space_id,
  };
}

function cleanMetadata<T extends { metadata?: JsonObject | null } | null>(snap: T): T {
  if (snap?.metadata && hasSecretKey(snap.metadata)) {
    return { ...snap, metadata: redact(snap.metadata) as JsonObject };
  }
  return snap;
}

/** authz:check must reach every (Space, Group) the inline data touches. */
function requireInlineScopes(
  principal: Principal,
  scopes: readonly InlineScope[],
  groups: Map<string, { space_id: string; path: string }>,
): void {
  for (const s of scopes) {
    const g = s.group_id === null ? undefined : groups.get(s.group_id);
    const req: Requirement = {
      permission: PERMISSION,
      spaceId: s.space_id,
      groupId: s.group_id,
      // A group id from another Space proves nothing about reach inside this one.
      groupPath: g && g.space_id === s.space_id ? g.path : null,
    };
    if (!allows(principal, req, false)) throw scopeDenied();
  }
}

/**
 * Only metadata objects carry caller-chosen keys. Upstream fails the whole check (500) when one looks
 * like a secret (`api_token`); we drop such keys instead, so a metadata key name can never break
 * authorization, and the stored trace still holds no secret-looking field.
 */
function redactDecision(d: Decision): Decision {
  const resource = cleanMetadata(d.target.resource);
  const reg = d.resource_registry;
  const rt = cleanMetadata(reg.resource_type);
  const ra = cleanMetadata(reg.action);
  const rm = cleanMetadata(reg.mapping);
  if (resource === d.target.resource && rt === reg.resource_type && ra === reg.action && rm === reg.mapping)
    return d;
  return {
    ...d,
    target: { ...d.target, resource },
    resource_registry: { resource_type: rt, action: ra, mapping: rm },
  };
}

/** The correlation headers of a decision's answer (`/authz/check` and Data Console writes, allow or deny). */
export function decisionHeaders(decision: { trace_id: string; audit: { audit_log_id: string } }) {
  return {
    "X-Plystra-Trace-ID": decision.trace_id,
    "X-Plystra-Audit-Log-ID": decision.audit.audit_log_id,
  };
}

/** The compact check answer (`/authz/check`, and `authorization` beside Data Console rows). */
export function checkResponse(decision: Decision) {
  return {
    allow: decision.decision === "allow",
    decision: decision.decision,
    deny_code: decision.deny_code,
    reason: decision.reason,
    trace_id: decision.trace_id,
    audit_log_id: decision.audit.audit_log_id,
    audit: decision.audit,
    explanation: compactExplanation(decision),
  };
}

export interface CheckOptions {
  /**
   * A target built by the server itself for a row that does not exist yet (Data Console create).
   * It replaces the stored-resource lookup in managed mode; it is never taken from request JSON.
   */
  proposedTarget?: { resource: ResourceSnap; group: GroupSnap | null };
}

/**
 * One authorization check end to end (upstream v1.0 §2.1 steps): inline gate, actor resolution,
 * context load (one statement), inline validation and credential scope gates, the pure engine, and
 * exactly one audit row — awaited, so the caller answers only once it is durable.
 */
export async function runCheck(
  deps: Deps,
  principal: Principal,
  body: AuthzRequest,
  meta: RequestMeta,
  options: CheckOptions = {},
): Promise<CheckOutcome> {
  const requested = resolveRequestedResource(body as InlineRequestBody);
  const action = body.action;
  const kind = inlineContextKind(body as InlineRequestBody);

  // 5a. Inline context is trusted server input: API keys only, and nothing is decided or audited.
  if (kind !== "none" && principal.kind !== "api_key") throw new AppError("INLINE_CONTEXT_REQUIRES_API_KEY");

  // 3. user_member_id and binding_id are aliases.
  const bodyActor = body.actor ?? null;
  if (
    present(bodyActor?.user_member_id) &&
    present(bodyActor?.binding_id) &&
    bodyActor.user_member_id !== bodyActor.binding_id
  ) {
    throw validationError("actor.binding_id", "must equal actor.user_member_id when both are given");
  }
  const userMemberId = present(bodyActor?.user_member_id)
    ? bodyActor.user_member_id
    : present(bodyActor?.binding_id)
      ? bodyActor.binding_id
      : null;

  // 5b. Actor resolution.
  let actor: ActorRef | null = null;
  if (principal.kind === "session") {
    actor = await resolveSessionActor(deps, principal, bodyActor, userMemberId);
  } else {
    const empty =
      !bodyActor ||
      (!present(bodyActor.user_id) &&
        !present(bodyActor.member_id) &&
        !present(userMemberId) &&
        !present(bodyActor.space_id));
    if (empty) {
      throw new AppError("VALIDATION_FAILED", "actor is required when using an API key.", {
        field: "actor",
        reason: "required when using an API key",
      });
    }
  }

  if (kind !== "pure") {
    if (!actor) {
      const a = bodyActor!;
      if (!present(a.user_id)) throw missing("actor.user_id", a.user_id);
      if (!present(a.member_id)) throw missing("actor.member_id", a.member_id);
      if (!present(userMemberId)) throw missing("actor.user_member_id", userMemberId);
      if (!present(a.space_id)) throw missing("actor.space_id", a.space_id);
      actor = {
        user_id: a.user_id,
        member_id: a.member_id,
        user_member_id: userMemberId,
        space_id: a.space_id,
      };
    }
    if (!present(requested.resource_type)) throw missing("resource_type", body.resource_type);
    if (!present(requested.resource_id)) throw missing("resource_id", body.resource_id);
  } else if (!present(requested.resource_type)) {
    throw missing("resource_type", body.resource_type);
  }
  const resourceType = requested.resource_type as string;

  // Resource-only inline context is checked like pure Context Mode: the key must reach the proposed
  // target's Space/Group as well as the actor's Space.
  const inlineScopes =
    kind === "pure"
      ? listInlineScopes(body as InlineRequestBody)
      : kind === "resource_only"
        ? listInlineScopes({ actor: { space_id: actor?.space_id }, resource: body.resource })
        : [];
  const query: ContextQuery = {
    userId: actor?.user_id ?? null,
    memberId: actor?.member_id ?? null,
    userMemberId: actor?.user_member_id ?? null,
    spaceId: actor?.space_id ?? null,
    resourceType,
    resourceId: requested.resource_id,
    action,
    loadTarget: kind === "none" && !options.proposedTarget,
    loadCandidates: kind !== "pure",
    groupIds: [...new Set(inlineScopes.map((s) => s.group_id).filter((g): g is string => g !== null))],
    liveApiKeyId: keyLivenessPending(principal),
    now: deps.now(),
  };
  const step: CheckStep = { deps, principal, body, meta, options, kind, actor, requested, inlineScopes };
  const ids = { traceId: newId("trace"), auditLogId: newId("audit") };
  const mode = deps.config.auditWriteMode;
  const writer = getAuditWriter(deps);

  // Decision-context cache (decision-cache.ts): only when every decision is audited, because the
  // audit flush is what confirms a cached decision before it is answered.
  const cache =
    mode === "always" && deps.config.authzContextCacheEntries > 0 && DecisionContextCache.cacheable(query)
      ? getDecisionCache(deps)
      : null;
  const hit = cache?.get(query) ?? null;
  if (cache && hit) {
    let decision: Decision | null = null;
    try {
      decision = decideLoaded(step, hit.loaded, ids);
    } catch {
      // A refusal (scope gate) is never answered from the cache: the database path below judges it,
      // key liveness first, exactly as without a cache.
      decision = null;
      deps.metrics.authzContextCache.inc({ result: "miss" });
    }
    if (decision) {
      const result = await writer.append(auditRow(decision, principal, meta), hit.versions);
      if (result.written) {
        deps.metrics.authzContextCache.inc({ result: "hit" });
        confirmKeyLiveness(deps, principal, true);
        countDecision(deps, decision);
        return { decision, written: true };
      }
      // Something this decision read has changed since it was cached: nothing was written and
      // nobody was answered; decide again from the database (same trace and audit ids). The fresh
      // load's versions mark every older cached part of those scopes stale (cache.put).
      deps.metrics.authzContextCache.inc({ result: "stale" });
    }
  } else if (cache) {
    deps.metrics.authzContextCache.inc({ result: "miss" });
  }

  const loaded = await loadDecisionContext(deps.db, { ...query, withVersions: cache !== null });
  cache?.put(query, loaded);
  // A key authenticated from the cache is refused here, before any gate that reads loaded data,
  // before deciding and before auditing: revoked anywhere means refused here on the next request.
  confirmKeyLiveness(deps, principal, loaded.apiKeyLive);
  const decision = decideLoaded(step, loaded, ids);
  countDecision(deps, decision);

  const write = mode === "always" || (mode === "deny_only" && decision.decision === "deny");
  if (write) await writer.append(auditRow(decision, principal, meta));
  return { decision, written: write };
}

/** What runCheck resolved before loading: the inputs of every decision it makes for one request. */
interface CheckStep {
  deps: Deps;
  principal: Principal;
  body: AuthzRequest;
  meta: RequestMeta;
  options: CheckOptions;
  kind: ReturnType<typeof inlineContextKind>;
  actor: ActorRef | null;
  requested: ReturnType<typeof resolveRequestedResource>;
  inlineScopes: InlineScope[];
}

function countDecision(deps: Deps, decision: Decision): void {
  deps.metrics.authzDecisions.inc({ decision: decision.decision, deny_code: decision.deny_code ?? "" });
}

/** The decision's audit row (one per decision). */
function auditRow(decision: Decision, principal: Principal, meta: RequestMeta): AuditRowInput {
  const a = decision.audit;
  return {
    id: a.audit_log_id,
    space_id: a.space_id,
    actor_user_id: a.actor_user_id,
    actor_member_id: a.actor_member_id,
    actor_user_member_id: a.actor_user_member_id,
    actor_api_key_id: principal.kind === "api_key" ? principal.apiKeyId : null,
    action: a.action,
    resource_type: a.resource_type,
    resource_id: a.resource_id,
    decision: a.decision,
    deny_code: a.deny_code,
    request_id: meta.requestId,
    ip_address: meta.ip || null,
    user_agent: meta.userAgent || null,
    trace: decision as unknown as Record<string, unknown>,
  };
}

/**
 * Steps 5c–5d and the engine: builds the decision context from loaded data, applies the inline and
 * credential scope gates (which throw), and decides. Pure apart from the clock: the same loaded
 * data decides the same way, whether it came from the database or the cache.
 */
function decideLoaded(
  step: CheckStep,
  loaded: LoadedContext,
  ids: { traceId: string; auditLogId: string },
): Decision {
  const { deps, principal, body, meta, options, kind, requested, inlineScopes } = step;
  let actor = step.actor;
  const resourceType = requested.resource_type as string;
  const action = body.action;
  const now = deps.now();
  const traceId = ids.traceId;
  const auditLogId = ids.auditLogId;
  let ctx: DecisionContext;
  if (kind === "pure") {
    // 5c. Inline validation, then authz:check on every Space/Group the inline data touches.
    const built = buildInlineContext({
      ...(body as InlineRequestBody),
      registry: loaded.registry,
      request_id: meta.requestId,
      ip: meta.ip,
      user_agent: meta.userAgent,
      now,
      trace_id: traceId,
      audit_log_id: auditLogId,
    });
    if (!built.ok) {
      throw validationError("(body)", built.reason, "Inline authorization context is invalid.");
    }
    requireInlineScopes(principal, inlineScopes, loaded.groups);
    ctx = built.context;
    actor = ctx.request.actor;
  } else {
    let target = options.proposedTarget ?? loaded.target;
    if (kind === "resource_only") {
      // The stored actor and grants live in Core, so a proposed target naming a Core group by id
      // gets that group's real path (anchors are Core groups too).
      let proposed = body.resource;
      const stored = present(proposed?.group_id) ? loaded.groups.get(proposed.group_id) : undefined;
      if (proposed && stored && !present(proposed.group_path) && stored.space_id === proposed.space_id) {
        proposed = { ...proposed, group_path: stored.path };
      }
      const t = buildInlineTarget(proposed, requested);
      if (!t.ok) {
        throw validationError("resource", t.reason, "Inline authorization context is invalid.");
      }
      requireInlineScopes(principal, inlineScopes, loaded.groups);
      target = { resource: t.resource, group: t.group };
    }
    ctx = {
      request: {
        actor: actor!,
        resource_type: resourceType,
        resource_id: requested.resource_id as string,
        action,
        request_id: meta.requestId,
        ip: meta.ip,
        user_agent: meta.userAgent,
      },
      actor: loaded.actor,
      registry: loaded.registry,
      target,
      candidates: loaded.candidates,
      now,
      trace_id: traceId,
      audit_log_id: auditLogId,
    };
  }

  // 5d. Final scope gate: a stored resource's Space and Group replace the stated ones.
  const req: Requirement = {
    permission: PERMISSION,
    spaceId: actor!.space_id || body.resource?.space_id || null,
    groupId: null,
    groupPath: null,
  };
  if (options.proposedTarget) {
    req.spaceId = options.proposedTarget.resource.space_id;
    req.groupId = options.proposedTarget.resource.group_id;
    req.groupPath = options.proposedTarget.resource.group_path ?? null;
  } else if (loaded.scopeResource) {
    req.spaceId = loaded.scopeResource.space_id;
    req.groupId = loaded.scopeResource.group_id;
    req.groupPath = loaded.scopeResource.group_path;
  }
  if (!hasInstanceReach(principal, PERMISSION) && !req.spaceId && !req.groupId) {
    throw scopeDenied("Scoped credentials must provide or resolve a Space or Group for authz:check.");
  }
  if (!allows(principal, req, false)) throw scopeDenied();
  // The actor's Space must be within the key's reach too: otherwise a key scoped to one Space could
  // point at its own resource and read (explain) or audit another Space's actors and grants.
  if (
    principal.kind === "api_key" &&
    !hasInstanceReach(principal, PERMISSION) &&
    actor &&
    principal.spaceId !== actor.space_id
  ) {
    throw scopeDenied("The actor's Space is outside this API key's reach.");
  }

  return redactDecision(decide(ctx));
}
