import { type Db, findById, found, type Page, simpleList } from "../_crud/crud.ts";

const COLUMNS = [
  "id",
  "resource",
  "action",
  "scope",
  "description",
  "status",
  "metadata",
  "created_at",
  "updated_at",
  "deleted_at",
] as const;

export interface PermissionDto {
  id: string;
  resource: string;
  action: string;
  scope: string;
  description: string | null;
  status: string;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export function findPermission(db: Db, id: string): Promise<PermissionDto | undefined> {
  return findById(db, "permissions", COLUMNS, id);
}

export async function getPermission(db: Db, id: string): Promise<PermissionDto> {
  return found(await findPermission(db, id), "PERMISSION_NOT_FOUND", id);
}

export interface PermissionFilters {
  limit: number;
  cursor?: string;
  resource?: string;
  action?: string;
  scope?: string;
  status?: string;
}

export function listPermissions(db: Db, q: PermissionFilters): Promise<Page<PermissionDto>> {
  const { resource, action, scope, status } = q;
  return simpleList(db, "permissions", "permissions", COLUMNS, { resource, action, scope, status }, q);
}
