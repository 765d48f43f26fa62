import { sql } from "kysely";
import type { DB, NewRow, Row } from "@plystra/db";
import type { Kysely, Transaction } from "kysely";
import { notFound } from "../../http/errors.ts";
import { decodeCursor, finishPage } from "../../http/pagination.ts";
import { type Reach, reachSql } from "../../security/reach.ts";

type Db = Kysely<DB> | Transaction<DB>;

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Wire shape `ApiOpenAPIAPIKey`; never carries key_hash. */
export function toApiKeyDto(r: Row<"api_keys">) {
  return {
    id: r.id,
    name: r.name,
    key_prefix: r.key_prefix,
    level: r.level,
    space_id: r.space_id,
    group_id: r.group_id,
    permission_keys: r.permission_keys,
    status: r.status,
    expires_at: iso(r.expires_at),
    last_used_at: iso(r.last_used_at),
    created_by_user_id: r.created_by_user_id,
    created_by_member_id: r.created_by_member_id,
    revoked_at: iso(r.revoked_at),
    revoked_by_user_id: r.revoked_by_user_id,
    revoked_reason: r.revoked_reason,
    metadata: r.metadata ?? {},
    created_at: iso(r.created_at) as string,
    updated_at: iso(r.updated_at) as string,
    deleted_at: iso(r.deleted_at),
  };
}
export type ApiKeyDto = ReturnType<typeof toApiKeyDto>;

export function findApiKey(db: Db, id: string) {
  return db
    .selectFrom("api_keys as k")
    .leftJoin("groups as gr", "gr.id", "k.group_id")
    .selectAll("k")
    .select("gr.path as group_path")
    .where("k.id", "=", id)
    .where("k.deleted_at", "is", null)
    .executeTakeFirst();
}

export async function getApiKey(db: Db, id: string) {
  const row = await findApiKey(db, id);
  if (!row) throw notFound("API_KEY_NOT_FOUND", id);
  return row;
}

export function insertApiKey(db: Db, values: NewRow<"api_keys">) {
  return db.insertInto("api_keys").values(values).returningAll().executeTakeFirstOrThrow();
}

export function revokeApiKeyRow(
  db: Db,
  id: string,
  args: { now: Date; byUserId: string | null; reason: string | null },
) {
  return db
    .updateTable("api_keys")
    .set({
      status: "revoked",
      revoked_at: args.now,
      revoked_by_user_id: args.byUserId,
      revoked_reason: args.reason,
      updated_at: args.now,
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Live keys minted (directly or transitively) by the given key, via `created_by_api_key_id`. */
export async function liveDescendantKeyIds(db: Db, id: string): Promise<string[]> {
  const r = await sql<{ id: string }>`
    WITH RECURSIVE kids AS (
      SELECT k.id FROM api_keys k WHERE k.created_by_api_key_id = ${id}
      UNION
      SELECT k.id FROM api_keys k JOIN kids ON k.created_by_api_key_id = kids.id
    )
    SELECT kids.id FROM kids JOIN api_keys k ON k.id = kids.id
    WHERE k.status <> 'revoked' AND k.revoked_at IS NULL
    ORDER BY kids.id`.execute(db);
  return r.rows.map((x) => x.id);
}

export interface ApiKeyListFilter {
  level?: string;
  space_id?: string;
  group_id?: string;
  status?: string;
  limit: number;
  cursor?: string;
}

/** Newest first by id, keyset-paginated, restricted to what the caller may see. */
export async function listApiKeys(db: Db, f: ApiKeyListFilter, reach: Reach) {
  const after = decodeCursor("api_keys", f.cursor);
  let q = db
    .selectFrom("api_keys as k")
    .leftJoin("groups as gr", "gr.id", "k.group_id")
    .selectAll("k")
    .select("gr.path as group_path")
    .where("k.deleted_at", "is", null);
  if (f.level) q = q.where("k.level", "=", f.level);
  if (f.space_id) q = q.where("k.space_id", "=", f.space_id);
  if (f.group_id) q = q.where("k.group_id", "=", f.group_id);
  if (f.status) q = q.where("k.status", "=", f.status);
  if (after) q = q.where("k.id", "<", String(after[0]));
  q = q.where(reachSql(reach, { space: "k.space_id", group: "k.group_id", path: "gr.path" }));
  const rows = await q
    .orderBy("k.id", "desc")
    .limit(f.limit + 1)
    .execute();
  return finishPage("api_keys", rows, f.limit, (r) => [r.id]);
}
