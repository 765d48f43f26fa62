import { type DenyCode, REASONS } from "./deny-codes.ts";
import { checkScope } from "./scope.ts";
import type {
  ActorRef,
  AuditContext,
  Decision,
  DecisionContext,
  GroupSnap,
  JsonObject,
  MatchedCandidate,
  MemberSnap,
  RegistrySnap,
  ResourceActionSnap,
  ResourceMappingSnap,
  ResourceSnap,
  ResourceTypeSnap,
  SpaceSnap,
  UserMemberSnap,
  UserSnap,
} from "./types.ts";

/** Trace format version written into every decision. */
export const TRACE_VERSION = "1.0" as const;

/**
 * Decides one authorization request. Pure: same context in, same decision out; no I/O, no clock
 * (`ctx.now`), no randomness (`ctx.trace_id`, `ctx.audit_log_id`).
 *
 * Evaluation order (first match wins):
 *  1. any of User / Member / UserMember / Space missing → `ACTOR_NOT_FOUND`
 *  2. actor state: `ACTOR_USER_INACTIVE`, `ACTOR_MEMBER_INACTIVE`, `SPACE_INACTIVE`,
 *     `USER_MEMBER_REVOKED`, `USER_MEMBER_EXPIRED` (`expires_at` strictly before `now`)
 *  3. registry: `INVALID_RESOURCE_TYPE`, then `INVALID_RESOURCE_ACTION`
 *  4. target resource missing / `archived` / `deleted` → `RESOURCE_NOT_FOUND`
 *  5. same-Space invariant → `CROSS_SPACE_VIOLATION`
 *  6. no candidate for (resource_type, action) → `NO_MATCHING_PERMISSION`
 *  7. union: any candidate's scope covers the target → allow
 *  8. else the first candidate's deny code (order as given), fallback `SCOPE_OUT_OF_BOUNDS`
 *
 * Every retained candidate is scope-checked and appears in `matched_candidates`, also on deny, so
 * the trace shows what each grant would have done.
 *
 * @example
 * ```ts
 * const decision = decide(context);
 * if (decision.decision === "deny") console.log(decision.deny_code, decision.reason);
 * await audit.append(decision.audit, decision); // the stored trace explains itself
 * ```
 */
