import { isGroupTreeCovered } from "@plystra/engine";
import type { Principal, PrincipalGrant } from "./principal.ts";

/**
 * Admin-plane policy: permission-key grammar, key matching and scope reach.
 * Admin grants and API keys protect management APIs only; they never grant business permissions.
 */

const TOKEN = /^[a-z0-9_-]+$/;

/** `*`, or `domain:action` with lower-case `[a-z0-9_-]+` tokens; action may be `*`. */
export function isValidPermissionKey(key: string): boolean {
  if (key === "*") return true;
  const parts = key.split(":");
  if (parts.length !== 2) return false;
  const [domain, action] = parts;
  return TOKEN.test(domain) && (action === "*" || TOKEN.test(action));
}

/**
 * Does a held key satisfy a required key? `*` matches everything; `domain:*` and `domain:manage`
 * match every action of the domain; otherwise exact. A required `*` needs a held `*`.
 */
export function keyMatches(held: string, required: string): boolean {
  const h = held.trim().toLowerCase();
  const r = required.trim().toLowerCase();
  if (h === "*") return true;
  if (r === "*") return false;
  if (h === r) return true;
  const [hd, ha] = h.split(":");
  const [rd] = r.split(":");
  return hd === rd && (ha === "*" || ha === "manage");
}

/** What a route or handler needs: a key, optionally at a Space and/or Group (with its path). */
export interface Requirement {
  permission: string;
  spaceId?: string | null;
  groupId?: string | null;
  groupPath?: string | null;
}

/** Keys whose handlers re-check the real target scope, so scoped credentials may pass unscoped. */
const HANDLER_RESOLVED = (key: string) =>
  key.startsWith("api_keys:") || key.startsWith("admin_grants:") || key === "authz:check";

interface Reach {
  level: "instance" | "space" | "group";
  spaceId: string | null;
  groupId: string | null;
  groupPath: string | null;
}

function reachCovers(reach: Reach, req: Requirement, allowUnscoped: boolean): boolean {
  if (reach.level === "instance") return true;
  const unscoped = !req.spaceId && !req.groupId;
  if (unscoped) return allowUnscoped;
  if (reach.level === "space") return !!req.spaceId && req.spaceId === reach.spaceId;
  // group: the requirement must name a group inside the grant's subtree (same Space).
  if (!req.groupId) return false;
  if (req.spaceId && reach.spaceId && req.spaceId !== reach.spaceId) return false;
  if (req.groupId === reach.groupId) return true;
  return !!req.groupPath && !!reach.groupPath && isGroupTreeCovered(reach.groupPath, req.groupPath);
}

function grantReach(g: PrincipalGrant): Reach {
  return {
    level:
      g.level === "instance_super_admin" || g.level === "instance_admin"
        ? "instance"
        : g.level === "space_admin"
          ? "space"
          : "group",
    spaceId: g.spaceId,
    groupId: g.groupId,
    groupPath: g.groupPath,
  };
}

export function isSuperAdmin(p: Principal | undefined): boolean {
  return p?.kind === "session" && p.grants.some((g) => g.level === "instance_super_admin");
}

/**
 * Is the principal allowed the requirement?
 * `handlerResolved` (default: true for api_keys:*, admin_grants:*, authz:check) lets a scoped
 * credential pass an unscoped requirement; the handler must then re-check the real scope.
 */
export function allows(
  p: Principal | undefined,
  req: Requirement,
  handlerResolved = HANDLER_RESOLVED(req.permission),
): boolean {
  if (!p) return false;
  if (p.kind === "session") {
    return p.grants.some((g) => {
      if (g.level === "instance_super_admin") return true;
      return keyMatches(g.permissionKey, req.permission) && reachCovers(grantReach(g), req, handlerResolved);
    });
  }
  if (!p.permissionKeys.some((k) => keyMatches(k, req.permission))) return false;
  return reachCovers(p, req, handlerResolved);
}

/** Instance-wide reach for a key: super admin, a matching instance_admin grant, or an instance API key. */
export function hasInstanceReach(p: Principal | undefined, permission: string): boolean {
  if (!p) return false;
  if (p.kind === "session") {
    return p.grants.some(
      (g) =>
        g.level === "instance_super_admin" ||
        (g.level === "instance_admin" && keyMatches(g.permissionKey, permission)),
    );
  }
  return p.level === "instance" && p.permissionKeys.some((k) => keyMatches(k, permission));
}

/**
 * Row-visibility filter for lists: can the principal see a row living at (space, group)?
 * Unscoped (instance-level) rows need instance reach.
 */
export function canSee(
  p: Principal | undefined,
  permission: string,
  spaceId: string | null,
  groupId: string | null,
  groupPath: string | null,
): boolean {
  if (!spaceId && !groupId) return hasInstanceReach(p, permission);
  return allows(p, { permission, spaceId, groupId, groupPath }, false);
}

/** Attribution for audit rows: who did it. */
export function principalActor(p: Principal | undefined): {
  user_id: string | null;
  api_key_id: string | null;
} {
  if (!p) return { user_id: null, api_key_id: null };
  return p.kind === "session"
    ? { user_id: p.userId, api_key_id: null }
    : { user_id: p.createdByUserId, api_key_id: p.apiKeyId };
}
