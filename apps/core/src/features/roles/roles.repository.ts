import { type Db, findById, found, type Page, simpleList } from "../_crud/crud.ts";

const COLUMNS = [
  "id",
  "space_id",
  "key",
  "name",
  "description",
  "status",
  "metadata",
  "created_at",
  "updated_at",
  "deleted_at",
] as const;

export interface RoleDto {
  id: string;
  space_id: string;
  key: string;
  name: string;
  description: string | null;
  status: string;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export function findRole(db: Db, id: string): Promise<RoleDto | undefined> {
  return findById(db, "roles", COLUMNS, id);
}

/** A role by id; with `spaceId`, one of another Space is reported as not found. */
export async function getRole(db: Db, id: string, spaceId?: string | null): Promise<RoleDto> {
  return found(await findRole(db, id), "ROLE_NOT_FOUND", id, spaceId);
}

export function listRoles(
  db: Db,
  spaceId: string,
  q: { limit: number; cursor?: string; status?: string },
): Promise<Page<RoleDto>> {
  return simpleList(db, "roles", "roles", COLUMNS, { space_id: spaceId, status: q.status }, q);
}
