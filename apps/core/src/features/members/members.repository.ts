import { type Db, findById, found, type Page, simpleList } from "../_crud/crud.ts";

const COLUMNS = [
  "id",
  "space_id",
  "display_name",
  "member_type",
  "status",
  "metadata",
  "created_at",
  "updated_at",
  "deleted_at",
] as const;

export interface MemberDto {
  id: string;
  space_id: string;
  display_name: string;
  member_type: string;
  status: string;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export function findMember(db: Db, id: string): Promise<MemberDto | undefined> {
  return findById(db, "members", COLUMNS, id);
}

/** A member by id; with `spaceId`, one of another Space is reported as not found. */
export async function getMember(db: Db, id: string, spaceId?: string | null): Promise<MemberDto> {
  return found(await findMember(db, id), "MEMBER_NOT_FOUND", id, spaceId);
}

export function listMembers(
  db: Db,
  spaceId: string,
  q: { limit: number; cursor?: string; status?: string },
): Promise<Page<MemberDto>> {
  return simpleList(db, "members", "members", COLUMNS, { space_id: spaceId, status: q.status }, q);
}
