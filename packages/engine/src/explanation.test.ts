import { describe, expect, it } from "vitest";
import { decide } from "./decide.ts";
import { compactExplanation } from "./explanation.ts";
import { GROUPS, baseContext, candidate, targetIn } from "./test-fixtures.ts";

const ACTOR = {
  user_id: "user_alice",
  member_id: "member_finance_reviewer",
  user_member_id: "um_alice_finance_reviewer",
  space_id: "space_acme",
};

describe("compactExplanation", () => {
  it("on allow names the first covering candidate", () => {
    const ctx = baseContext();
    ctx.candidates = [
      candidate("global", null, "a_global"),
      candidate("group_tree", GROUPS.finance, "b_tree"),
      candidate("space", null, "c_space"),
    ];
    expect(compactExplanation(decide(ctx))).toEqual({
      actor: ACTOR,
      resource: { type: "invoice", id: "invoice_001", group_path: "finance.apac" },
      candidate: {
        role_key: "b_tree",
        permission: { resource: "invoice", action: "approve", scope: "group_tree" },
        anchor_path: "finance",
        scope_check: {
          covered: true,
          rule: "target_path = anchor_path OR target_path LIKE anchor_path || '.%'",
          reason: "target group finance.apac is inside anchor group finance.",
        },
      },
    });
  });

  it("on a scope deny names the first candidate carrying the deny code", () => {
    const ctx = targetIn(baseContext(), GROUPS.legalEmea);
    ctx.candidates = [
      candidate("group_tree", GROUPS.finance, "a_tree"),
      candidate("global", null, "b_global"),
      candidate("group", GROUPS.finance, "c_group"),
    ];
    const d = decide(ctx);
    expect(d.deny_code).toBe("SCOPE_OUT_OF_BOUNDS");
    expect(compactExplanation(d)).toEqual({
      actor: ACTOR,
      resource: { type: "invoice", id: "invoice_001", group_path: "legal.emea" },
      candidate: {
        role_key: "a_tree",
        permission: { resource: "invoice", action: "approve", scope: "group_tree" },
        anchor_path: "finance",
        scope_check: {
          covered: false,
          rule: "target_path = anchor_path OR target_path LIKE anchor_path || '.%'",
          reason: "target group legal.emea is outside anchor group finance.",
        },
      },
    });
  });

  it("GLOBAL_SCOPE_DISABLED names the global candidate with a null anchor path", () => {
    const ctx = baseContext();
    ctx.candidates = [candidate("global", null, "g")];
    const c = compactExplanation(decide(ctx)).candidate;
    expect(c?.role_key).toBe("g");
    expect(c?.anchor_path).toBeNull();
    expect(c?.scope_check.covered).toBe(false);
    // the compact check has no deny_code field
    expect(Object.keys(c!.scope_check)).toEqual(["covered", "rule", "reason"]);
  });

  it("a target without group gives group_path null", () => {
    const ctx = targetIn(baseContext(), null);
    const e = compactExplanation(decide(ctx));
    expect(e.resource).toEqual({ type: "invoice", id: "invoice_001", group_path: null });
    expect(e.candidate?.scope_check.reason).toBe("target resource has no group.");
  });

  it.each([
    [
      "no matching permission",
      (c: ReturnType<typeof baseContext>) => {
        c.candidates = [];
      },
    ],
    [
      "actor state deny despite a covering candidate",
      (c: ReturnType<typeof baseContext>) => {
        c.actor.user!.status = "disabled";
      },
    ],
    [
      "cross-space deny",
      (c: ReturnType<typeof baseContext>) => {
        c.target.resource!.space_id = "space_x";
      },
    ],
    [
      "registry miss",
      (c: ReturnType<typeof baseContext>) => {
        c.registry.resource_type = null;
      },
    ],
    [
      "actor not found",
      (c: ReturnType<typeof baseContext>) => {
        c.actor.member = null;
      },
    ],
    [
      "resource not found",
      (c: ReturnType<typeof baseContext>) => {
        c.target.resource = null;
      },
    ],
  ])("candidate is null when the deny came earlier: %s", (_name, mutate) => {
    const ctx = baseContext();
    mutate(ctx);
    const e = compactExplanation(decide(ctx));
    expect(e.candidate).toBeNull();
    expect(e.actor).toEqual(ACTOR);
  });

  it("resource-not-found still names the requested resource", () => {
    const ctx = baseContext();
    ctx.target = { resource: null, group: null };
    expect(compactExplanation(decide(ctx)).resource).toEqual({
      type: "invoice",
      id: "invoice_001",
      group_path: null,
    });
  });
});
