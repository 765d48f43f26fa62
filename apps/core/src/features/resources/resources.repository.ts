import type { DB } from "@plystra/db";
import type { Kysely, Transaction } from "kysely";
import { AppError } from "../../http/errors.ts";
import { type Reach, reachSql } from "../../security/reach.ts";

type Db = Kysely<DB> | Transaction<DB>;

function base(db: Db) {
  return db
    .selectFrom("resources as r")
    .innerJoin("spaces as s", "s.id", "r.space_id")
    .leftJoin("groups as g", "g.id", "r.group_id")
    .leftJoin("members as m", "m.id", "r.owner_member_id")
    .select([
      "r.id",
      "r.resource_type",
      "r.external_id",
      "r.display_name",
      "r.space_id",
      "s.name as space_name",
      "r.group_id",
      "g.path as group_path",
      "r.owner_member_id",
      "m.display_name as owner_member_display_name",
      "r.visibility",
      "r.status",
      "r.metadata",
      "r.created_at",
      "r.updated_at",
      "r.deleted_at",
    ])
    .where("r.deleted_at", "is", null);
}

export type ResourceRow = NonNullable<Awaited<ReturnType<ReturnType<typeof base>["executeTakeFirst"]>>>;

export function findResource(db: Db, id: string, where: { spaceId?: string; type?: string } = {}) {
  let q = base(db).where("r.id", "=", id);
  if (where.spaceId !== undefined) q = q.where("r.space_id", "=", where.spaceId);
  if (where.type !== undefined) q = q.where("r.resource_type", "=", where.type);
  return q.executeTakeFirst();
}

export async function getResource(db: Db, id: string, where: { spaceId?: string; type?: string } = {}) {
  const row = await findResource(db, id, where);
  if (!row) throw new AppError("RESOURCE_NOT_FOUND", undefined, { id });
  return row;
}

/** Keyset by id; rows outside the caller's reach (Space or group subtree) are filtered in SQL. */
export function listResources(
  db: Db,
  args: {
    spaceId?: string;
    type?: string;
    status?: string;
    reach: Reach;
    afterId: string | null;
    take: number;
  },
) {
  let q = base(db).where(reachSql(args.reach, { space: "r.space_id", path: "g.path" }));
  if (args.spaceId) q = q.where("r.space_id", "=", args.spaceId);
  if (args.type) q = q.where("r.resource_type", "=", args.type);
  if (args.status) q = q.where("r.status", "=", args.status);
  if (args.afterId) q = q.where("r.id", ">", args.afterId);
  return q.orderBy("r.id").limit(args.take).execute();
}
