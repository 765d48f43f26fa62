import { type RawBuilder, type SelectQueryBuilder, sql } from "kysely";
import type { Principal } from "../../http/types.ts";
import { hasInstanceReach, keyMatches } from "../../security/policy.ts";

/**
 * Which rows (each living at an optional Space/Group) a principal may see for a permission, as a
 * SQL filter so list pages are filtered before LIMIT (pagination stays truthful).
 * Mirrors `canSee` in security/policy.ts: instance-level rows need instance reach; a Space reach
 * sees every row of its Space; a Group reach sees rows of its Group subtree only.
 */
export type Visibility =
  | { kind: "all" }
  | {
      kind: "scoped";
      spaces: string[];
      groups: { spaceId: string | null; groupId: string; path: string | null }[];
    };

export function visibilityFor(p: Principal | undefined, permission: string): Visibility {
  if (hasInstanceReach(p, permission)) return { kind: "all" };
  const spaces: string[] = [];
  const groups: { spaceId: string | null; groupId: string; path: string | null }[] = [];
  const add = (level: string, spaceId: string | null, groupId: string | null, path: string | null) => {
    if (level === "space" && spaceId) spaces.push(spaceId);
    if (level === "group" && groupId) groups.push({ spaceId, groupId, path });
  };
  if (p?.kind === "session") {
    for (const g of p.grants) {
      if (!keyMatches(g.permissionKey, permission)) continue;
      add(
        g.level === "space_admin" ? "space" : g.level === "group_admin" ? "group" : "",
        g.spaceId,
        g.groupId,
        g.groupPath,
      );
    }
  } else if (p?.kind === "api_key" && p.permissionKeys.some((k) => keyMatches(k, permission))) {
    add(p.level, p.spaceId, p.groupId, p.groupPath);
  }
  return { kind: "scoped", spaces, groups };
}

export interface ScopeColumns {
  space: string;
  group: string;
  path: string;
}

/** Adds the visibility filter to a list query. */
export function applyVisibility<DB, TB extends keyof DB, O>(
  q: SelectQueryBuilder<DB, TB, O>,
  v: Visibility,
  cols: ScopeColumns,
): SelectQueryBuilder<DB, TB, O> {
  if (v.kind === "all") return q;
  const space = sql.ref(cols.space);
  const group = sql.ref(cols.group);
  const path = sql.ref(cols.path);
  const parts: RawBuilder<unknown>[] = [];
  if (v.spaces.length) parts.push(sql`${space} IN (${sql.join(v.spaces)})`);
  for (const g of v.groups) {
    parts.push(sql`${group} = ${g.groupId}`);
    // starts_with, not LIKE: group paths may contain `_`, a LIKE wildcard.
    if (g.path && g.spaceId)
      parts.push(sql`(${space} = ${g.spaceId} AND starts_with(${path}, ${`${g.path}.`}))`);
  }
  if (!parts.length) return q.where(sql<boolean>`false`);
  return q.where(sql<boolean>`(${sql.join(parts, sql` OR `)})`);
}
