import type { DB, NewRow, Row } from "@plystra/db";
import { type Kysely, sql, type Transaction } from "kysely";
import { notFound } from "../../http/errors.ts";
import { decodeCursor, finishPage } from "../../http/pagination.ts";
import { type Reach, reachSql } from "../../security/reach.ts";

type Db = Kysely<DB> | Transaction<DB>;

export type AdminGrantLevel = "instance_super_admin" | "instance_admin" | "space_admin" | "group_admin";

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Wire shape `ApiOpenAPIAdminGrant`. */
export function toAdminGrantDto(r: Row<"admin_grants">) {
  return {
    id: r.id,
    user_id: r.user_id,
    member_id: r.member_id,
    space_id: r.space_id,
    group_id: r.group_id,
    level: r.level,
    permission_key: r.permission_key,
    status: r.status,
    granted_by_user_id: r.granted_by_user_id,
    granted_by_member_id: r.granted_by_member_id,
    expires_at: iso(r.expires_at),
    revoked_at: iso(r.revoked_at),
    revoked_reason: r.revoked_reason,
    metadata: r.metadata ?? {},
    created_at: iso(r.created_at) as string,
    updated_at: iso(r.updated_at) as string,
    deleted_at: iso(r.deleted_at),
  };
}
export type AdminGrantDto = ReturnType<typeof toAdminGrantDto>;

export function findAdminGrant(db: Db, id: string) {
  return db
    .selectFrom("admin_grants as g")
    .leftJoin("groups as gr", "gr.id", "g.group_id")
    .selectAll("g")
    .select("gr.path as group_path")
    .where("g.id", "=", id)
    .where("g.deleted_at", "is", null)
    .executeTakeFirst();
}

export async function getAdminGrant(db: Db, id: string) {
  const row = await findAdminGrant(db, id);
  if (!row) throw notFound("ADMIN_GRANT_NOT_FOUND", id);
  return row;
}

export async function insertAdminGrant(db: Db, values: NewRow<"admin_grants">) {
  return db.insertInto("admin_grants").values(values).returningAll().executeTakeFirstOrThrow();
}

export interface GrantListFilter {
  level?: string;
  user_id?: string;
  space_id?: string;
  group_id?: string;
  status?: string;
  limit: number;
  cursor?: string;
}

/** Newest first by id, keyset-paginated, restricted to what the caller may see. */
export async function listAdminGrants(db: Db, f: GrantListFilter, reach: Reach) {
  const after = decodeCursor("admin_grants", f.cursor);
  let q = db
    .selectFrom("admin_grants as g")
    .leftJoin("groups as gr", "gr.id", "g.group_id")
    .selectAll("g")
    .select("gr.path as group_path")
    .where("g.deleted_at", "is", null);
  if (f.level) q = q.where("g.level", "=", f.level);
  if (f.user_id) q = q.where("g.user_id", "=", f.user_id);
  if (f.space_id) q = q.where("g.space_id", "=", f.space_id);
  if (f.group_id) q = q.where("g.group_id", "=", f.group_id);
  if (f.status) q = q.where("g.status", "=", f.status);
  if (after) q = q.where("g.id", "<", String(after[0]));
  q = q.where(reachSql(reach, { space: "g.space_id", group: "g.group_id", path: "gr.path" }));
  const rows = await q
    .orderBy("g.id", "desc")
    .limit(f.limit + 1)
    .execute();
  return finishPage("admin_grants", rows, f.limit, (r) => [r.id]);
}

/** Active (live) grants of a user, as full rows. */
export function listLiveGrantsOfUser(db: Db, userId: string, now: Date) {
  return db
    .selectFrom("admin_grants")
    .selectAll()
    .where("user_id", "=", userId)
    .where("status", "=", "active")
    .where("revoked_at", "is", null)
    .where("deleted_at", "is", null)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .orderBy("id")
    .execute();
}

/**
 * Ids of live instance_super_admin grants held by active users. With `lock`, the grant rows are
 * locked FOR UPDATE so two concurrent revokes serialise and the second sees the first's result.
 */
export async function liveSuperAdminGrantIds(db: Db, now: Date, options: { lock?: boolean } = {}) {
  const lock = options.lock ? sql`FOR UPDATE OF g` : sql``;
  const result = await sql<{ id: string }>`
    SELECT g.id FROM admin_grants g
    JOIN users u ON u.id = g.user_id
    WHERE g.level = 'instance_super_admin'
      AND g.status = 'active' AND g.revoked_at IS NULL AND g.deleted_at IS NULL
      AND (g.expires_at IS NULL OR g.expires_at > ${now})
      AND u.status = 'active' AND u.deleted_at IS NULL
    ORDER BY g.id
    ${lock}`.execute(db);
  return result.rows.map((r) => r.id);
}

export async function revokeAdminGrantRow(db: Db, id: string, now: Date, reason: string | null) {
  return db
    .updateTable("admin_grants")
    .set({ status: "revoked", revoked_at: now, revoked_reason: reason, updated_at: now })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
