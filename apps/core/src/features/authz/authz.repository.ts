import type { DB } from "@plystra/db";
import type {
  Candidate,
  GroupSnap,
  MemberSnap,
  RegistrySnap,
  ResourceSnap,
  SpaceSnap,
  UserMemberSnap,
  UserSnap,
} from "@plystra/engine";
import { type Kysely, sql } from "kysely";
import { type DecisionVersions, toDecisionVersions } from "../audit/audit.writer.ts";

export type { DecisionVersions };

/** What the loader is asked for; null ids simply load nothing for that part. */
export interface ContextQuery {
  userId: string | null;
  memberId: string | null;
  userMemberId: string | null;
  spaceId: string | null;
  resourceType: string;
  resourceId: string | null;
  action: string;
  /** Load the stored target (false when the request supplies an inline target). */
  loadTarget: boolean;
  /** Load the member's grants (false for pure Context Mode). */
  loadCandidates: boolean;
  /** Group ids whose Space and path the credential gate needs (inline scopes). */
  groupIds: readonly string[];
  /**
   * An API key authenticated from the cache whose liveness this statement must read (null: none).
   * Saves the caller a separate key lookup round trip on every check.
   */
  liveApiKeyId?: string | null;
  /** The clock the key's expiry is judged against (deps.now()); needed with liveApiKeyId. */
  now?: Date;
  /**
   * Also read the decision versions (migration 007) of every scope the loaded data lives in, so the
   * result can be cached and a decision made from it confirmed later (decision-cache.ts).
   */
  withVersions?: boolean;
}

/** Where a stored resource of any type lives; drives the credential scope gate (step 5d). */
export interface ResourceScope {
  space_id: string;
  group_id: string | null;
  group_path: string | null;
}

export interface LoadedContext {
  actor: {
    user: UserSnap | null;
    member: MemberSnap | null;
    user_member: UserMemberSnap | null;
    space: SpaceSnap | null;
  };
  registry: RegistrySnap;
  target: { resource: ResourceSnap | null; group: GroupSnap | null };
  candidates: Candidate[] | null;
  scopeResource: ResourceScope | null;
  groups: Map<string, { space_id: string; path: string }>;
  /** Liveness of `liveApiKeyId`: true only for an active, unrevoked, undeleted, unexpired key. */
  apiKeyLive: boolean | null;
  /** With `withVersions`: the versions this data was read at, in the same snapshot; else null. */
  versions: DecisionVersions | null;
}

// Timestamps in snapshots are UTC ISO strings regardless of the session TimeZone.
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * Loads everything one decision needs in ONE statement: actor snapshot, registry entry, stored
 * target with its Group, the member's candidate grants, the scope of any stored resource with the
 * requested id (for the credential gate), the paths of inline group ids and, for a cached API key,
 * whether it is still live. Unknown ids yield null
 * snapshots, which the engine turns into ACTOR_NOT_FOUND / RESOURCE_NOT_FOUND denies.
 *
 * Candidates: live member_roles of the member → active roles → live role_permissions → active
 * permissions on (resource_type, action); one per role-permission × grant, sorted by role key,
 * permission resource, action, scope (byte order, as upstream), then ids for a stable order.
 *
 * The text is constant (every value is a parameter) and marked `prepared:` so PostgreSQL plans it
 * once per pooled connection: planning this statement costs several times its execution. The three
 * switches (`loadTarget`, `loadCandidates`, `withVersions`) are read as `(SELECT $n::boolean)`, which
 * the planner cannot fold: as plain parameters a `false` let every custom plan drop a branch, look
 * cheaper than the generic plan, and PostgreSQL then re-planned on every call (2.6 instead of 0.8 ms
 * per call with the cache off; authz.repository.test.ts counts the plans).
 */
export async function loadDecisionContext(db: Kysely<DB>, q: ContextQuery): Promise<LoadedContext> {
  const result = await decisionContextStatement(q).execute(db);
  return toLoadedContext(result.rows[0]);
}

