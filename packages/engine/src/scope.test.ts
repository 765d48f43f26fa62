import { describe, expect, it } from "vitest";
import { SCOPES, SCOPE_RULES, checkScope, isGroupTreeCovered, isScope } from "./scope.ts";
import { GROUPS } from "./test-fixtures.ts";
import type { GroupSnap, ResourceSnap } from "./types.ts";

describe("isGroupTreeCovered", () => {
  it.each([
    ["finance", "finance", true],
    ["finance", "finance.apac", true],
    ["finance", "finance.apac.sg", true],
    ["finance.apac", "finance.apac.sg", true],
    ["finance", "financeops", false],
    ["finance", "finance-old", false],
    ["finance", "finance_", false],
    ["finance", "legal", false],
    ["finance", "legal.finance", false],
    ["finance.apac", "finance", false],
    ["finance.apac", "finance.apacx", false],
    ["finance", "fin", false],
    ["", "finance", false],
    ["finance", "", false],
    ["", "", false],
  ])("anchor %j covers target %j → %s", (anchor, target, expected) => {
    expect(isGroupTreeCovered(anchor, target)).toBe(expected);
  });
});

describe("SCOPES", () => {
  it("lists the five v1.0 scopes", () => {
    expect([...SCOPES]).toEqual(["self", "group", "group_tree", "space", "global"]);
    expect(isScope("group_tree")).toBe(true);
    expect(isScope("tree")).toBe(false);
  });
});

