/**
 * Every deny code the engine can return: the 13 of upstream v1.0 plus the two fail-closed codes this
 * project adds (`ACTOR_NOT_FOUND`, `RESOURCE_NOT_FOUND`; see DESIGN.md §1).
 *
 * @example
 * ```ts
 * import { DENY_CODES, isDenyCode } from "@plystra/engine";
 * DENY_CODES.length; // 15
 * isDenyCode("SCOPE_OUT_OF_BOUNDS"); // true
 * ```
 */
export const DENY_CODES = [
  "ACTOR_NOT_FOUND",
  "ACTOR_USER_INACTIVE",
  "ACTOR_MEMBER_INACTIVE",
  "SPACE_INACTIVE",
  "USER_MEMBER_REVOKED",
  "USER_MEMBER_EXPIRED",
  "INVALID_RESOURCE_TYPE",
  "INVALID_RESOURCE_ACTION",
  "RESOURCE_NOT_FOUND",
  "CROSS_SPACE_VIOLATION",
  "NO_MATCHING_PERMISSION",
  "SCOPE_ANCHOR_MISSING",
  "TARGET_GROUP_MISSING",
  "SCOPE_OUT_OF_BOUNDS",
  "GLOBAL_SCOPE_DISABLED",
] as const;

export type DenyCode = (typeof DENY_CODES)[number];

const DENY_CODE_SET: ReadonlySet<string> = new Set(DENY_CODES);

/** Type guard for values read back from storage or the wire. */
export function isDenyCode(value: unknown): value is DenyCode {
  return typeof value === "string" && DENY_CODE_SET.has(value);
}

/** Deny codes produced by a candidate's scope check (the only ones a compact explanation ties to a candidate). */
export const SCOPE_DENY_CODES = [
  "SCOPE_ANCHOR_MISSING",
  "TARGET_GROUP_MISSING",
  "SCOPE_OUT_OF_BOUNDS",
  "GLOBAL_SCOPE_DISABLED",
] as const satisfies readonly DenyCode[];

/** Decision-level reason strings (wire-visible; the upstream ones are reproduced verbatim). */
export const REASONS = {
  ALLOW: "at least one matching permission grant covers the target resource",
  ACTOR_NOT_FOUND: "actor User, Member, UserMember or Space was not found",
  ACTOR_USER_INACTIVE: "actor User is not active",
  ACTOR_MEMBER_INACTIVE: "actor Member is not active",
  SPACE_INACTIVE: "active Space is not active",
  USER_MEMBER_REVOKED: "UserMember binding is not active",
  USER_MEMBER_EXPIRED: "UserMember binding has expired",
  INVALID_RESOURCE_TYPE: "resource type is not registered",
  INVALID_RESOURCE_ACTION: "resource action is not registered for the resource type",
  RESOURCE_NOT_FOUND: "target resource was not found",
  RESOURCE_NOT_LIVE: "target resource is archived or deleted",
  CROSS_SPACE_VIOLATION: "actor context, grants, and target resource must belong to the same Space",
  NO_MATCHING_PERMISSION: "no permission grant matched the requested resource and action",
  SCOPE_DENY: "matching permission grants do not cover the target resource scope",
} as const;
