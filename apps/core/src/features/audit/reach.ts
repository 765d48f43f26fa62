import { type SqlBool, sql } from "kysely";
import type { Principal } from "../../http/types.ts";
import { hasInstanceReach, keyMatches } from "../../security/policy.ts";

/** Where a credential holds a permission: everywhere, whole Spaces, or group subtrees (by path). */
export interface Reach {
  instance: boolean;
  spaces: string[];
  groups: Array<{ spaceId: string; path: string }>;
}

/**
 * The reach of a principal for one permission key, for filtering list queries in SQL (so keyset
 * pagination stays truthful: filtering after fetching would return short pages).
 */
export function reachOf(p: Principal, permission: string): Reach {
  if (hasInstanceReach(p, permission)) return { instance: true, spaces: [], groups: [] };
  const reach: Reach = { instance: false, spaces: [], groups: [] };
  if (p.kind === "session") {
    for (const g of p.grants) {
      if (!keyMatches(g.permissionKey, permission) || !g.spaceId) continue;
      if (g.level === "space_admin") reach.spaces.push(g.spaceId);
      else if (g.level === "group_admin" && g.groupPath)
        reach.groups.push({ spaceId: g.spaceId, path: g.groupPath });
    }
  } else if (p.permissionKeys.some((k) => keyMatches(k, permission)) && p.spaceId) {
    if (p.level === "space") reach.spaces.push(p.spaceId);
    else if (p.level === "group" && p.groupPath) reach.groups.push({ spaceId: p.spaceId, path: p.groupPath });
  }
  return reach;
}

/**
 * SQL predicate "row is within reach" for rows with a Space column and, optionally, a group path
 * column. Subtrees use an exact prefix comparison (`path = anchor OR left(path, n+1) = anchor || '.'`)
 * rather than LIKE, so `_`/`%` in group names cannot widen a match.
 */
export function reachSql(reach: Reach, spaceCol: string, pathCol: string | null) {
  if (reach.instance) return sql<SqlBool>`true`;
  const parts = reach.spaces.map((s) => sql<SqlBool>`${sql.ref(spaceCol)} = ${s}`);
  if (pathCol) {
    for (const g of reach.groups) {
      parts.push(
        sql<SqlBool>`(${sql.ref(spaceCol)} = ${g.spaceId} AND (${sql.ref(pathCol)} = ${g.path} OR left(${sql.ref(pathCol)}, ${g.path.length + 1}) = ${`${g.path}.`}))`,
      );
    }
  }
  if (parts.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}
