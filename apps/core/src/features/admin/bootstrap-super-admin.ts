import type { DB } from "@plystra/db";
import { type Kysely, sql } from "kysely";
import { recordMutation } from "../../lib/audit.ts";
import { cliCaller } from "../../security/caller.ts";
import { listAvailableBindings } from "../actor/actor.repository.ts";
import { liveSuperAdminGrantIds, toAdminGrantDto } from "./admin.repository.ts";

export interface BootstrapSuperAdminInput {
  userId: string;
  memberId?: string | null;
  grantId?: string | null;
  /** `error` (default) refuses when a live super admin exists; `ok` reports it and succeeds. */
  ifExists?: "error" | "ok";
  now?: Date;
}

export type BootstrapSuperAdminResult =
  | { status: "created"; grantId: string; memberId: string | null }
  | { status: "exists"; existingGrantIds: string[] };

export class BootstrapError extends Error {}

/** `ag_<user id with - . @ replaced by _>_instance_super_admin`. */
export function defaultSuperAdminGrantId(userId: string): string {
  return `ag_${userId.replace(/[-.@]/g, "_")}_instance_super_admin`;
}

/**
 * Creates the first instance super admin grant for an existing, active user. Never runs from
 * migrations; production gets a super admin only through this (CLI) or bootstrap registration.
 * Serialised with registration by the same advisory lock, so two bootstraps cannot both win.
 *
 * @example
 * await bootstrapSuperAdmin(db, { userId: "user_alice", grantId: "ag_alice_local_demo_instance_super_admin", ifExists: "ok" });
 */
export async function bootstrapSuperAdmin(
  db: Kysely<DB>,
  input: BootstrapSuperAdminInput,
): Promise<BootstrapSuperAdminResult> {
  const now = input.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('plystra:registration'))`.execute(trx);
    const existing = await liveSuperAdminGrantIds(trx, now);
    if (existing.length) {
      if (input.ifExists === "ok") return { status: "exists", existingGrantIds: existing };
      throw new BootstrapError(
        `an active instance super admin already exists (${existing.join(", ")}); use --if-exists ok to accept it`,
      );
    }
    const user = await trx
      .selectFrom("users")
      .select(["id", "status"])
      .where("id", "=", input.userId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!user) throw new BootstrapError(`user ${input.userId} does not exist`);
    if (user.status !== "active") throw new BootstrapError(`user ${input.userId} is not active`);

    let memberId = input.memberId ?? null;
    if (memberId) {
      const member = await trx
        .selectFrom("members")
        .select("id")
        .where("id", "=", memberId)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      if (!member) throw new BootstrapError(`member ${memberId} does not exist`);
    } else {
      memberId = (await listAvailableBindings({ db: trx, now: () => now }, user.id))[0]?.member_id ?? null;
    }

    const grantId = input.grantId || defaultSuperAdminGrantId(user.id);
    const taken = await trx
      .selectFrom("admin_grants")
      .select("id")
      .where("id", "=", grantId)
      .executeTakeFirst();
    if (taken) throw new BootstrapError(`admin grant ${grantId} already exists (revoked or expired)`);
    const row = await trx
      .insertInto("admin_grants")
      .values({
        id: grantId,
        user_id: user.id,
        member_id: memberId,
        level: "instance_super_admin",
        permission_key: "*",
        status: "active",
        metadata: JSON.stringify({ source: "plystractl admin bootstrap-super-admin" }),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordMutation(
      trx,
      cliCaller(),
      {
        action: "admin_grant.created",
        resource_type: "admin_grant",
        resource_id: row.id,
        space_id: null,
        reason: "Instance super admin bootstrapped from the command line",
        after: toAdminGrantDto(row),
        details: { source: "plystractl admin bootstrap-super-admin" },
      },
      now,
    );
    return { status: "created", grantId: row.id, memberId };
  });
}
