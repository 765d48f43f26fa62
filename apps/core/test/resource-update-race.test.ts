// Issue 10, "Races": a resource update locks the row and re-checks the caller's reach inside its
// transaction, so a concurrent move out of a Group admin's subtree cannot be overtaken.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO, seedDemo } from "../src/features/demo/demo.seed.ts";
import { adminToken, waitForLockWaiters } from "./fixtures.ts";
import { createTestApp, type TestApp } from "./harness.ts";

// Needs a second connection holding a row lock: real PostgreSQL only (PGlite is one session).
describe.skipIf(inject("dbKind") !== "postgres")("resource update vs a concurrent move", () => {
  let t: TestApp;
  let apacAdmin: string;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemo(t.deps.db);
    apacAdmin = await adminToken(t, "user_apac_admin", "group_admin", "resources:manage", {
      groupId: DEMO.groups.financeApac,
    });
  });
  afterAll(() => t.close());

  it.each([
    ["display fields only", { display_name: "edited by the APAC admin" }],
    ["with the Group it already had", { group_id: DEMO.groups.financeApac, display_name: "x" }],
  ])("a Group admin's PATCH (%s) that races a move out of its subtree is refused", async (_label, body) => {
    const mover = new pg.Client({ connectionString: t.db.url! });
    const watcher = new pg.Client({ connectionString: t.db.url! });
    await mover.connect();
    await watcher.connect();
    try {
      // Another admin moves invoice_001 to Legal; its transaction holds the row until we commit.
      await mover.query("BEGIN");
      await mover.query("UPDATE resources SET group_id = $1 WHERE id = $2", [
        DEMO.groups.legal,
        DEMO.invoices.apac,
      ]);
      // The guard still sees the committed row in finance.apac and lets the PATCH through.
      const patch = t.request("PATCH", `/api/v1/spaces/${DEMO.space}/resources/${DEMO.invoices.apac}`, {
        token: apacAdmin,
        body,
      });
      await waitForLockWaiters(watcher);
      await mover.query("COMMIT");
      const res = await patch;
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("ADMIN_PERMISSION_REQUIRED");
      const row = await t.deps.db
        .selectFrom("resources")
        .select(["group_id", "display_name"])
        .where("id", "=", DEMO.invoices.apac)
        .executeTakeFirstOrThrow();
      expect(row.group_id).toBe(DEMO.groups.legal);
      expect(row.display_name).not.toBe("edited by the APAC admin");
    } finally {
      await mover.query("ROLLBACK").catch(() => {});
      // Put it back for the next case.
      await t.deps.db
        .updateTable("resources")
        .set({ group_id: DEMO.groups.financeApac })
        .where("id", "=", DEMO.invoices.apac)
        .execute();
      await mover.end();
      await watcher.end();
    }
  });

  it("without a concurrent move the same PATCH succeeds", async () => {
    const res = await t.request("PATCH", `/api/v1/spaces/${DEMO.space}/resources/${DEMO.invoices.apac}`, {
      token: apacAdmin,
      body: { display_name: "fine" },
    });
    expect(res.status).toBe(200);
  });
});
