import type { DB } from "@plystra/db";
import type { Kysely, Transaction } from "kysely";

/** A live binding the user may act through (wire shape `ApiOpenAPIAvailableMember`). */
export interface AvailableMember {
  user_member_id: string;
  user_id: string;
  user_email: string;
  member_id: string;
  member_display_name: string;
  space_id: string;
  space_name: string;
  relation_type: string;
  is_primary: boolean;
}

/** The acting identity (wire shape `ApiOpenAPIActorRef`). */
export interface ActorRef {
  user_id: string;
  member_id: string;
  user_member_id: string;
  space_id: string;
}

interface DbAndClock {
  db: Kysely<DB> | Transaction<DB>;
  now: () => Date;
}

/**
 * The user's live bindings, default-actor first: active, unrevoked, unexpired bindings whose User,
 * Member and Space are active, ordered primary first, then Space name, then Member display name.
 * Used by login, actor context and every session-based check to resolve the active actor.
 *
 * @example
 * const [first] = await listAvailableBindings(deps, "user_alice");
 */
export async function listAvailableBindings(deps: DbAndClock, userId: string): Promise<AvailableMember[]> {
  const now = deps.now();
  const rows = await deps.db
    .selectFrom("user_members as um")
    .innerJoin("users as u", "u.id", "um.user_id")
    .innerJoin("members as m", "m.id", "um.member_id")
    .innerJoin("spaces as s", "s.id", "um.space_id")
    .select([
      "um.id as user_member_id",
      "um.user_id",
      "u.email as user_email",
      "um.member_id",
      "m.display_name as member_display_name",
      "um.space_id",
      "s.name as space_name",
      "um.relation_type",
      "um.is_primary",
    ])
    .where("um.user_id", "=", userId)
    .where("um.status", "=", "active")
    .where("um.revoked_at", "is", null)
    .where("um.deleted_at", "is", null)
    .where((eb) => eb.or([eb("um.expires_at", "is", null), eb("um.expires_at", ">", now)]))
    .where("u.status", "=", "active")
    .where("u.deleted_at", "is", null)
    .where("m.status", "=", "active")
    .where("m.deleted_at", "is", null)
    // A binding whose Member lives in another Space is corrupt; never act through it.
    .whereRef("m.space_id", "=", "um.space_id")
    .where("s.status", "=", "active")
    .where("s.deleted_at", "is", null)
    .orderBy("um.is_primary", "desc")
    .orderBy("s.name")
    .orderBy("m.display_name")
    .orderBy("um.id")
    .execute();
  return rows.map((r) => ({ ...r, is_primary: !!r.is_primary }));
}

export function toActorRef(b: AvailableMember): ActorRef {
  return {
    user_id: b.user_id,
    member_id: b.member_id,
    user_member_id: b.user_member_id,
    space_id: b.space_id,
  };
}

/**
 * The session's active actor: its stored binding while still live, else the first available one.
 * Returns null when the user has no live binding.
 */
export function pickActiveBinding(
  available: AvailableMember[],
  activeUserMemberId: string | null,
): AvailableMember | null {
  return available.find((b) => b.user_member_id === activeUserMemberId) ?? available[0] ?? null;
}

/** Points a session at a binding. */
export async function setSessionActor(db: Kysely<DB>, sessionId: string, b: AvailableMember, now: Date) {
  await db
    .updateTable("sessions")
    .set({
      active_space_id: b.space_id,
      active_member_id: b.member_id,
      active_user_member_id: b.user_member_id,
      updated_at: now,
    })
    .where("id", "=", sessionId)
    .execute();
}

/** The session row behind a principal (for expiry reporting). */
export function findSession(db: Kysely<DB>, sessionId: string) {
  return db
    .selectFrom("sessions")
    .select(["id", "user_id", "expires_at", "refresh_expires_at", "active_user_member_id"])
    .where("id", "=", sessionId)
    .executeTakeFirst();
}