interface ContextRow {
  u: UserSnap | null;
  m: MemberSnap | null;
  um: UserMemberSnap | null;
  s: SpaceSnap | null;
  rt: RegistrySnap["resource_type"];
  ra: RegistrySnap["action"];
  rm: RegistrySnap["mapping"];
  res: (ResourceSnap & { g: GroupSnap | null }) | null;
  cands: Candidate[] | null;
  scope_res: ResourceScope | null;
  grps: Record<string, { space_id: string; path: string }> | null;
  key_live: boolean | null;
  vers: Record<string, number> | null;
}

/** The context statement itself (exported for EXPLAIN in profiling scripts). */
export function decisionContextStatement(q: ContextQuery) {
  const iso = sql.raw(ISO);
  return sql<ContextRow>`/* prepared:plystra_authz_context */
WITH rt AS (
  SELECT id, key, display_name, description, status, source, metadata
  FROM resource_types WHERE key = ${q.resourceType}
), rm AS (
  SELECT id, resource_type_id, storage_kind, table_name, id_field, space_field, group_field,
         owner_member_field, visibility_field, metadata_field, status, metadata
  FROM resource_mappings WHERE resource_type_id = (SELECT id FROM rt)
)
SELECT
  (SELECT json_build_object('id', id, 'email', email, 'status', status)
     FROM users WHERE id = ${q.userId} AND deleted_at IS NULL) AS u,
  (SELECT json_build_object('id', id, 'space_id', space_id, 'display_name', display_name, 'status', status)
     FROM members WHERE id = ${q.memberId} AND deleted_at IS NULL) AS m,
  (SELECT json_build_object('id', id, 'user_id', user_id, 'member_id', member_id, 'space_id', space_id,
            'relation_type', relation_type, 'status', status, 'is_primary', is_primary,
            'expires_at', to_char(expires_at AT TIME ZONE 'UTC', ${iso}))
     FROM user_members
    WHERE id = ${q.userMemberId} AND user_id = ${q.userId} AND member_id = ${q.memberId}
      AND space_id = ${q.spaceId} AND deleted_at IS NULL) AS um,
  (SELECT json_build_object('id', id, 'name', name, 'status', status)
     FROM spaces WHERE id = ${q.spaceId} AND deleted_at IS NULL) AS s,
  (SELECT row_to_json(rt) FROM rt) AS rt,
  (SELECT json_build_object('id', id, 'resource_type_id', resource_type_id, 'key', key,
            'display_name', display_name, 'description', description, 'risk_level', risk_level,
            'audit_default', audit_default, 'metadata', metadata)
     FROM resource_actions WHERE resource_type_id = (SELECT id FROM rt) AND key = ${q.action}) AS ra,
  (SELECT row_to_json(rm) FROM rm) AS rm,
  (SELECT json_build_object('id', r.id, 'external_id', r.external_id, 'type', r.resource_type,
            'space_id', r.space_id, 'group_id', r.group_id, 'group_path', g.path,
            'owner_member_id', r.owner_member_id, 'display_name', r.display_name,
            'visibility', r.visibility, 'status', r.status, 'metadata', r.metadata,
            'g', CASE WHEN g.id IS NULL THEN NULL ELSE
                   json_build_object('id', g.id, 'space_id', g.space_id, 'path', g.path, 'status', g.status) END)
     FROM resources r
     LEFT JOIN groups g ON g.id = r.group_id AND g.deleted_at IS NULL
    WHERE (SELECT ${q.loadTarget}::boolean) AND r.id = ${q.resourceId} AND r.resource_type = ${q.resourceType}
      AND r.deleted_at IS NULL
      -- Rows are found through the type's mapping; only the built-in table is supported.
      AND EXISTS (SELECT 1 FROM rm WHERE rm.storage_kind = 'internal_table' AND rm.table_name = 'resources')
  ) AS res,
  (SELECT json_agg(json_build_object(
            'role', json_build_object('id', ro.id, 'key', ro.key, 'space_id', ro.space_id),
            'permission', json_build_object('id', p.id, 'resource', p.resource, 'action', p.action, 'scope', p.scope),
            'scope_anchor', CASE WHEN ag.id IS NULL THEN NULL ELSE
                 json_build_object('id', ag.id, 'space_id', ag.space_id, 'path', ag.path, 'status', ag.status) END,
            'member_role_space_id', mr.space_id)
          ORDER BY ro.key COLLATE "C", p.resource COLLATE "C", p.action COLLATE "C", p.scope COLLATE "C",
                   mr.id, rp.id)
     FROM member_roles mr
     JOIN roles ro ON ro.id = mr.role_id AND ro.status = 'active' AND ro.deleted_at IS NULL
     JOIN role_permissions rp ON rp.role_id = ro.id AND rp.status = 'active' AND rp.deleted_at IS NULL
     JOIN permissions p ON p.id = rp.permission_id AND p.status = 'active' AND p.deleted_at IS NULL
     LEFT JOIN groups ag ON ag.id = mr.scope_anchor_group_id AND ag.deleted_at IS NULL
    WHERE (SELECT ${q.loadCandidates}::boolean) AND mr.member_id = ${q.memberId} AND mr.status = 'active'
      AND mr.deleted_at IS NULL AND p.resource = ${q.resourceType} AND p.action = ${q.action}
  ) AS cands,
  (SELECT json_build_object('space_id', r.space_id, 'group_id', r.group_id, 'group_path', g.path)
     FROM resources r LEFT JOIN groups g ON g.id = r.group_id
    WHERE r.id = ${q.resourceId} AND r.deleted_at IS NULL
    ORDER BY r.id LIMIT 1) AS scope_res,
  (SELECT json_object_agg(g.id, json_build_object('space_id', g.space_id, 'path', g.path))
     FROM groups g
    WHERE g.id IN (SELECT jsonb_array_elements_text(${JSON.stringify(q.groupIds)}::jsonb))
      AND g.deleted_at IS NULL) AS grps,
  (SELECT k.status = 'active' AND k.revoked_at IS NULL AND k.deleted_at IS NULL
          AND (k.expires_at IS NULL OR k.expires_at > ${q.now ?? null})
     FROM api_keys k WHERE k.id = ${q.liveApiKeyId ?? null}) AS key_live,
  -- Every scope any row above lives in, with its version in this same snapshot. The member's own
  -- Space is always among them, and a role binding's write also moves its member's Space
  -- (migration 007), so only live bindings' roles and anchors need listing (their partial index).
  (SELECT json_object_agg(x.s, coalesce((SELECT d.version FROM decision_versions d WHERE d.scope = x.s), 0))
     FROM (SELECT DISTINCT s FROM unnest(ARRAY[
             '*',
             'u:' || ${q.userId}::text,
             'k:' || ${q.liveApiKeyId ?? null}::text,
             ${q.spaceId}::text,
             (SELECT space_id FROM members WHERE id = ${q.memberId}),
             (SELECT space_id FROM user_members WHERE id = ${q.userMemberId}),
             (SELECT space_id FROM resources WHERE id = ${q.resourceId}),
             (SELECT g.space_id FROM groups g
               WHERE g.id = (SELECT r.group_id FROM resources r WHERE r.id = ${q.resourceId}))
           ] || ARRAY(
             -- Scalar sub-selects, not joins: a probe per grant instead of hashing whole tables.
             SELECT unnest(ARRAY[mr.space_id,
                                 (SELECT ro.space_id FROM roles ro WHERE ro.id = mr.role_id),
                                 (SELECT ag.space_id FROM groups ag WHERE ag.id = mr.scope_anchor_group_id)])
               FROM member_roles mr
              WHERE mr.member_id = ${q.memberId} AND mr.status = 'active' AND mr.deleted_at IS NULL)) AS s
           WHERE s IS NOT NULL) x
    WHERE (SELECT ${q.withVersions ?? false}::boolean)) AS vers
`;
}

function toLoadedContext(row: ContextRow): LoadedContext {
  let resource: ResourceSnap | null = null;
  let group: GroupSnap | null = null;
  if (row.res) {
    const { g, ...rest } = row.res;
    resource = rest;
    group = g;
  }
  return {
    actor: { user: row.u, member: row.m, user_member: row.um, space: row.s },
    registry: { resource_type: row.rt, action: row.ra, mapping: row.rm },
    target: { resource, group },
    candidates: row.cands && row.cands.length > 0 ? row.cands : null,
    scopeResource: row.scope_res,
    groups: new Map(Object.entries(row.grps ?? {})),
    apiKeyLive: row.key_live,
    versions: row.vers ? toDecisionVersions(row.vers) : null,
  };
}
