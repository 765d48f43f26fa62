import { type Expression, sql } from "kysely";
import { validationError } from "../../http/errors.ts";
import { decodeCursor, finishPage } from "../../http/pagination.ts";
import { inGroupTrees } from "../../security/reach.ts";
import { type Db, findById, found, keysetPage, type Page } from "../_crud/crud.ts";

const COLUMNS = [
  "id",
  "space_id",
  "parent_group_id",
  "name",
  "display_name",
  "path",
  "depth",
  "sort_order",
  "status",
  "metadata",
  "created_at",
  "updated_at",
  "deleted_at",
] as const;

interface GroupRow {
  id: string;
  space_id: string;
  parent_group_id: string | null;
  name: string;
  display_name: string | null;
  path: string;
  depth: number;
  sort_order: number;
  status: string;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

/** The wire shape adds `parent_id`, the upstream alias of `parent_group_id`. */
export type GroupDto = GroupRow & { parent_id: string | null };

const toDto = (row: GroupRow): GroupDto => ({ ...row, parent_id: row.parent_group_id });

export async function findGroup(db: Db, id: string): Promise<GroupDto | undefined> {
  const row = await findById<GroupRow>(db, "groups", COLUMNS, id);
  return row && toDto(row);
}

/** A group by id; with `spaceId`, one of another Space is reported as not found. */
export async function getGroup(db: Db, id: string, spaceId?: string | null): Promise<GroupDto> {
  return found(await findGroup(db, id), "GROUP_NOT_FOUND", id, spaceId);
}

export interface GroupListQuery {
  limit: number;
  cursor?: string;
  status?: string;
}

export async function listGroups(
  db: Db,
  spaceId: string,
  q: GroupListQuery,
  subtrees: string[] | null,
): Promise<Page<GroupDto>> {
  const page = await keysetPage("groups", q, (after, take) => {
    let query = db.selectFrom("groups").select(COLUMNS).where("space_id", "=", spaceId);
    if (subtrees !== null) query = query.where(inGroupTrees("path", subtrees));
    if (q.status) query = query.where("status", "=", q.status);
    if (after) query = query.where("id", ">", after);
    return query.orderBy("id").limit(take).execute();
  });
  return { items: page.items.map(toDto), pagination: page.pagination };
}

/** Sort key giving depth-first order: `.` sorts before every character a name may contain. */
const treeKey = (path: Expression<string> | string) =>
  sql<string>`translate(${path}, '.', chr(1)) collate "C"`;

/** Every group of the Space in depth-first path order (keyset on the path, unique per Space). */
export async function listGroupTree(
  db: Db,
  spaceId: string,
  q: { limit: number; cursor?: string },
  subtrees: string[] | null,
): Promise<Page<GroupDto>> {
  const key = decodeCursor("groups_tree", q.cursor);
  if (key && typeof key[0] !== "string")
    throw validationError("cursor", "is not a valid cursor for this list");
  let query = db.selectFrom("groups").select(COLUMNS).where("space_id", "=", spaceId);
  if (subtrees !== null) query = query.where(inGroupTrees("path", subtrees));
  if (key) query = query.where(({ eb, ref }) => eb(treeKey(ref("path")), ">", treeKey(String(key[0]))));
  const rows = await query
    .orderBy(({ ref }) => treeKey(ref("path")))
    .limit(q.limit + 1)
    .execute();
  const page = finishPage("groups_tree", rows, q.limit, (r) => [r.path]);
  return { items: page.items.map(toDto), pagination: page.pagination };
}
