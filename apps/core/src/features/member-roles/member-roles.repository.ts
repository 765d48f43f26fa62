import { type Db, found, keysetPage, type Page } from "../_crud/crud.ts";

export interface MemberRoleDto {
  id: string;
  space_id: string;
  member_id: string;
  member_display_name: string;
  role_id: string;
  role_key: string;
  role_name: string;
  scope_anchor_group_id: string | null;
  scope_anchor_path: string | null;
  status: string;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

function base(db: Db) {
  return db
    .selectFrom("member_roles as mr")
    .innerJoin("members as m", "m.id", "mr.member_id")
    .innerJoin("roles as r", "r.id", "mr.role_id")
    .leftJoin("groups as g", "g.id", "mr.scope_anchor_group_id")
    .select([
      "mr.id",
      "mr.space_id",
      "mr.member_id",
      "m.display_name as member_display_name",
      "mr.role_id",
      "r.key as role_key",
      "r.name as role_name",
      "mr.scope_anchor_group_id",
      "g.path as scope_anchor_path",
      "mr.status",
      "mr.metadata",
      "mr.created_at",
      "mr.updated_at",
      "mr.deleted_at",
    ]);
}

export function findMemberRole(db: Db, id: string): Promise<MemberRoleDto | undefined> {
  return base(db).where("mr.id", "=", id).executeTakeFirst();
}

/** A grant by id; with `spaceId`, one of another Space is reported as not found. */
export async function getMemberRole(db: Db, id: string, spaceId?: string | null): Promise<MemberRoleDto> {
  return found(await findMemberRole(db, id), "MEMBER_ROLE_NOT_FOUND", id, spaceId);
}

export interface MemberRoleFilters {
  limit: number;
  cursor?: string;
  member_id?: string;
  role_id?: string;
  status?: string;
}

export function listMemberRoles(db: Db, spaceId: string, q: MemberRoleFilters): Promise<Page<MemberRoleDto>> {
  return keysetPage("member_roles", q, (after, take) => {
    let query = base(db).where("mr.space_id", "=", spaceId);
    if (q.member_id) query = query.where("mr.member_id", "=", q.member_id);
    if (q.role_id) query = query.where("mr.role_id", "=", q.role_id);
    if (q.status) query = query.where("mr.status", "=", q.status);
    if (after) query = query.where("mr.id", ">", after);
    return query.orderBy("mr.id").limit(take).execute();
  });
}
