import type { Deps } from "../../deps.ts";
import { inTransaction } from "../_crud/crud.ts";
import { AppError, validationError } from "../../http/errors.ts";
import type { Principal } from "../../security/principal.ts";
import { recordMutation } from "../../lib/audit.ts";
import { newId } from "../../lib/ids.ts";
import { allows, canSee, isSuperAdmin, isValidPermissionKey } from "../../security/policy.ts";
import { hmacHex, newApiKeyPlaintext } from "../../security/tokens.ts";
import { listAvailableBindings, pickActiveBinding } from "../actor/actor.repository.ts";
import { normalisePermissionKeys, resolveTargetScope } from "../../security/target-scope.ts";
import { reachOf } from "../../security/reach.ts";
import type { CreateApiKeyBody } from "./api-keys.schemas.ts";
import {
  type ApiKeyListFilter,
  getApiKey,
  insertApiKey,
  listApiKeys,
  liveDescendantKeyIds,
  revokeApiKeyRow,
  toApiKeyDto,
} from "./api-keys.repository.ts";
import type { AuthenticatedCaller } from "../../security/caller.ts";

const denied = (permission: string, message?: string) =>
  new AppError("ADMIN_PERMISSION_REQUIRED", message, { permission });

/**
 * Creates a key. Order matters: validation (400) → scope gate (`api_keys:create` at the key's
 * scope) → delegation (the caller must itself hold every requested key at that scope, unless it
 * is a super admin session; the first undelegatable key is named) → insert + audit.
 */
export async function createApiKey(deps: Deps, caller: AuthenticatedCaller, body: CreateApiKeyBody) {
  const p = caller.principal;
  if (!deps.config.apiKeySecret) {
    throw validationError("PLYSTRA_API_KEY_SECRET", "is required before API keys can be created");
  }
  const now = deps.now();
  const permissionKeys = normalisePermissionKeys(
    body.permission_keys,
    "permission_keys",
    isValidPermissionKey,
  );
  const scope = await resolveTargetScope(deps.db, body.level, body);
  if (body.expires_at && new Date(body.expires_at).getTime() <= now.getTime()) {
    throw validationError("expires_at", "must be in the future");
  }
  // A key minted by a key never outlives it: no expiry (or a later one) than the parent's is capped.
  let expiresAt: Date | null = body.expires_at ? new Date(body.expires_at) : null;
  if (p.kind === "api_key") {
    const parent = await deps.db
      .selectFrom("api_keys")
      .select("expires_at")
      .where("id", "=", p.apiKeyId)
      .executeTakeFirst();
    const parentExpiry = parent?.expires_at ? new Date(parent.expires_at) : null;
    if (parentExpiry && (!expiresAt || expiresAt > parentExpiry)) {
      if (expiresAt)
        throw validationError("expires_at", "must not be later than the creating API key's expiry");
      expiresAt = parentExpiry;
    }
  }
  const at = { spaceId: scope.spaceId, groupId: scope.groupId, groupPath: scope.groupPath };
  if (!allows(p, { permission: "api_keys:create", ...at }, false)) {
    throw denied("api_keys:create", "The credential cannot create an API key for this scope.");
  }
  if (!isSuperAdmin(p)) {
    const undelegatable = permissionKeys.find((k) => !allows(p, { permission: k, ...at }, false));
    if (undelegatable) {
      throw denied(undelegatable, `The credential cannot delegate ${undelegatable} at this scope.`);
    }
  }

  const actor =
    p.kind === "session"
      ? pickActiveBinding(await listAvailableBindings(deps, p.userId), p.activeUserMemberId)
      : null;
  const id = body.id ?? newId("ak");
  const { plaintext, prefix } = newApiKeyPlaintext(id);
  const row = await inTransaction(
    deps,
    async (trx) => {
      const inserted = await insertApiKey(trx, {
        id,
        name: body.name,
        key_prefix: prefix,
        key_hash: hmacHex(deps.config.apiKeySecret, plaintext),
        level: body.level,
        space_id: scope.spaceId,
        group_id: scope.groupId,
        permission_keys: JSON.stringify(permissionKeys),
        status: body.status ?? "active",
        expires_at: expiresAt,
        created_by_user_id: p.kind === "session" ? p.userId : null,
        created_by_member_id: actor?.member_id ?? null,
        created_by_api_key_id: p.kind === "api_key" ? p.apiKeyId : null,
        metadata: JSON.stringify(body.metadata ?? {}),
        created_at: now,
        updated_at: now,
      });
      await recordMutation(trx, caller, {
        action: "api_key.created",
        resource_type: "api_key",
        resource_id: inserted.id,
        space_id: inserted.space_id,
        after: toApiKeyDto(inserted),
      });
      return inserted;
    },
    "API_KEY_CREATE_FAILED",
  );
  return { ...toApiKeyDto(row), api_key: plaintext, key: plaintext };
}

/** Detail: 404 when absent; 403 when the key lives outside what the caller may read. */
export async function readApiKey(deps: Deps, p: Principal, id: string) {
  const row = await getApiKey(deps.db, id);
  if (!canSee(p, "api_keys:read", row.space_id, row.group_id, row.group_path)) throw denied("api_keys:read");
  return toApiKeyDto(row);
}

export async function listVisibleApiKeys(deps: Deps, p: Principal, filter: ApiKeyListFilter) {
  const { items, pagination } = await listApiKeys(deps.db, filter, reachOf(p, "api_keys:read"));
  // Defence in depth: the SQL filter and the policy must agree.
  const visible = items.filter((r) => canSee(p, "api_keys:read", r.space_id, r.group_id, r.group_path));
  return { items: visible.map(toApiKeyDto), pagination };
}

/** Revoke is idempotent: an already revoked key is returned unchanged (no second audit row). */
export async function revokeApiKey(
  deps: Deps,
  caller: AuthenticatedCaller,
  id: string,
  reason: string | null,
) {
  const p = caller.principal;
  const existing = await getApiKey(deps.db, id);
  if (!canSee(p, "api_keys:revoke", existing.space_id, existing.group_id, existing.group_path)) {
    throw denied("api_keys:revoke");
  }
  if (existing.status === "revoked") return toApiKeyDto(existing);
  const now = deps.now();
  const row = await deps.db.transaction().execute(async (trx) => {
    const updated = await revokeApiKeyRow(trx, id, {
      now,
      byUserId: p.kind === "session" ? p.userId : null,
      reason,
    });
    await recordMutation(trx, caller, {
      action: "api_key.revoked",
      resource_type: "api_key",
      resource_id: id,
      space_id: updated.space_id,
      before: toApiKeyDto(existing),
      after: toApiKeyDto(updated),
    });
    // Keys this key minted die with it: a revoked credential must not live on through its children.
    for (const childId of await liveDescendantKeyIds(trx, id)) {
      const child = await revokeApiKeyRow(trx, childId, {
        now,
        byUserId: p.kind === "session" ? p.userId : null,
        reason: `parent API key ${id} revoked`,
      });
      await recordMutation(trx, caller, {
        action: "api_key.revoked",
        resource_type: "api_key",
        resource_id: childId,
        space_id: child.space_id,
        after: toApiKeyDto(child),
        details: { cascade_from: id },
      });
    }
    return updated;
  });
  return toApiKeyDto(row);
}
