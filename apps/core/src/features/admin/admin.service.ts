import type { Deps } from "../../deps.ts";
import { inTransaction } from "../_crud/crud.ts";
import { AppError, validationError } from "../../http/errors.ts";
import type { Principal } from "../../security/principal.ts";
import { recordMutation } from "../../lib/audit.ts";
import { newId } from "../../lib/ids.ts";
import { allows, canSee, isSuperAdmin, isValidPermissionKey } from "../../security/policy.ts";
import { listAvailableBindings, pickActiveBinding } from "../actor/actor.repository.ts";
import { findApiKey, toApiKeyDto } from "../api-keys/api-keys.repository.ts";
import {
  type GrantListFilter,
  getAdminGrant,
  insertAdminGrant,
  listAdminGrants,
  listLiveGrantsOfUser,
  liveSuperAdminGrantIds,
  revokeAdminGrantRow,
  toAdminGrantDto,
} from "./admin.repository.ts";
import type { CreateGrantBody } from "./admin.schemas.ts";
import { normalisePermissionKeys, resolveTargetScope } from "../../security/target-scope.ts";
import { reachOf } from "../../security/reach.ts";
import type { AuthenticatedCaller } from "../../security/caller.ts";

const denied = (permission: string, message?: string) =>
  new AppError("ADMIN_PERMISSION_REQUIRED", message, { permission });

const INSTANCE_LEVELS = new Set(["instance_super_admin", "instance_admin"]);

function scopeLevelOf(level: string): "instance" | "space" | "group" {
  if (INSTANCE_LEVELS.has(level)) return "instance";
  return level === "space_admin" ? "space" : "group";
}

function sessionOnly(
  p: Principal,
  verb: "create" | "revoke",
): asserts p is Extract<Principal, { kind: "session" }> {
  if (p.kind !== "session") {
    throw denied("admin_grants:manage", `Only an authenticated user session can ${verb} admin grants.`);
  }
}

/**
 * Creates a grant. Anti-escalation order: session only → validation → instance levels only by
 * super admins → `admin_grants:manage` at the grant's scope → the caller must itself hold the
 * delegated key at that scope (super admins may delegate anything).
 */
export async function createGrant(deps: Deps, caller: AuthenticatedCaller, body: CreateGrantBody) {
  const p = caller.principal;
  sessionOnly(p, "create");
  const now = deps.now();
  const [permissionKey] = normalisePermissionKeys(
    [body.permission_key],
    "permission_key",
    isValidPermissionKey,
  );
  if (body.level === "instance_super_admin" && permissionKey !== "*") {
    throw validationError("permission_key", "must be * for instance_super_admin");
  }
  const user = await deps.db
    .selectFrom("users")
    .select("id")
    .where("id", "=", body.user_id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!user) throw validationError("user_id", "user does not exist");
  if (body.member_id) {
    const member = await deps.db
      .selectFrom("members")
      .select("id")
      .where("id", "=", body.member_id)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!member) throw validationError("member_id", "member does not exist");
  }
  const scope = await resolveTargetScope(deps.db, scopeLevelOf(body.level), body);
  if (body.expires_at && new Date(body.expires_at).getTime() <= now.getTime()) {
    throw validationError("expires_at", "must be in the future");
  }

  const at = { spaceId: scope.spaceId, groupId: scope.groupId, groupPath: scope.groupPath };
  const superAdmin = isSuperAdmin(p);
  if (INSTANCE_LEVELS.has(body.level) && !superAdmin) {
    throw denied(
      "admin_grants:manage",
      "Only an instance super admin can create instance-level admin grants.",
    );
  }
  if (!allows(p, { permission: "admin_grants:manage", ...at }, false)) {
    throw denied("admin_grants:manage", "The credential cannot manage admin grants at this scope.");
  }
  if (!superAdmin && !allows(p, { permission: permissionKey, ...at }, false)) {
    throw denied(permissionKey, `The credential cannot delegate ${permissionKey} at this scope.`);
  }

  // The session row may predate a binding change; attribute the granter's live actor.
  const actor = pickActiveBinding(await listAvailableBindings(deps, p.userId), p.activeUserMemberId);
  const row = await inTransaction(
    deps,
    async (trx) => {
      const inserted = await insertAdminGrant(trx, {
        id: body.id ?? newId("ag"),
        user_id: body.user_id,
        member_id: body.member_id ?? null,
        space_id: scope.spaceId,
        group_id: scope.groupId,
        level: body.level,
        permission_key: permissionKey,
        status: "active",
        granted_by_user_id: p.userId,
        granted_by_member_id: actor?.member_id ?? null,
        expires_at: body.expires_at ? new Date(body.expires_at) : null,
        metadata: JSON.stringify(body.metadata ?? {}),
        created_at: now,
        updated_at: now,
      });
      await recordMutation(trx, caller, {
        action: "admin_grant.created",
        resource_type: "admin_grant",
        resource_id: inserted.id,
        space_id: inserted.space_id,
        after: toAdminGrantDto(inserted),
      });
      return inserted;
    },
    "ADMIN_GRANT_CREATE_FAILED",
  );
  return toAdminGrantDto(row);
}