describe("checkScope", () => {
  const resourceIn = (group: GroupSnap | null, owner: string | null = "member_me", space = "space_acme") =>
    ({
      id: "r1",
      type: "invoice",
      space_id: space,
      group_id: group?.id ?? null,
      owner_member_id: owner,
    }) satisfies ResourceSnap;

  type Row = {
    name: string;
    scope: string;
    anchor: GroupSnap | null;
    group: GroupSnap | null;
    resource?: ResourceSnap | null;
    covered: boolean;
    rule: string;
    reason: string;
    deny_code?: string;
  };
  const rows: Row[] = [
    {
      name: "self, owner is the actor member",
      scope: "self",
      anchor: null,
      group: null,
      resource: resourceIn(null, "member_me"),
      covered: true,
      rule: SCOPE_RULES.self,
      reason: "target resource is owned by the active Member identity.",
    },
    {
      name: "self, owner is someone else",
      scope: "self",
      anchor: null,
      group: null,
      resource: resourceIn(null, "member_other"),
      covered: false,
      rule: SCOPE_RULES.self,
      reason: "target resource is not owned by the active Member identity.",
      deny_code: "SCOPE_OUT_OF_BOUNDS",
    },
    {
      name: "self, resource without owner",
      scope: "self",
      anchor: null,
      group: null,
      resource: resourceIn(null, null),
      covered: false,
      rule: SCOPE_RULES.self,
      reason: "target resource is not owned by the active Member identity.",
      deny_code: "SCOPE_OUT_OF_BOUNDS",
    },
    {
      name: "space, same space",
      scope: "space",
      anchor: null,
      group: null,
      covered: true,
      rule: SCOPE_RULES.space,
      reason: "target resource belongs to the active Space.",
    },
    {
      name: "space, other space",
      scope: "space",
      anchor: null,
      group: null,
      resource: resourceIn(null, null, "space_other"),
      covered: false,
      rule: SCOPE_RULES.space,
      reason: "target resource does not belong to the active Space.",
      deny_code: "SCOPE_OUT_OF_BOUNDS",
    },
    {
      name: "group, exact group",
      scope: "group",
      anchor: GROUPS.finance,
      group: GROUPS.finance,
      covered: true,
      rule: SCOPE_RULES.group,
      reason: "target group finance matches anchor group finance.",
    },
    {
      name: "group, child group is not covered",
      scope: "group",
      anchor: GROUPS.finance,
      group: GROUPS.financeApac,
      covered: false,
      rule: SCOPE_RULES.group,
      reason: "target group finance.apac does not match anchor group finance.",
      deny_code: "SCOPE_OUT_OF_BOUNDS",
    },
    {
      name: "group, parent group is not covered",
      scope: "group",
      anchor: GROUPS.financeApac,
      group: GROUPS.finance,
      covered: false,
      rule: SCOPE_RULES.group,
      reason: "target group finance does not match anchor group finance.apac.",
      deny_code: "SCOPE_OUT_OF_BOUNDS",
    },
    {
      name: "group_tree, same group",
      scope: "group_tree",
      anchor: GROUPS.finance,
      group: GROUPS.finance,
      covered: true,
      rule: SCOPE_RULES.group_tree,
      reason: "target group finance is inside anchor group finance.",
    },
    {
      name: "group_tree, descendant",
      scope: "group_tree",
      anchor: GROUPS.finance,
      group: GROUPS.financeApacSg,
      covered: true,
      rule: SCOPE_RULES.group_tree,
      reason: "target group finance.apac.sg is inside anchor group finance.",
    },
    {
      name: "group_tree, financeops is not under finance",
      scope: "group_tree",
      anchor: GROUPS.finance,
      group: GROUPS.financeops,
      covered: false,
      rule: SCOPE_RULES.group_tree,
      reason: "target group financeops is outside anchor group finance.",
      deny_code: "SCOPE_OUT_OF_BOUNDS",
    },
    {
      name: "group_tree, finance-old is not under finance",
      scope: "group_tree",
      anchor: GROUPS.finance,
      group: GROUPS.financeOld,
      covered: false,
      rule: SCOPE_RULES.group_tree,
      reason: "target group finance-old is outside anchor group finance.",
      deny_code: "SCOPE_OUT_OF_BOUNDS",
    },
    {
      name: "group_tree, unrelated tree",
      scope: "group_tree",
      anchor: GROUPS.finance,
      group: GROUPS.legalEmea,
      covered: false,
      rule: SCOPE_RULES.group_tree,
      reason: "target group legal.emea is outside anchor group finance.",
      deny_code: "SCOPE_OUT_OF_BOUNDS",
    },
    {
      name: "group without anchor (anchor checked before target group)",
      scope: "group",
      anchor: null,
      group: null,
      covered: false,
      rule: SCOPE_RULES.anchor_missing,
      reason: "group scope requires a scope anchor group.",
      deny_code: "SCOPE_ANCHOR_MISSING",
    },
    {
      name: "group_tree without anchor",
      scope: "group_tree",
      anchor: null,
      group: GROUPS.finance,
      covered: false,
      rule: SCOPE_RULES.anchor_missing,
      reason: "group_tree scope requires a scope anchor group.",
      deny_code: "SCOPE_ANCHOR_MISSING",
    },
    {
      name: "group with anchor, target without group",
      scope: "group",
      anchor: GROUPS.finance,
      group: null,
      covered: false,
      rule: SCOPE_RULES.target_group_missing,
      reason: "target resource has no group.",
      deny_code: "TARGET_GROUP_MISSING",
    },
    {
      name: "group_tree with anchor, target without group",
      scope: "group_tree",
      anchor: GROUPS.finance,
      group: null,
      covered: false,
      rule: SCOPE_RULES.target_group_missing,
      reason: "target resource has no group.",
      deny_code: "TARGET_GROUP_MISSING",
    },
    {
      name: "global never covers",
      scope: "global",
      anchor: null,
      group: GROUPS.finance,
      covered: false,
      rule: "global scope disabled for ordinary Members",
      reason: "global scope is reserved and disabled in v1.0.",
      deny_code: "GLOBAL_SCOPE_DISABLED",
    },
    {
      name: "unknown scope",
      scope: "tenant",
      anchor: GROUPS.finance,
      group: GROUPS.finance,
      covered: false,
      rule: "known permission scope",
      reason: 'unsupported scope "tenant".',
      deny_code: "SCOPE_OUT_OF_BOUNDS",
    },
  ];

  it.each(rows)("$name", (row) => {
    const resource = row.resource === undefined ? resourceIn(row.group) : row.resource;
    const check = checkScope(row.scope, row.anchor, resource, row.group, "member_me", "space_acme");
    const expected: Record<string, unknown> = { covered: row.covered, rule: row.rule, reason: row.reason };
    if (row.deny_code !== undefined) expected.deny_code = row.deny_code;
    expect(check).toEqual(expected);
    // deny_code is absent (not undefined-valued) on a covered check
    expect("deny_code" in check).toBe(!row.covered);
  });

  it("self and space never cover a missing resource", () => {
    expect(checkScope("self", null, null, null, "member_me", "space_acme").covered).toBe(false);
    expect(checkScope("space", null, null, null, "member_me", "space_acme").covered).toBe(false);
  });

  it("group compares group ids, not paths", () => {
    const lookalike = { ...GROUPS.finance, id: "group_other_finance" };
    expect(
      checkScope("group", GROUPS.finance, resourceIn(lookalike), lookalike, "m", "space_acme").covered,
    ).toBe(false);
  });
});
