import type { GroupSnap, ResourceSnap, ScopeCheck } from "./types.ts";

/**
 * Permission scopes known to v1.0. `global` is reserved: it is accepted in data but never covers.
 *
 * @example
 * ```ts
 * SCOPES.includes("group_tree"); // true
 * ```
 */
export const SCOPES = ["self", "group", "group_tree", "space", "global"] as const;

export type Scope = (typeof SCOPES)[number];

/** Type guard for a known scope string. */
export function isScope(value: unknown): value is Scope {
  return typeof value === "string" && (SCOPES as readonly string[]).includes(value);
}

/** Wire-visible rule strings of the scope checks (upstream texts). */
export const SCOPE_RULES = {
  self: "resource.owner_member_id == actor.member_id",
  group: "target_group_id = scope_anchor_group_id",
  group_tree: "target_path = anchor_path OR target_path LIKE anchor_path || '.%'",
  space: "resource.space_id == actor.space_id",
  global: "global scope disabled for ordinary Members",
  unknown: "known permission scope",
  anchor_missing: "scope_anchor_group_id is required",
  target_group_missing: "target resource must have group_id",
} as const;

const DOT = 46; // "."

/**
 * The `group_tree` rule: the target path equals the anchor path or lies below it at a `.` boundary.
 * Never a bare prefix match, and an empty path covers nothing.
 *
 * @example
 * ```ts
 * isGroupTreeCovered("finance", "finance.apac"); // true
 * isGroupTreeCovered("finance", "finance");      // true
 * isGroupTreeCovered("finance", "financeops");   // false
 * isGroupTreeCovered("finance", "finance-old");  // false
 * ```
 */
export function isGroupTreeCovered(anchorPath: string, targetPath: string): boolean {
  const n = anchorPath.length;
  if (n === 0 || targetPath.length === 0) return false;
  if (targetPath.length === n) return targetPath === anchorPath;
  return targetPath.length > n && targetPath.charCodeAt(n) === DOT && targetPath.startsWith(anchorPath);
}

// Checks whose content never varies are shared frozen objects: no allocation per decision.
const SELF_COVERED: ScopeCheck = Object.freeze({
  covered: true,
  rule: SCOPE_RULES.self,
  reason: "target resource is owned by the active Member identity.",
});
const SELF_NOT_COVERED: ScopeCheck = Object.freeze({
  covered: false,
  rule: SCOPE_RULES.self,
  reason: "target resource is not owned by the active Member identity.",
  deny_code: "SCOPE_OUT_OF_BOUNDS",
});
const SPACE_COVERED: ScopeCheck = Object.freeze({
  covered: true,
  rule: SCOPE_RULES.space,
  reason: "target resource belongs to the active Space.",
});
const SPACE_NOT_COVERED: ScopeCheck = Object.freeze({
  covered: false,
  rule: SCOPE_RULES.space,
  reason: "target resource does not belong to the active Space.",
  deny_code: "SCOPE_OUT_OF_BOUNDS",
});
const GLOBAL_DISABLED: ScopeCheck = Object.freeze({
  covered: false,
  rule: SCOPE_RULES.global,
  reason: "global scope is reserved and disabled in v1.0.",
  deny_code: "GLOBAL_SCOPE_DISABLED",
});
const GROUP_ANCHOR_MISSING: ScopeCheck = Object.freeze({
  covered: false,
  rule: SCOPE_RULES.anchor_missing,
  reason: "group scope requires a scope anchor group.",
  deny_code: "SCOPE_ANCHOR_MISSING",
});
const TREE_ANCHOR_MISSING: ScopeCheck = Object.freeze({
  covered: false,
  rule: SCOPE_RULES.anchor_missing,
  reason: "group_tree scope requires a scope anchor group.",
  deny_code: "SCOPE_ANCHOR_MISSING",
});
const TARGET_GROUP_MISSING: ScopeCheck = Object.freeze({
  covered: false,
  rule: SCOPE_RULES.target_group_missing,
  reason: "target resource has no group.",
  deny_code: "TARGET_GROUP_MISSING",
});

/**
 * Evaluates one candidate's scope against the target. Pure; returns the `scope_check` trace item.
 * `actorMemberId` / `actorSpaceId` are the requested actor ids (the same-Space invariant guarantees
 * they equal the loaded Member's whenever a decision can allow).
 *
 * For `group` / `group_tree` the anchor check precedes the target-group check. A target without a
 * Group snapshot has no group, even if `resource.group_id` is set (fail closed).
 *
 * @example
 * ```ts
 * const check = checkScope("group_tree", anchor, resource, group, "member_x", "space_acme");
 * // { covered: true, rule: "target_path = anchor_path OR …", reason: "target group finance.apac is inside anchor group finance." }
 * ```
 */
export function checkScope(
  scope: string,
  anchor: GroupSnap | null,
  resource: ResourceSnap | null,
  group: GroupSnap | null,
  actorMemberId: string,
  actorSpaceId: string,
): ScopeCheck {
  switch (scope) {
    case "self":
      return resource !== null &&
        resource.owner_member_id !== null &&
        resource.owner_member_id === actorMemberId
        ? SELF_COVERED
        : SELF_NOT_COVERED;
    case "space":
      return resource !== null && resource.space_id === actorSpaceId ? SPACE_COVERED : SPACE_NOT_COVERED;
    case "group":
      if (anchor === null) return GROUP_ANCHOR_MISSING;
      if (group === null) return TARGET_GROUP_MISSING;
      return group.id === anchor.id
        ? {
            covered: true,
            rule: SCOPE_RULES.group,
            reason: `target group ${group.path} matches anchor group ${anchor.path}.`,
          }
        : {
            covered: false,
            rule: SCOPE_RULES.group,
            reason: `target group ${group.path} does not match anchor group ${anchor.path}.`,
            deny_code: "SCOPE_OUT_OF_BOUNDS",
          };
    case "group_tree":
      if (anchor === null) return TREE_ANCHOR_MISSING;
      if (group === null) return TARGET_GROUP_MISSING;
      return isGroupTreeCovered(anchor.path, group.path)
        ? {
            covered: true,
            rule: SCOPE_RULES.group_tree,
            reason: `target group ${group.path} is inside anchor group ${anchor.path}.`,
          }
        : {
            covered: false,
            rule: SCOPE_RULES.group_tree,
            reason: `target group ${group.path} is outside anchor group ${anchor.path}.`,
            deny_code: "SCOPE_OUT_OF_BOUNDS",
          };
    case "global":
      return GLOBAL_DISABLED;
    default:
      return {
        covered: false,
        rule: SCOPE_RULES.unknown,
        reason: `unsupported scope ${JSON.stringify(scope)}.`,
        deny_code: "SCOPE_OUT_OF_BOUNDS",
      };
  }
}