export function decide(ctx: DecisionContext): Decision {
  const req = ctx.request;
  const ra = req.actor;
  const a = ctx.actor;

  const user = a.user === null ? null : copyUser(a.user);
  const member = a.member === null ? null : copyMember(a.member);
  const userMember = a.user_member === null ? null : copyUserMember(a.user_member);
  const space = a.space === null ? null : copySpace(a.space);

  const reg = ctx.registry;
  const registry: RegistrySnap = {
    resource_type: reg.resource_type === null ? null : copyResourceType(reg.resource_type),
    action: reg.action === null ? null : copyResourceAction(reg.action),
    mapping: reg.mapping === null ? null : copyMapping(reg.mapping),
  };

  // A registry miss is a type/action that is absent or does not name what was asked for (a loader
  // bug must not turn into an allow). A missing *mapping* is deliberately NOT a miss: the mapping
  // only tells the loader where stored rows live. A type+action without mapping is still evaluable
  // for inline targets; for stored targets the loader finds no row and the engine answers
  // RESOURCE_NOT_FOUND.
  let registryDeny: DenyCode | null = null;
  const rt = reg.resource_type;
  const ract = reg.action;
  if (rt === null || rt.key !== req.resource_type) registryDeny = "INVALID_RESOURCE_TYPE";
  else if (ract === null || ract.key !== req.action || ract.resource_type_id !== rt.id)
    registryDeny = "INVALID_RESOURCE_ACTION";

  const group = ctx.target.group === null ? null : copyGroup(ctx.target.group);
  const resource = ctx.target.resource === null ? null : copyResource(ctx.target.resource, group);

  // Candidates are scope-checked unless the registry missed (then, as upstream, none are reported).
  // Candidates for another resource/action are ignored here as well as in the loader.
  let matched: MatchedCandidate[] | null = null;
  const source = ctx.candidates;
  if (registryDeny === null && source !== null) {
    matched = [];
    for (let i = 0; i < source.length; i++) {
      const c = source[i];
      const p = c.permission;
      if (p.resource !== req.resource_type || p.action !== req.action) continue;
      const anchor = c.scope_anchor === null ? null : copyGroup(c.scope_anchor);
      matched.push({
        role: { id: c.role.id, key: c.role.key, space_id: c.role.space_id },
        permission: { id: p.id, resource: p.resource, action: p.action, scope: p.scope },
        scope_anchor: anchor,
        scope_check: checkScope(p.scope, anchor, resource, group, ra.member_id, ra.space_id),
        member_role_space_id: c.member_role_space_id,
      });
    }
  }

  let denyCode: DenyCode | null = null;
  let reason: string;
  if (user === null || member === null || userMember === null || space === null) {
    denyCode = "ACTOR_NOT_FOUND";
    reason = REASONS.ACTOR_NOT_FOUND;
  } else if (user.status !== "active") {
    denyCode = "ACTOR_USER_INACTIVE";
    reason = REASONS.ACTOR_USER_INACTIVE;
  } else if (member.status !== "active") {
    denyCode = "ACTOR_MEMBER_INACTIVE";
    reason = REASONS.ACTOR_MEMBER_INACTIVE;
  } else if (space.status !== "active") {
    denyCode = "SPACE_INACTIVE";
    reason = REASONS.SPACE_INACTIVE;
  } else if (userMember.status !== "active") {
    denyCode = "USER_MEMBER_REVOKED";
    reason = REASONS.USER_MEMBER_REVOKED;
  } else if (isExpired(userMember.expires_at, ctx.now)) {
    denyCode = "USER_MEMBER_EXPIRED";
    reason = REASONS.USER_MEMBER_EXPIRED;
  } else if (registryDeny !== null) {
    denyCode = registryDeny;
    reason = REASONS[registryDeny];
  } else if (resource === null || !namesRequestedResource(resource, req.resource_type, req.resource_id)) {
    denyCode = "RESOURCE_NOT_FOUND";
    reason = REASONS.RESOURCE_NOT_FOUND;
  } else if (resource.status === "archived" || resource.status === "deleted") {
    denyCode = "RESOURCE_NOT_FOUND";
    reason = REASONS.RESOURCE_NOT_LIVE;
  } else if (violatesSameSpace(ra, user, member, userMember, space, resource, group, matched)) {
    denyCode = "CROSS_SPACE_VIOLATION";
    reason = REASONS.CROSS_SPACE_VIOLATION;
  } else if (matched === null || matched.length === 0) {
    denyCode = "NO_MATCHING_PERMISSION";
    reason = REASONS.NO_MATCHING_PERMISSION;
  } else {
    let covered = false;
    let first: DenyCode | undefined;
    for (let i = 0; i < matched.length; i++) {
      const check = matched[i].scope_check;
      if (check.covered) {
        covered = true;
        break;
      }
      if (first === undefined) first = check.deny_code;
    }
    if (covered) {
      reason = REASONS.ALLOW;
    } else {
      denyCode = first ?? "SCOPE_OUT_OF_BOUNDS";
      reason = REASONS.SCOPE_DENY;
    }
  }

  const decision = denyCode === null ? "allow" : "deny";
  const request: Decision["request"] = {};
  if (req.request_id) request.request_id = req.request_id;
  if (req.ip) request.ip = req.ip;
  if (req.user_agent) request.user_agent = req.user_agent;

  const audit: AuditContext = {
    audit_log_id: ctx.audit_log_id,
    actor_user_id: ra.user_id,
    actor_member_id: ra.member_id,
    actor_user_member_id: ra.user_member_id,
    space_id: ra.space_id,
    action: req.resource_type + "." + req.action,
    resource_type: req.resource_type,
    resource_id: req.resource_id,
    decision,
    deny_code: denyCode,
    request_id: req.request_id ? req.request_id : null,
  };

  return {
    trace_version: TRACE_VERSION,
    trace_id: ctx.trace_id,
    decision,
    deny_code: denyCode,
    actor: { user, member, user_member: userMember, space },
    space,
    target: { resource, group },
    resource_registry: registry,
    matched_candidates: matched,
    request,
    reason,
    audit,
  };
}

/** An unparseable `expires_at` counts as expired (fail closed). */
function isExpired(expiresAt: string | null, now: Date): boolean {
  if (expiresAt === null || expiresAt === "") return false;
  const t = Date.parse(expiresAt);
  return Number.isNaN(t) || t < now.getTime();
}

/** The target must be the resource that was asked about (id, or external id for inline targets). */
function namesRequestedResource(resource: ResourceSnap, type: string, id: string): boolean {
  return resource.type === type && (resource.id === id || resource.external_id === id);
}

