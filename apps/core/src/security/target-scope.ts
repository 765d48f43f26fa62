import type { DB } from "@plystra/db";
import type { Kysely } from "kysely";
import { validationError } from "../http/errors.ts";

export interface TargetScope {
  spaceId: string | null;
  groupId: string | null;
  groupPath: string | null;
}

/**
 * Level → scope rules shared by admin grants and API keys: instance takes no Space/Group; space
 * needs an existing Space and no Group; group needs an existing Group, and its Space is derived
 * (a given space_id must match). Violations are 400s naming the field.
 */
export async function resolveTargetScope(
  db: Kysely<DB>,
  reach: "instance" | "space" | "group",
  input: { space_id?: string | null; group_id?: string | null },
): Promise<TargetScope> {
  const spaceId = input.space_id || null;
  const groupId = input.group_id || null;
  if (reach === "instance") {
    if (spaceId) throw validationError("space_id", "must be empty for an instance-level credential");
    if (groupId) throw validationError("group_id", "must be empty for an instance-level credential");
    return { spaceId: null, groupId: null, groupPath: null };
  }
  if (reach === "space") {
    if (!spaceId) throw validationError("space_id", "is required for a space-level credential");
    if (groupId) throw validationError("group_id", "must be empty for a space-level credential");
    const space = await db
      .selectFrom("spaces")
      .select("id")
      .where("id", "=", spaceId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!space) throw validationError("space_id", "space does not exist");
    return { spaceId, groupId: null, groupPath: null };
  }
  if (!groupId) throw validationError("group_id", "is required for a group-level credential");
  const group = await db
    .selectFrom("groups")
    .select(["id", "space_id", "path"])
    .where("id", "=", groupId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!group) throw validationError("group_id", "group does not exist");
  if (spaceId && spaceId !== group.space_id) {
    throw validationError("space_id", "does not match the group's space");
  }
  return { spaceId: group.space_id, groupId: group.id, groupPath: group.path };
}

/**
 * Trimmed, lower-cased (keys are case-insensitive, as in v1.0: `Users:read` is stored as
 * `users:read`) and de-duplicated. Malformed keys (`*:read`, `users:`, `a:b:c`) are a 400 naming
 * the first invalid entry.
 */
export function normalisePermissionKeys(
  keys: string[],
  field: string,
  isValid: (k: string) => boolean,
): string[] {
  const out: string[] = [];
  keys.forEach((raw, i) => {
    const k = raw.trim().toLowerCase();
    if (!isValid(k)) {
      const name = field.endsWith("s") ? `${field}[${i}]` : field;
      throw validationError(name, `"${raw}" is not a valid permission key (use * or domain:action)`);
    }
    if (!out.includes(k)) out.push(k);
  });
  return out;
}
