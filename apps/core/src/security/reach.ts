import { type Expression, type SqlBool, sql } from "kysely";
import type { Principal } from "./principal.ts";
import { hasInstanceReach, keyMatches } from "./policy.ts";

/**
 * "Which Group subtrees does this credential reach", once: the credential's reach for a permission
 * (`reachOf`), the SQL predicate that filters list queries to it (`reachSql`, `inGroupTree`), and the
 * pure rule the predicates must agree with: the engine's `isGroupTreeCovered` (which also decides
 * `group_tree` checks) and `canSee`/`allows` in policy.ts, built on it. `reach.test.ts` proves the
 * SQL and the pure checks agree on PostgreSQL and PGlite.
 *
 * Lists filter in SQL, before LIMIT, so keyset pages stay truthful (filtering after fetching would
 * return short pages).
 */

/** A Group subtree a credential reaches: the anchor group, its Space and materialised path. */
export interface GroupReach {
  spaceId: string | null;
  groupId: string | null;
  path: string | null;
}

/** Where a credential holds a permission: everywhere, whole Spaces, or Group subtrees. */
export interface Reach {
  instance: boolean;
  spaces: string[];
  groups: GroupReach[];
}

/** The reach of a principal for one permission key. No principal reaches nothing. */
export function reachOf(p: Principal | undefined, permission: string): Reach {
  if (hasInstanceReach(p, permission)) return { instance: true, spaces: [], groups: [] };
  const reach: Reach = { instance: false, spaces: [], groups: [] };
  const add = (
    level: "space" | "group" | null,
    spaceId: string | null,
    groupId: string | null,
    path: string | null,
  ) => {
    if (level === "space" && spaceId) reach.spaces.push(spaceId);
    else if (level === "group" && (groupId || path)) reach.groups.push({ spaceId, groupId, path });
  };
  if (p?.kind === "session") {
    for (const g of p.grants) {
      if (!keyMatches(g.permissionKey, permission)) continue;
      const level = g.level === "space_admin" ? "space" : g.level === "group_admin" ? "group" : null;
      add(level, g.spaceId, g.groupId, g.groupPath);
    }
  } else if (p?.kind === "api_key" && p.permissionKeys.some((k) => keyMatches(k, permission))) {
    add(p.level === "instance" ? null : p.level, p.spaceId, p.groupId, p.groupPath);
  }
  return reach;
}

/**
 * Anchor paths of the Group subtrees inside `spaceId` where the principal holds `permission` through
 * a group-level grant or API key. Lists a group admin may call are narrowed to these subtrees.
 */
export function groupReachPaths(
  p: Principal | undefined,
  permission: string,
  spaceId: string | null,
): string[] {
  if (!spaceId) return [];
  return reachOf(p, permission)
    .groups.filter((g) => g.spaceId === spaceId && g.path)
    .map((g) => g.path as string);
}

/** LIKE pattern text matching `value` literally (`\` is PostgreSQL's default LIKE escape). */
function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * SQL form of the `group_tree` rule, `path = anchor OR path LIKE anchor || '.%'` with the anchor's
 * LIKE metacharacters escaped: never a bare prefix (`finance` does not cover `financeops`), `_` and `%`
 * in names match only themselves, and an empty anchor covers nothing, exactly as `isGroupTreeCovered`.
 * The LIKE form is what the `text_pattern_ops` index on `groups (space_id, path)` serves.
 *
 * @example
 * db.selectFrom("groups").selectAll().where(inGroupTree("path", "finance"))
 */
export function inGroupTree(path: string | Expression<string | null>, anchor: string): Expression<SqlBool> {
  if (anchor === "") return sql<SqlBool>`false`;
  const col = typeof path === "string" ? sql.ref(path) : path;
  return sql<SqlBool>`(${col} = ${anchor} OR ${col} LIKE ${`${likeLiteral(anchor)}.%`})`;
}

/** `inGroupTree` for any of several anchors (none: false). */
export function inGroupTrees(path: string, anchors: readonly string[]): Expression<SqlBool> {
  const parts = anchors.filter((a) => a !== "").map((a) => inGroupTree(path, a));
  return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` OR `)})` : sql<SqlBool>`false`;
}

/**
 * Columns locating a row: its Space and, where the query has them, its Group id and the Group's path.
 * Without `path` a Group reach matches no row; without `group` it matches by path alone.
 */
export interface ReachColumns {
  space: string;
  group?: string;
  path?: string;
}

/**
 * SQL predicate "the row is within reach". Rows without a Space are instance-level: only instance
 * reach sees them (no comparison matches NULL). A Group reach covers rows of its Group (by id) and
 * of the Group's subtree in its Space (by path).
 */
export function reachSql(reach: Reach, cols: ReachColumns): Expression<SqlBool> {
  if (reach.instance) return sql<SqlBool>`true`;
  const space = sql.ref(cols.space);
  const parts: Expression<SqlBool>[] = [];
  if (reach.spaces.length) parts.push(sql<SqlBool>`${space} IN (${sql.join(reach.spaces)})`);
  for (const g of reach.groups) {
    if (cols.group && g.groupId) parts.push(sql<SqlBool>`${sql.ref(cols.group)} = ${g.groupId}`);
    if (cols.path && g.path && g.spaceId)
      parts.push(sql<SqlBool>`(${space} = ${g.spaceId} AND ${inGroupTree(cols.path, g.path)})`);
  }
  return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` OR `)})` : sql<SqlBool>`false`;
}
