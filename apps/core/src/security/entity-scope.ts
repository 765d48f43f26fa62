import type { Deps } from "../deps.ts";
import type { EntityKind } from "@plystra/contract";

export interface EntityScope {
  spaceId: string | null;
  groupId: string | null;
  groupPath: string | null;
}

/** The Space (and Group, where the row has one) a stored row lives in; null if no such row. */
export async function resolveEntityScope(
  deps: Deps,
  kind: EntityKind,
  id: string,
): Promise<EntityScope | null> {
  const db = deps.db;
  switch (kind) {
    case "group": {
      const g = await db
        .selectFrom("groups")
        .select(["space_id", "id", "path"])
        .where("id", "=", id)
        .executeTakeFirst();
      return g ? { spaceId: g.space_id, groupId: g.id, groupPath: g.path } : null;
    }
    case "resource": {
      const r = await db
        .selectFrom("resources as r")
        .leftJoin("groups as g", "g.id", "r.group_id")
        .select(["r.space_id", "r.group_id", "g.path"])
        .where("r.id", "=", id)
        .where("r.deleted_at", "is", null)
        .executeTakeFirst();
      return r ? { spaceId: r.space_id, groupId: r.group_id, groupPath: r.path } : null;
    }
    case "admin_grant": {
      const r = await db
        .selectFrom("admin_grants as x")
        .leftJoin("groups as g", "g.id", "x.group_id")
        .select(["x.space_id", "x.group_id", "g.path"])
        .where("x.id", "=", id)
        .executeTakeFirst();
      return r ? { spaceId: r.space_id, groupId: r.group_id, groupPath: r.path } : null;
    }
    case "api_key": {
      const r = await db
        .selectFrom("api_keys as x")
        .leftJoin("groups as g", "g.id", "x.group_id")
        .select(["x.space_id", "x.group_id", "g.path"])
        .where("x.id", "=", id)
        .executeTakeFirst();
      return r ? { spaceId: r.space_id, groupId: r.group_id, groupPath: r.path } : null;
    }
    case "member":
    case "user_member":
    case "role":
    case "member_role":
    case "role_permission":
    case "audit_log": {
      const table = {
        member: "members",
        user_member: "user_members",
        role: "roles",
        member_role: "member_roles",
        role_permission: "role_permissions",
        audit_log: "audit_logs",
      } as const;
      const r = await db.selectFrom(table[kind]).select("space_id").where("id", "=", id).executeTakeFirst();
      return r ? { spaceId: r.space_id, groupId: null, groupPath: null } : null;
    }
  }
}
