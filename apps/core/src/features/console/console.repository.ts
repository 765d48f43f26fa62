import type { DB } from "@plystra/db";
import { type Kysely, sql } from "kysely";
import { type AuditRow, listAuditLogs } from "../audit/audit.repository.ts";

/** Entity name → table; soft-deleted rows are not counted. */
const COUNTED = {
  users: "users",
  spaces: "spaces",
  groups: "groups",
  members: "members",
  user_members: "user_members",
  roles: "roles",
  permissions: "permissions",
  member_roles: "member_roles",
  resources: "resources",
  admin_grants: "admin_grants",
  api_keys: "api_keys",
} as const;

export type OverviewCounts = Record<keyof typeof COUNTED | "audit_logs", number>;

/** Every count in one round trip (scalar sub-selects). */
export async function countEntities(db: Kysely<DB>): Promise<OverviewCounts> {
  const parts = Object.entries(COUNTED).map(
    ([name, table]) =>
      sql`(select count(*) from ${sql.table(table)} where deleted_at is null) as ${sql.ref(name)}`,
  );
  parts.push(sql`(select count(*) from audit_logs) as audit_logs`);
  const { rows } = await sql<Record<string, string | number>>`select ${sql.join(parts)}`.execute(db);
  const row = rows[0] ?? {};
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as OverviewCounts;
}

/** The newest audit rows (chain order), without their traces. */
export async function recentAuditLogs(db: Kysely<DB>, limit: number): Promise<AuditRow[]> {
  const page = await listAuditLogs(db, {
    filter: {},
    reach: { instance: true, spaces: [], groups: [] },
    limit,
  });
  return page.items;
}
