import type { DB } from "@plystra/db";
import type { Kysely, Transaction } from "kysely";
import { AppError } from "../../http/errors.ts";

type Db = Kysely<DB> | Transaction<DB>;

const TYPE_COLS = [
  "id",
  "key",
  "display_name",
  "description",
  "status",
  "source",
  "metadata",
  "created_at",
  "updated_at",
] as const;
const ACTION_COLS = [
  "id",
  "resource_type_id",
  "key",
  "display_name",
  "description",
  "risk_level",
  "audit_default",
  "metadata",
  "created_at",
  "updated_at",
] as const;
const MAPPING_COLS = [
  "id",
  "resource_type_id",
  "storage_kind",
  "table_name",
  "id_field",
  "space_field",
  "group_field",
  "owner_member_field",
  "visibility_field",
  "metadata_field",
  "display_name",
  "status",
  "source",
  "metadata",
  "created_at",
  "updated_at",
] as const;

export async function findResourceType(db: Db, key: string) {
  return db.selectFrom("resource_types").select(TYPE_COLS).where("key", "=", key).executeTakeFirst();
}

export async function getResourceType(db: Db, key: string) {
  const row = await findResourceType(db, key);
  if (!row) throw new AppError("RESOURCE_TYPE_NOT_FOUND", undefined, { key });
  return row;
}

export type ResourceTypeRow = NonNullable<Awaited<ReturnType<typeof findResourceType>>>;

export function listResourceTypes(db: Db, args: { status?: string; afterId: string | null; take: number }) {
  let q = db.selectFrom("resource_types").select(TYPE_COLS);
  if (args.status) q = q.where("status", "=", args.status);
  if (args.afterId) q = q.where("id", ">", args.afterId);
  return q.orderBy("id").limit(args.take).execute();
}

export function findResourceAction(db: Db, typeId: string, key: string) {
  return db
    .selectFrom("resource_actions")
    .select(ACTION_COLS)
    .where("resource_type_id", "=", typeId)
    .where("key", "=", key)
    .executeTakeFirst();
}

export type ResourceActionRow = NonNullable<Awaited<ReturnType<typeof findResourceAction>>>;

export function listResourceActions(db: Db, typeId: string, args: { afterId: string | null; take: number }) {
  let q = db.selectFrom("resource_actions").select(ACTION_COLS).where("resource_type_id", "=", typeId);
  if (args.afterId) q = q.where("id", ">", args.afterId);
  return q.orderBy("id").limit(args.take).execute();
}

export function findResourceMapping(db: Db, typeId: string) {
  return db
    .selectFrom("resource_mappings")
    .select(MAPPING_COLS)
    .where("resource_type_id", "=", typeId)
    .executeTakeFirst();
}

export type ResourceMappingRow = NonNullable<Awaited<ReturnType<typeof findResourceMapping>>>;
