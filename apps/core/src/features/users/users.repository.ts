import { type Db, findById, found, type Page, simpleList } from "../_crud/crud.ts";

/** Never `password_hash`: the DTO's column list is the only thing selected. */
const COLUMNS = [
  "id",
  "email",
  "username",
  "phone",
  "status",
  "metadata",
  "last_login_at",
  "password_changed_at",
  "created_at",
  "updated_at",
  "deleted_at",
] as const;

export interface UserDto {
  id: string;
  email: string;
  username: string | null;
  phone: string | null;
  status: string;
  metadata: Record<string, unknown>;
  last_login_at: Date | null;
  password_changed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export function findUser(db: Db, id: string): Promise<UserDto | undefined> {
  return findById(db, "users", COLUMNS, id);
}

export async function getUser(db: Db, id: string): Promise<UserDto> {
  return found(await findUser(db, id), "USER_NOT_FOUND", id);
}

export function listUsers(
  db: Db,
  q: { limit: number; cursor?: string; status?: string },
): Promise<Page<UserDto>> {
  return simpleList(db, "users", "users", COLUMNS, { status: q.status }, q);
}
