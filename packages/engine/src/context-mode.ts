/**
 * Context Mode: turning an inline request (actor, resource, grants supplied by a trusted backend) into
 * a {@link DecisionContext}. Pure; SHA-1 is used only to derive deterministic synthetic group ids.
 */
import { createHash } from "node:crypto";
import { isScope } from "./scope.ts";
import type {
  Candidate,
  DecisionContext,
  GroupSnap,
  JsonObject,
  RegistrySnap,
  ResourceSnap,
} from "./types.ts";

/** Inline actor as sent in the request body (`binding_id` is an alias of `user_member_id`). */
export interface InlineActorInput {
  user_id?: string | null;
  member_id?: string | null;
  user_member_id?: string | null;
  binding_id?: string | null;
  space_id?: string | null;
  user_email?: string | null;
  user_status?: string | null;
  member_display_name?: string | null;
  member_status?: string | null;
  binding_status?: string | null;
  relation_type?: string | null;
  space_name?: string | null;
  space_status?: string | null;
}

/** Inline target resource as sent in the request body. */
export interface InlineResourceInput {
  type?: string | null;
  id?: string | null;
  external_id?: string | null;
  space_id?: string | null;
  group_id?: string | null;
  group_path?: string | null;
  owner_member_id?: string | null;
  display_name?: string | null;
  visibility?: string | null;
  status?: string | null;
  metadata?: JsonObject | null;
}

/** Inline grant as sent in the request body. */
export interface InlineGrantInput {
  role_id?: string | null;
  role_key?: string | null;
  permission_id?: string | null;
  resource?: string | null;
  action?: string | null;
  scope?: string | null;
  space_id?: string | null;
  scope_anchor_group_id?: string | null;
  scope_anchor_group_path?: string | null;
}

/** The authz request body fields Context Mode reads (the validated HTTP body can be spread in). */
export interface InlineRequestBody {
  actor?: InlineActorInput | null;
  resource_type?: string | null;
  resource_id?: string | null;
  action?: string | null;
  resource?: InlineResourceInput | null;
  grants?: readonly InlineGrantInput[] | null;
}

/** Body plus what the server supplies: registry snapshot (read from the store), request metadata, clock and ids. */
export interface InlineCheckInput extends InlineRequestBody {
  registry: RegistrySnap;
  request_id?: string | null;
  ip?: string | null;
  user_agent?: string | null;
  now: Date;
  trace_id: string;
  audit_log_id: string;
}

/** Result of building inline context: never throws; `reason` goes into the 400's `details`. */
export type InlineResult<T> = ({ ok: true } & T) | { ok: false; reason: string };

/** One (Space, Group) pair an inline request touches; `group_id` null means the Space itself. */
export interface InlineScope {
  space_id: string;
  group_id: string | null;
}

/** Which inline context a request body uses (upstream §2.1 step 5a). */
export type InlineContextKind = "none" | "resource_only" | "pure";

function present(v: string | null | undefined): v is string {
  return typeof v === "string" && v.trim() !== "";
}

function orDefault(v: string | null | undefined, fallback: string): string {
  return present(v) ? v : fallback;
}

/**
 * Token used in synthetic ids: lower-case, every char outside [a-z0-9] becomes `_`, trimmed of `_`,
 * empty → `value`.
 *
 * @example
 * ```ts
 * inlineToken("Finance Approver"); // "finance_approver"
 * inlineToken("--");               // "value"
 * ```
 */
export function inlineToken(value: string): string {
  const lower = value.toLowerCase();
  // Char loop instead of two regex passes: this runs for every inline grant.
  let out = "";
  let clean = true;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (!clean) out += lower[i];
    } else {
      if (clean) out = lower.slice(0, i);
      clean = false;
      out += "_";
    }
  }
  if (clean) out = lower;
  let start = 0;
  let end = out.length;
  while (start < end && out.charCodeAt(start) === 95) start++;
  while (end > start && out.charCodeAt(end - 1) === 95) end--;
  return start === end ? "value" : out.slice(start, end);
}

/**
 * Deterministic id for a group known only by its path: `group_inline_` + the first 16 hex chars of
 * SHA-1(space_id + NUL + path). Equal paths in one Space give equal ids, which is what lets `group`
 * scope (exact id match) work between an inline anchor and an inline target.
 *
 * @example
 * ```ts
 * syntheticGroupId("space_acme", "finance") === syntheticGroupId("space_acme", "finance"); // true
 * ```
 */