/**
 * Revokes a grant (idempotent for an already revoked one). The last live super admin grant cannot
 * be revoked: the live super grants are locked FOR UPDATE inside the transaction, so of two
 * concurrent revokes of the last two, the second sees the first and is refused.
 */
export async function revokeGrant(
  deps: Deps,
  caller: AuthenticatedCaller,
  id: string,
  reason: string | null,
) {
  const p = caller.principal;
  sessionOnly(p, "revoke");
  const existing = await getAdminGrant(deps.db, id);
  const superAdmin = isSuperAdmin(p);
  if (INSTANCE_LEVELS.has(existing.level) && !superAdmin) {
    throw denied(
      "admin_grants:manage",
      "Only an instance super admin can revoke instance-level admin grants.",
    );
  }
  if (!canSee(p, "admin_grants:manage", existing.space_id, existing.group_id, existing.group_path)) {
    throw denied("admin_grants:manage");
  }
  const at = { spaceId: existing.space_id, groupId: existing.group_id, groupPath: existing.group_path };
  if (!superAdmin && !allows(p, { permission: existing.permission_key, ...at }, false)) {
    throw denied(
      existing.permission_key,
      `The credential cannot delegate ${existing.permission_key} at this scope.`,
    );
  }
  if (existing.status === "revoked" || existing.revoked_at) return toAdminGrantDto(existing);

  const row = await deps.db.transaction().execute(async (trx) => {
    const now = deps.now();
    if (existing.level === "instance_super_admin") {
      const live = await liveSuperAdminGrantIds(trx, now, { lock: true });
      if (live.includes(id) && live.length <= 1) throw new AppError("LAST_SUPER_ADMIN");
    }
    const updated = await revokeAdminGrantRow(trx, id, now, reason);
    await recordMutation(trx, caller, {
      action: "admin_grant.revoked",
      resource_type: "admin_grant",
      resource_id: id,
      space_id: updated.space_id,
      before: toAdminGrantDto(existing),
      after: toAdminGrantDto(updated),
    });
    return updated;
  });
  return toAdminGrantDto(row);
}

export async function readGrant(deps: Deps, p: Principal, id: string) {
  const row = await getAdminGrant(deps.db, id);
  if (!canSee(p, "admin_grants:read", row.space_id, row.group_id, row.group_path))
    throw denied("admin_grants:read");
  return toAdminGrantDto(row);
}

export async function listVisibleGrants(deps: Deps, p: Principal, filter: GrantListFilter) {
  const { items, pagination } = await listAdminGrants(deps.db, filter, reachOf(p, "admin_grants:read"));
  const visible = items.filter((r) => canSee(p, "admin_grants:read", r.space_id, r.group_id, r.group_path));
  return { items: visible.map(toAdminGrantDto), pagination };
}

/** `GET /api/v1/admin/me`: who the credential is and what it may do. */
export async function adminMe(deps: Deps, p: Principal) {
  if (p.kind === "session") {
    const grants = await listLiveGrantsOfUser(deps.db, p.userId, deps.now());
    const capabilities: Record<string, boolean> = {};
    for (const g of grants) capabilities[g.level === "instance_super_admin" ? "*" : g.permission_key] = true;
    const active = pickActiveBinding(await listAvailableBindings(deps, p.userId), p.activeUserMemberId);
    return {
      credential_type: "session" as const,
      session_id: p.sessionId,
      user_id: p.userId,
      active_space: active?.space_id ?? null,
      active_member: active?.member_id ?? null,
      grants: grants.map(toAdminGrantDto),
      capabilities,
      api_key: null,
    };
  }
  const key = await findApiKey(deps.db, p.apiKeyId);
  const capabilities: Record<string, boolean> = {};
  for (const k of p.permissionKeys) capabilities[k] = true;
  return {
    credential_type: "api_key" as const,
    session_id: null,
    user_id: null,
    active_space: null,
    active_member: null,
    grants: [],
    capabilities,
    api_key: key ? toApiKeyDto(key) : null,
  };
}
