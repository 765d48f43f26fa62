// The decision-context statement is prepared so that PostgreSQL plans it once per connection. That
// only holds if its generic plan is chosen: with a parameter the planner can fold (a plain boolean
// switch), every custom plan looks cheaper than the generic one and PostgreSQL re-plans on every
// call, ~3× the cost of a cache miss (measured with the cache off: 2.6 against 0.8 ms per call).
import { openDatabase } from "@plystra/db";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO, seedDemo } from "../demo/demo.seed.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { type ContextQuery, loadDecisionContext } from "./authz.repository.ts";

// pg_prepared_statements of one session: needs real PostgreSQL (PGlite runs statements unprepared).
describe.skipIf(inject("dbKind") !== "postgres")("the decision-context statement's plan", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemo(t.deps.db);
  });
  afterAll(() => t.close());

  const query = (over: Partial<ContextQuery>): ContextQuery => ({
    userId: DEMO.users.alice,
    memberId: DEMO.members.reviewer,
    userMemberId: DEMO.bindings.alice,
    spaceId: DEMO.space,
    resourceType: "invoice",
    resourceId: DEMO.invoices.apac,
    action: "approve",
    loadTarget: true,
    loadCandidates: true,
    groupIds: [],
    ...over,
  });

  it.each([
    ["with versions (cache on)", { withVersions: true }],
    ["without versions (cache off)", { withVersions: false }],
    ["for an inline target, without versions", { loadTarget: false, withVersions: false }],
  ])("settles on one generic plan %s", async (_label, over) => {
    // A fresh session of one connection: every call runs where its statements are counted.
    const one = await openDatabase({ url: t.db.url!, poolMax: 1 });
    try {
      for (let i = 0; i < 12; i++) {
        const loaded = await loadDecisionContext(one.db, query(over));
        expect(loaded.actor.member?.id).toBe(DEMO.members.reviewer);
      }
      const { rows } = await sql<{ generic_plans: string; custom_plans: string }>`
        SELECT generic_plans, custom_plans FROM pg_prepared_statements
         WHERE name = 'plystra_authz_context'`.execute(one.db);
      // PostgreSQL always tries five custom plans before it compares them with the generic one.
      expect(Number(rows[0].custom_plans)).toBeLessThanOrEqual(5);
      expect(Number(rows[0].generic_plans)).toBeGreaterThanOrEqual(7);
    } finally {
      await one.close();
    }
  });
});