export function syntheticGroupId(spaceId: string, path: string): string {
  const key = spaceId + "\u0000" + path;
  let id = syntheticIds.get(key);
  if (id === undefined) {
    id = "group_inline_" + createHash("sha1").update(key).digest("hex").slice(0, 16);
    // Memo of a pure function (hashing dominates Context Mode cost); bounded so it cannot grow.
    if (syntheticIds.size >= SYNTHETIC_ID_CACHE_MAX) syntheticIds.clear();
    syntheticIds.set(key, id);
  }
  return id;
}

const SYNTHETIC_ID_CACHE_MAX = 4096;
const syntheticIds = new Map<string, string>();

/**
 * True when the `resource` object carries inline context beyond type/id (upstream rule: any of
 * space_id, external_id, group_id, group_path, owner_member_id, display_name, visibility, status,
 * or a non-empty metadata object).
 */
export function hasInlineResourceContext(resource: InlineResourceInput | null | undefined): boolean {
  if (resource === null || resource === undefined) return false;
  return (
    present(resource.space_id) ||
    present(resource.external_id) ||
    present(resource.group_id) ||
    present(resource.group_path) ||
    present(resource.owner_member_id) ||
    present(resource.display_name) ||
    present(resource.visibility) ||
    present(resource.status) ||
    (resource.metadata != null && Object.keys(resource.metadata).length > 0)
  );
}

function hasActorMetadata(actor: InlineActorInput | null | undefined): boolean {
  if (actor === null || actor === undefined) return false;
  return (
    present(actor.user_email) ||
    present(actor.user_status) ||
    present(actor.member_display_name) ||
    present(actor.member_status) ||
    present(actor.binding_status) ||
    present(actor.relation_type) ||
    present(actor.space_name) ||
    present(actor.space_status)
  );
}

/**
 * Classifies a request body: `pure` (grants or actor metadata present → build everything inline),
 * `resource_only` (stored actor and grants, inline target), or `none`. Anything but `none` requires an
 * API-key credential (`INLINE_CONTEXT_REQUIRES_API_KEY`).
 *
 * @example
 * ```ts
 * inlineContextKind({ action: "approve", grants: [{ scope: "space" }] }); // "pure"
 * inlineContextKind({ action: "approve", resource: { type: "invoice", id: "i1" } }); // "none"
 * ```
 */
export function inlineContextKind(body: InlineRequestBody): InlineContextKind {
  if ((body.grants != null && body.grants.length > 0) || hasActorMetadata(body.actor)) return "pure";
  return hasInlineResourceContext(body.resource) ? "resource_only" : "none";
}

/**
 * The resource type and id a request names: body `resource_type` else `resource.type`; body
 * `resource_id` else `resource.id` else `resource.external_id`. Null when not determinable.
 */
export function resolveRequestedResource(body: InlineRequestBody): {
  resource_type: string | null;
  resource_id: string | null;
} {
  const r = body.resource;
  const type = present(body.resource_type) ? body.resource_type : present(r?.type) ? r.type : null;
  const id = present(body.resource_id)
    ? body.resource_id
    : present(r?.id)
      ? r.id
      : present(r?.external_id)
        ? r.external_id
        : null;
  return { resource_type: type, resource_id: id };
}

/**
 * Builds the target snapshot (resource + Group) from an inline `resource` object. Used by pure Context
 * Mode and usable alone for the resource-only ("proposed target") case; unlike upstream it synthesises
 * the Group there too, so `group`/`group_tree` grants work against a proposed target.
 *
 * Defaults: type = requested type; id = id, else external_id, else requested id; external_id = id;
 * status `active`; a Group given only by `group_path` gets {@link syntheticGroupId}, one given only by
 * `group_id` gets its id as path.
 *
 * @example
 * ```ts
 * const t = buildInlineTarget({ external_id: "inv_1", space_id: "space_acme", group_path: "finance.apac" },
 *   { resource_type: "invoice", resource_id: "inv_1" });
 * if (t.ok) t.group?.path; // "finance.apac"
 * ```
 */
