// A Space-scoped API key must reach the actor's Space as well as the target's: pointing it at a
// resource of its own Space must not let it explain (read) or audit another Space's actors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertApiKey } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { seedDemo } from "../demo/demo.seed.ts";

const ALICE = {
  user_id: "user_alice",
  member_id: "member_finance_reviewer",
  user_member_id: "um_alice_finance_reviewer",
  space_id: "space_acme",
};

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.deps.db);
  await t.deps.db.insertInto("spaces").values({ id: "space_other", name: "Other", metadata: "{}" }).execute();
  await t.deps.db
    .insertInto("resources")
    .values({ id: "res_other", resource_type: "invoice", space_id: "space_other", metadata: "{}" })
    .execute();
});
afterAll(() => t.close());

const auditCount = async () =>
  Number(
    (
      await t.deps.db
        .selectFrom("audit_logs")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("authz:check reach covers the actor's Space", () => {
  it("a key scoped to another Space cannot explain or check an actor of space_acme, even on its own resource", async () => {
    const foreign = await insertApiKey(t, {
      level: "space",
      spaceId: "space_other",
      permissionKeys: ["authz:check"],
    });
    const before = await auditCount();
    for (const path of ["/api/v1/authz/explain", "/api/v1/authz/check"]) {
      const res = await t.request("POST", path, {
        apiKey: foreign,
        body: { actor: ALICE, resource_type: "invoice", resource_id: "res_other", action: "approve" },
      });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("ADMIN_PERMISSION_REQUIRED");
      expect(res.text).not.toContain("alice@");
    }
    expect(await auditCount()).toBe(before);
  });

  it("a key scoped to the actor's Space still checks normally", async () => {
    const own = await insertApiKey(t, {
      level: "space",
      spaceId: "space_acme",
      permissionKeys: ["authz:check"],
    });
    const res = await t.request("POST", "/api/v1/authz/check", {
      apiKey: own,
      body: { actor: ALICE, resource_type: "invoice", resource_id: "invoice_001", action: "approve" },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.decision).toBe("allow");
  });
});