/** Every same-Space rule of the v1.0 engine; true when any is broken. */
function violatesSameSpace(
  ra: ActorRef,
  user: UserSnap,
  member: MemberSnap,
  um: UserMemberSnap,
  space: SpaceSnap,
  resource: ResourceSnap,
  group: GroupSnap | null,
  matched: MatchedCandidate[] | null,
): boolean {
  const s = ra.space_id;
  if (user.id !== ra.user_id || member.id !== ra.member_id || um.id !== ra.user_member_id || space.id !== s)
    return true;
  if (um.user_id !== user.id || um.member_id !== member.id) return true;
  if (um.space_id !== s || member.space_id !== s || resource.space_id !== s) return true;
  if (group !== null && group.space_id !== s) return true;
  if (matched !== null) {
    for (let i = 0; i < matched.length; i++) {
      const c = matched[i];
      if (c.role.space_id !== s || c.member_role_space_id !== s) return true;
      if (c.scope_anchor !== null && c.scope_anchor.space_id !== s) return true;
    }
  }
  return false;
}

// Snapshot copies pick the documented fields only: a loader handing over a full row (with, say, a
// password hash) cannot leak it into the stored trace, and later mutation of the context cannot
// rewrite history. `metadata` objects are shared, not cloned (treated as immutable JSON).

function copyUser(u: UserSnap): UserSnap {
  return { id: u.id, email: u.email ?? null, status: u.status };
}

function copyMember(m: MemberSnap): MemberSnap {
  return { id: m.id, space_id: m.space_id, display_name: m.display_name, status: m.status };
}

function copyUserMember(um: UserMemberSnap): UserMemberSnap {
  return {
    id: um.id,
    user_id: um.user_id,
    member_id: um.member_id,
    space_id: um.space_id,
    relation_type: um.relation_type,
    status: um.status,
    is_primary: um.is_primary,
    expires_at: um.expires_at ?? null,
  };
}

function copySpace(s: SpaceSnap): SpaceSnap {
  return { id: s.id, name: s.name, status: s.status };
}

function copyGroup(g: GroupSnap): GroupSnap {
  return { id: g.id, space_id: g.space_id, path: g.path, status: g.status };
}

function copyResource(r: ResourceSnap, group: GroupSnap | null): ResourceSnap {
  const out: ResourceSnap = {
    id: r.id,
    type: r.type,
    space_id: r.space_id,
    group_id: r.group_id ?? null,
    owner_member_id: r.owner_member_id ?? null,
  };
  if (r.external_id) out.external_id = r.external_id;
  // group_path is derived data: fill it from the attached Group when the loader did not.
  if (r.group_path) out.group_path = r.group_path;
  else if (group !== null && group.id === r.group_id) out.group_path = group.path;
  if (r.display_name) out.display_name = r.display_name;
  if (r.visibility) out.visibility = r.visibility;
  if (r.status) out.status = r.status;
  if (hasKeys(r.metadata)) out.metadata = r.metadata;
  return out;
}

function copyResourceType(t: ResourceTypeSnap): ResourceTypeSnap {
  const out: ResourceTypeSnap = {
    id: t.id,
    key: t.key,
    display_name: t.display_name,
    status: t.status,
    source: t.source,
  };
  if (t.description) out.description = t.description;
  if (hasKeys(t.metadata)) out.metadata = t.metadata;
  return out;
}

function copyResourceAction(x: ResourceActionSnap): ResourceActionSnap {
  const out: ResourceActionSnap = {
    id: x.id,
    resource_type_id: x.resource_type_id,
    key: x.key,
    display_name: x.display_name,
    risk_level: x.risk_level,
    audit_default: x.audit_default,
  };
  if (x.description) out.description = x.description;
  if (hasKeys(x.metadata)) out.metadata = x.metadata;
  return out;
}

function copyMapping(m: ResourceMappingSnap): ResourceMappingSnap {
  const out: ResourceMappingSnap = {
    id: m.id,
    resource_type_id: m.resource_type_id,
    storage_kind: m.storage_kind,
    id_field: m.id_field,
    space_field: m.space_field,
    status: m.status,
  };
  if (m.table_name) out.table_name = m.table_name;
  if (m.group_field) out.group_field = m.group_field;
  if (m.owner_member_field) out.owner_member_field = m.owner_member_field;
  if (m.visibility_field) out.visibility_field = m.visibility_field;
  if (m.metadata_field) out.metadata_field = m.metadata_field;
  if (hasKeys(m.metadata)) out.metadata = m.metadata;
  return out;
}

function hasKeys(o: JsonObject | null | undefined): o is JsonObject {
  if (o === null || o === undefined) return false;
  for (const _ in o) return true;
  return false;
}