export function buildInlineTarget(
  resource: InlineResourceInput | null | undefined,
  requested: { resource_type: string | null; resource_id: string | null },
): InlineResult<{ resource: ResourceSnap; group: GroupSnap | null }> {
  if (resource === null || resource === undefined) {
    return { ok: false, reason: "inline resource context is required in Context Mode" };
  }
  const reqType = requested.resource_type;
  if (present(resource.type) && present(reqType) && resource.type !== reqType) {
    return {
      ok: false,
      reason: `inline resource type ${JSON.stringify(resource.type)} does not match requested resource_type ${JSON.stringify(reqType)}`,
    };
  }
  const type = present(resource.type) ? resource.type : reqType;
  const id = present(resource.id)
    ? resource.id
    : present(resource.external_id)
      ? resource.external_id
      : requested.resource_id;
  const externalId = present(resource.external_id) ? resource.external_id : id;
  // Stricter than upstream: the audited resource id must name the evaluated target.
  const reqId = requested.resource_id;
  if (present(reqId) && present(id) && reqId !== id && reqId !== externalId) {
    return {
      ok: false,
      reason: `inline resource id ${JSON.stringify(id)} does not match requested resource_id ${JSON.stringify(reqId)}`,
    };
  }
  if (!present(type) || !present(id) || !present(resource.space_id)) {
    return { ok: false, reason: "inline resource requires type, id or external_id, and space_id" };
  }
  const spaceId = resource.space_id;

  let group: GroupSnap | null = null;
  if (present(resource.group_id) || present(resource.group_path)) {
    const path = present(resource.group_path) ? resource.group_path : (resource.group_id as string);
    const groupId = present(resource.group_id) ? resource.group_id : syntheticGroupId(spaceId, path);
    group = { id: groupId, space_id: spaceId, path, status: "active" };
  }

  const snap: ResourceSnap = {
    id,
    external_id: present(externalId) ? externalId : null,
    type,
    space_id: spaceId,
    group_id: group === null ? null : group.id,
    group_path: group === null ? null : group.path,
    owner_member_id: present(resource.owner_member_id) ? resource.owner_member_id : null,
    display_name: present(resource.display_name) ? resource.display_name : null,
    visibility: present(resource.visibility) ? resource.visibility : null,
    status: orDefault(resource.status, "active"),
    metadata: resource.metadata ?? null,
  };
  return { ok: true, resource: snap, group };
}

/**
 * Builds a {@link DecisionContext} from a pure Context Mode request (upstream v1.0 §2.4 rules):
 * actor statuses default to `active`, display/space names to the ids, relation type `external`,
 * binding primary and never expiring; the target as in {@link buildInlineTarget}; each grant defaults
 * resource/action to the requested ones, space to the actor's, role key `inline`, role id
 * `role_inline_<token(key)>`, permission id `perm_inline_<token(resource_action_scope)>`; anchors
 * given by path get {@link syntheticGroupId}. Grants for another resource/action are dropped (absent
 * from the trace); the remaining ones keep the order given. No grants → `candidates: []`.
 *
 * Validation failures return `{ ok: false, reason }` (answer 400 `VALIDATION_FAILED`,
 * "Inline authorization context is invalid.", reason in `details`); it never throws.
 *
 * @example
 * ```ts
 * const built = buildInlineContext({ ...body, registry, request_id, ip, user_agent,
 *   now: new Date(), trace_id: newTraceId(), audit_log_id: newAuditId() });
 * if (!built.ok) throw new AppError("VALIDATION_FAILED", { details: { reason: built.reason } });
 * const decision = decide(built.context);
 * ```
 */
