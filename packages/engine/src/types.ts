/**
 * Snapshot, context and trace types of the decision engine.
 *
 * Field names are snake_case on purpose: they are the wire names of the v1.0 trace (`Decision`), so a
 * decision can be serialised and stored as-is.
 */
import type { DenyCode } from "./deny-codes.ts";

/** JSON object as stored in `metadata` columns. Treated as immutable by the engine. */
export type JsonObject = { readonly [key: string]: unknown };

/** Login account snapshot. `email` is null when unknown (inline actors without `user_email`). */
export interface UserSnap {
  id: string;
  email: string | null;
  status: string;
}

/** Business identity inside one Space. */
export interface MemberSnap {
  id: string;
  space_id: string;
  display_name: string;
  status: string;
}

/** The revocable User → Member binding. `expires_at` is an ISO-8601 timestamp or null (never expires). */
export interface UserMemberSnap {
  id: string;
  user_id: string;
  member_id: string;
  space_id: string;
  relation_type: string;
  status: string;
  is_primary: boolean;
  expires_at: string | null;
}

export interface SpaceSnap {
  id: string;
  name: string;
  status: string;
}

/** Group with its materialised dot path (`finance.apac`). */
export interface GroupSnap {
  id: string;
  space_id: string;
  path: string;
  status: string;
}

/**
 * Target resource snapshot. Optional fields are omitted from the trace when empty.
 * `status` `archived` or `deleted` makes the engine deny with `RESOURCE_NOT_FOUND`.
 */
export interface ResourceSnap {
  id: string;
  external_id?: string | null;
  type: string;
  space_id: string;
  group_id: string | null;
  group_path?: string | null;
  owner_member_id: string | null;
  display_name?: string | null;
  visibility?: string | null;
  status?: string | null;
  metadata?: JsonObject | null;
}

/** Registry: a registered resource type (`invoice`). */
export interface ResourceTypeSnap {
  id: string;
  key: string;
  display_name: string;
  description?: string | null;
  status: string;
  source: string;
  metadata?: JsonObject | null;
}

/** Registry: an action registered for a resource type (`approve`). */
export interface ResourceActionSnap {
  id: string;
  resource_type_id: string;
  key: string;
  display_name: string;
  description?: string | null;
  risk_level: string;
  audit_default: boolean;
  metadata?: JsonObject | null;
}

/** Registry: where rows of a resource type live. */
export interface ResourceMappingSnap {
  id: string;
  resource_type_id: string;
  storage_kind: string;
  table_name?: string | null;
  id_field: string;
  space_field: string;
  group_field?: string | null;
  owner_member_field?: string | null;
  visibility_field?: string | null;
  metadata_field?: string | null;
  status: string;
  metadata?: JsonObject | null;
}

export interface RegistrySnap {
  resource_type: ResourceTypeSnap | null;
  action: ResourceActionSnap | null;
  mapping: ResourceMappingSnap | null;
}

export interface RoleRef {
  id: string;
  key: string;
  space_id: string;
}

export interface PermissionRef {
  id: string;
  resource: string;
  action: string;
  scope: string;
}

/** One (role-permission link × member-role grant) pair that may authorise the request. */
export interface Candidate {
  role: RoleRef;
  permission: PermissionRef;
  /** The grant's anchor group (for `group` / `group_tree`), or null. */
  scope_anchor: GroupSnap | null;
  /** Space of the member-role grant. */
  member_role_space_id: string;
}

/** The four ids naming the acting identity. */
export interface ActorRef {
  user_id: string;
  member_id: string;
  user_member_id: string;
  space_id: string;
}

export interface DecisionRequest {
  actor: ActorRef;
  resource_type: string;
  resource_id: string;
  action: string;
  request_id?: string | null;
  ip?: string | null;
  user_agent?: string | null;
}

/**
 * Everything one decision depends on. Loaded by the server (one round trip) or built from an inline
 * request by {@link buildInlineContext}; `now`, `trace_id` and `audit_log_id` are injected so
 * `decide` stays pure and deterministic.
 */
export interface DecisionContext {
  request: DecisionRequest;
  actor: {
    user: UserSnap | null;
    member: MemberSnap | null;
    user_member: UserMemberSnap | null;
    space: SpaceSnap | null;
  };
  registry: RegistrySnap;
  target: { resource: ResourceSnap | null; group: GroupSnap | null };
  /** null = the loader found no grants; the order given is the evaluation order. */
  candidates: readonly Candidate[] | null;
  now: Date;
  trace_id: string;
  audit_log_id: string;
}

export interface ScopeCheck {
  covered: boolean;
  rule: string;
  reason: string;
  /** Present only when not covered. */
  deny_code?: DenyCode;
}

export interface MatchedCandidate {
  role: RoleRef;
  permission: PermissionRef;
  scope_anchor: GroupSnap | null;
  scope_check: ScopeCheck;
  member_role_space_id: string;
}

export interface AuditContext {
  audit_log_id: string;
  actor_user_id: string;
  actor_member_id: string;
  actor_user_member_id: string;
  space_id: string;
  /** `<resource_type>.<action>` */
  action: string;
  resource_type: string;
  resource_id: string;
  decision: "allow" | "deny";
  deny_code: DenyCode | null;
  request_id: string | null;
}

/**
 * The full decision trace (v1.0 `Decision`, `trace_version` "1.0"). Snapshots are copies holding only
 * the documented fields, so a stored trace explains itself after live data changes.
 */
export interface Decision {
  trace_version: "1.0";
  trace_id: string;
  decision: "allow" | "deny";
  deny_code: DenyCode | null;
  actor: {
    user: UserSnap | null;
    member: MemberSnap | null;
    user_member: UserMemberSnap | null;
    space: SpaceSnap | null;
  };
  /** Same content as `actor.space`. */
  space: SpaceSnap | null;
  target: { resource: ResourceSnap | null; group: GroupSnap | null };
  resource_registry: RegistrySnap;
  /** null on a registry miss or when no candidates were loaded; `[]` when none remained. */
  matched_candidates: MatchedCandidate[] | null;
  request: { request_id?: string; ip?: string; user_agent?: string };
  reason: string;
  audit: AuditContext;
}
