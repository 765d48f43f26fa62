import type { TestApp } from "./harness.ts";

/** Audit rows recorded for one entity, oldest first. */
export function auditRowsFor(t: TestApp, resourceType: string, resourceId: string) {
  return t.deps.db
    .selectFrom("audit_logs")
    .select(["action", "actor_user_id", "actor_api_key_id", "space_id", "trace", "decision"])
    .where("resource_type", "=", resourceType)
    .where("resource_id", "=", resourceId)
    .orderBy("seq")
    .execute();
}