export function buildInlineContext(input: InlineCheckInput): InlineResult<{ context: DecisionContext }> {
  const actor = input.actor ?? {};
  if (
    present(actor.user_member_id) &&
    present(actor.binding_id) &&
    actor.user_member_id !== actor.binding_id
  ) {
    return {
      ok: false,
      reason: "inline actor user_member_id and binding_id must be equal when both are given",
    };
  }
  const userMemberId = present(actor.user_member_id) ? actor.user_member_id : actor.binding_id;
  if (
    !present(actor.user_id) ||
    !present(actor.member_id) ||
    !present(userMemberId) ||
    !present(actor.space_id)
  ) {
    return {
      ok: false,
      reason: "inline actor requires user_id, member_id, user_member_id or binding_id, and space_id",
    };
  }
  const userId = actor.user_id;
  const memberId = actor.member_id;
  const spaceId = actor.space_id;

  if (!present(input.action)) return { ok: false, reason: "action is required" };
  const action = input.action;
  const requested = resolveRequestedResource(input);
  if (!present(requested.resource_type)) {
    return { ok: false, reason: "resource_type is required (or resource.type)" };
  }
  const resourceType = requested.resource_type;

  const target = buildInlineTarget(input.resource, requested);
  if (!target.ok) return target;
  const resourceId = present(requested.resource_id) ? requested.resource_id : target.resource.id;

  const candidates: Candidate[] = [];
  const grants = input.grants ?? [];
  for (let i = 0; i < grants.length; i++) {
    const g = grants[i];
    if (g === null || typeof g !== "object")
      return { ok: false, reason: `inline grant ${i} must be an object` };
    if (!present(g.scope)) return { ok: false, reason: `inline grant ${i} requires scope` };
    if (!isScope(g.scope)) {
      return { ok: false, reason: `inline grant ${i} has unsupported scope ${JSON.stringify(g.scope)}` };
    }
    const resource = orDefault(g.resource, resourceType);
    const grantAction = orDefault(g.action, action);
    // Validate every grant (a malformed grant is a malformed request) but keep only the relevant ones.
    if (resource !== resourceType || grantAction !== action) continue;
    const grantSpace = orDefault(g.space_id, spaceId);
    const roleKey = orDefault(g.role_key, "inline");
    let anchor: GroupSnap | null = null;
    if (present(g.scope_anchor_group_id) || present(g.scope_anchor_group_path)) {
      const path = present(g.scope_anchor_group_path)
        ? g.scope_anchor_group_path
        : (g.scope_anchor_group_id as string);
      const id = present(g.scope_anchor_group_id)
        ? g.scope_anchor_group_id
        : syntheticGroupId(grantSpace, path);
      anchor = { id, space_id: grantSpace, path, status: "active" };
    }
    candidates.push({
      role: {
        id: orDefault(g.role_id, "role_inline_" + inlineToken(roleKey)),
        key: roleKey,
        space_id: grantSpace,
      },
      permission: {
        id: orDefault(g.permission_id, "perm_inline_" + inlineToken(`${resource}_${grantAction}_${g.scope}`)),
        resource,
        action: grantAction,
        scope: g.scope,
      },
      scope_anchor: anchor,
      member_role_space_id: grantSpace,
    });
  }

  const context: DecisionContext = {
    request: {
      actor: { user_id: userId, member_id: memberId, user_member_id: userMemberId, space_id: spaceId },
      resource_type: resourceType,
      resource_id: resourceId,
      action,
      request_id: input.request_id ?? null,
      ip: input.ip ?? null,
      user_agent: input.user_agent ?? null,
    },
    actor: {
      user: {
        id: userId,
        email: present(actor.user_email) ? actor.user_email : null,
        status: orDefault(actor.user_status, "active"),
      },
      member: {
        id: memberId,
        space_id: spaceId,
        display_name: orDefault(actor.member_display_name, memberId),
        status: orDefault(actor.member_status, "active"),
      },
      user_member: {
        id: userMemberId,
        user_id: userId,
        member_id: memberId,
        space_id: spaceId,
        relation_type: orDefault(actor.relation_type, "external"),
        status: orDefault(actor.binding_status, "active"),
        is_primary: true,
        expires_at: null,
      },
      space: {
        id: spaceId,
        name: orDefault(actor.space_name, spaceId),
        status: orDefault(actor.space_status, "active"),
      },
    },
    registry: input.registry,
    target: { resource: target.resource, group: target.group },
    candidates,
    now: input.now,
    trace_id: input.trace_id,
    audit_log_id: input.audit_log_id,
  };
  return { ok: true, context };
}

/**
 * Every (Space, Group) pair an inline request touches, deduplicated, in first-seen order: the actor's
 * Space; the target's Space and its explicit `group_id`; each grant's Space (grant `space_id` else
 * actor Space) and its explicit `scope_anchor_group_id`. All grants count, including ones Context Mode
 * later drops. The credential must hold `authz:check` for each pair, else 403
 * `ADMIN_PERMISSION_REQUIRED`. Groups given only by path yield no group pair (their synthetic ids mean
 * nothing to a grant), so reaching them takes Space-level reach. Blank ids are skipped; call after
 * validation.
 *
 * @example
 * ```ts
 * listInlineScopes({ actor: { space_id: "space_acme" },
 *   resource: { space_id: "space_acme", group_id: "group_finance_apac" },
 *   grants: [{ scope: "group_tree", scope_anchor_group_id: "group_finance" }] });
 * // [{ space_id: "space_acme", group_id: null },
 * //  { space_id: "space_acme", group_id: "group_finance_apac" },
 * //  { space_id: "space_acme", group_id: "group_finance" }]
 * ```
 */
export function listInlineScopes(body: InlineRequestBody): InlineScope[] {
  const out: InlineScope[] = [];
  const seen = new Set<string>();
  const add = (spaceId: string | null | undefined, groupId: string | null | undefined) => {
    if (!present(spaceId)) return;
    const g = present(groupId) ? groupId : null;
    const key = spaceId + "\u0000" + (g ?? "");
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ space_id: spaceId, group_id: g });
  };
  const actorSpace = body.actor?.space_id;
  add(actorSpace, null);
  const r = body.resource;
  if (r != null) {
    add(r.space_id, null);
    add(r.space_id, r.group_id);
  }
  for (const g of body.grants ?? []) {
    if (g == null) continue;
    const s = present(g.space_id) ? g.space_id : actorSpace;
    add(s, null);
    add(s, g.scope_anchor_group_id);
  }
  return out;
}
