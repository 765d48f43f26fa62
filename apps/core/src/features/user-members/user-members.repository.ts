import { type Db, found, keysetPage, type Page } from "../_crud/crud.ts";

export interface UserMemberDto {
  id: string;
  user_id: string;
  member_id: string;
  space_id: string;
  email: string;
  member_display_name: string;
  relation_type: string;
  is_primary: boolean;
  status: string;
  expires_at: Date | null;
  linked_at: Date;
  linked_by_member_id: string | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

function base(db: Db) {
  return db
    .selectFrom("user_members as um")
    .innerJoin("users as u", "u.id", "um.user_id")
    .innerJoin("members as m", "m.id", "um.member_id")
    .select([
      "um.id",
      "um.user_id",
      "um.member_id",
      "um.space_id",
      "u.email",
      "m.display_name as member_display_name",
      "um.relation_type",
      "um.is_primary",
      "um.status",
      "um.expires_at",
      "um.linked_at",
      "um.linked_by_member_id",
      "um.revoked_at",
      "um.revoked_reason",
      "um.metadata",
      "um.created_at",
      "um.updated_at",
      "um.deleted_at",
    ]);
}

export function findUserMember(db: Db, id: string): Promise<UserMemberDto | undefined> {
  return base(db).where("um.id", "=", id).executeTakeFirst();
}

/** A binding by id; with `spaceId`, one of another Space is reported as not found. */
export async function getUserMember(db: Db, id: string, spaceId?: string | null): Promise<UserMemberDto> {
  return found(await findUserMember(db, id), "USER_MEMBER_NOT_FOUND", id, spaceId);
}

export interface UserMemberFilters {
  limit: number;
  cursor?: string;
  user_id?: string;
  member_id?: string;
  status?: string;
}

export function listUserMembers(db: Db, spaceId: string, q: UserMemberFilters): Promise<Page<UserMemberDto>> {
  return keysetPage("user_members", q, (after, take) => {
    let query = base(db).where("um.space_id", "=", spaceId);
    if (q.user_id) query = query.where("um.user_id", "=", q.user_id);
    if (q.member_id) query = query.where("um.member_id", "=", q.member_id);
    if (q.status) query = query.where("um.status", "=", q.status);
    if (after) query = query.where("um.id", ">", after);
    return query.orderBy("um.id").limit(take).execute();
  });
}

/** Another live binding of the same User to the same Member, if any. */
export function findLiveBinding(db: Db, userId: string, memberId: string) {
  return db
    .selectFrom("user_members")
    .select("id")
    .where("user_id", "=", userId)
    .where("member_id", "=", memberId)
    .where("status", "=", "active")
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}
