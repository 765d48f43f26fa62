import { type Db, findById, found, type Page, simpleList } from "../_crud/crud.ts";

const COLUMNS = [
  "id",
  "name",
  "slug",
  "type",
  "status",
  "metadata",
  "created_at",
  "updated_at",
  "deleted_at",
] as const;

export interface SpaceDto {
  id: string;
  name: string;
  slug: string | null;
  type: string;
  status: string;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export function findSpace(db: Db, id: string): Promise<SpaceDto | undefined> {
  return findById(db, "spaces", COLUMNS, id);
}

export async function getSpace(db: Db, id: string): Promise<SpaceDto> {
  return found(await findSpace(db, id), "SPACE_NOT_FOUND", id);
}

export function listSpaces(
  db: Db,
  q: { limit: number; cursor?: string; status?: string },
): Promise<Page<SpaceDto>> {
  return simpleList(db, "spaces", "spaces", COLUMNS, { status: q.status }, q);
}
