import { type Db, found, keysetPage, type Page } from "../_crud/crud.ts";

export interface RolePermissionDto {
  id: string;
  role_id: string;
  role_key: string;
  space_id: string;
  permission_id: string;
  resource: string;
  action: string;
  scope: string;
  status: string;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

function base(db: Db) {
  return db
    .selectFrom("role_permissions as rp")
    .innerJoin("roles as r", "r.id", "rp.role_id")
    .innerJoin("permissions as p", "p.id", "rp.permission_id")
    .select([
      "rp.id",
      "rp.role_id",
      "r.key as role_key",
      "rp.space_id",
      "rp.permission_id",
      "p.resource",
      "p.action",
      "p.scope",
      "rp.status",
      "rp.metadata",
      "rp.created_at",
      "rp.updated_at",
      "rp.deleted_at",
    ]);
}

export function findRolePermission(db: Db, id: string): Promise<RolePermissionDto | undefined> {
  return base(db).where("rp.id", "=", id).executeTakeFirst();
}

/** A binding by id (soft-deleted ones included, showing `deleted_at`); `spaceId` scopes nested routes. */
export async function getRolePermission(
  db: Db,
  id: string,
  spaceId?: string | null,
): Promise<RolePermissionDto> {
  return found(await findRolePermission(db, id), "ROLE_PERMISSION_NOT_FOUND", id, spaceId);
}

export interface RolePermissionFilters {
  limit: number;
  cursor?: string;
  role_id?: string;
  permission_id?: string;
  space_id?: string;
}

/** Live bindings only: a deleted binding no longer exists for listing purposes. */
export function listRolePermissions(db: Db, q: RolePermissionFilters): Promise<Page<RolePermissionDto>> {
  return keysetPage("role_permissions", q, (after, take) => {
    let query = base(db).where("rp.deleted_at", "is", null);
    if (q.space_id) query = query.where("rp.space_id", "=", q.space_id);
    if (q.role_id) query = query.where("rp.role_id", "=", q.role_id);
    if (q.permission_id) query = query.where("rp.permission_id", "=", q.permission_id);
    if (after) query = query.where("rp.id", ">", after);
    return query.orderBy("rp.id").limit(take).execute();
  });
}
