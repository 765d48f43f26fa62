import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  type InlineCheckInput,
  buildInlineContext,
  buildInlineTarget,
  inlineContextKind,
  inlineToken,
  listInlineScopes,
  syntheticGroupId,
} from "./context-mode.ts";
import { decide } from "./decide.ts";
import { compactExplanation } from "./explanation.ts";
import { NOW, registry } from "./test-fixtures.ts";
import type { DecisionContext } from "./types.ts";

function input(): InlineCheckInput {
  return {
    actor: {
      user_id: "user_ext_42",
      member_id: "member_ext_42",
      binding_id: "binding_ext_42",
      space_id: "space_acme",
    },
    resource_type: "invoice",
    action: "approve",
    resource: {
      external_id: "INV-9001",
      space_id: "space_acme",
      group_path: "finance.apac",
    },
    grants: [
      {
        role_key: "Finance Approver",
        scope: "group_tree",
        scope_anchor_group_path: "finance",
      },
    ],
    registry: registry(),
    request_id: "req_inline",
    ip: "198.51.100.1",
    user_agent: "backend/1.0",
    now: NOW,
    trace_id: "trace_inline",
    audit_log_id: "audit_inline",
  };
}

function build(i: InlineCheckInput): DecisionContext {
  const r = buildInlineContext(i);
  if (!r.ok) throw new Error(`expected ok, got: ${r.reason}`);
  return r.context;
}

describe("buildInlineContext — defaults", () => {
  it("builds actor snapshots with v1.0 defaults", () => {
    const ctx = build(input());
    expect(ctx.request).toEqual({
      actor: {
        user_id: "user_ext_42",
        member_id: "member_ext_42",
        user_member_id: "binding_ext_42",
        space_id: "space_acme",
      },
      resource_type: "invoice",
      resource_id: "INV-9001",
      action: "approve",
      request_id: "req_inline",
      ip: "198.51.100.1",
      user_agent: "backend/1.0",
    });
    expect(ctx.actor).toEqual({
      user: { id: "user_ext_42", email: null, status: "active" },
      member: {
        id: "member_ext_42",
        space_id: "space_acme",
        display_name: "member_ext_42",
        status: "active",
      },
      user_member: {
        id: "binding_ext_42",
        user_id: "user_ext_42",
        member_id: "member_ext_42",
        space_id: "space_acme",
        relation_type: "external",
        status: "active",
        is_primary: true,
        expires_at: null,
      },
      space: { id: "space_acme", name: "space_acme", status: "active" },
    });
    expect([ctx.now, ctx.trace_id, ctx.audit_log_id]).toEqual([NOW, "trace_inline", "audit_inline"]);
  });

  it("uses supplied actor metadata, and blank statuses count as active", () => {
    const i = input();
    i.actor = {
      ...i.actor,
      user_email: "ext@example.com",
      user_status: " ",
      member_display_name: "External Approver",
      member_status: "",
      relation_type: "delegate",
      space_name: "Acme Corp",
      space_status: "active",
    };
    const a = build(i).actor;
    expect(a.user).toEqual({ id: "user_ext_42", email: "ext@example.com", status: "active" });
    expect(a.member?.display_name).toBe("External Approver");
    expect(a.member?.status).toBe("active");
    expect(a.user_member?.relation_type).toBe("delegate");
    expect(a.space?.name).toBe("Acme Corp");
  });

  it("synthesises the target group from group_path and back-fills the resource", () => {
    const t = build(input()).target;
    const id =
      "group_inline_" + createHash("sha1").update("space_acme\0finance.apac").digest("hex").slice(0, 16);
    expect(t.group).toEqual({ id, space_id: "space_acme", path: "finance.apac", status: "active" });
    expect(t.resource).toMatchObject({
      id: "INV-9001",
      external_id: "INV-9001",
      type: "invoice",
      space_id: "space_acme",
      group_id: id,
      group_path: "finance.apac",
      owner_member_id: null,
      status: "active",
    });
  });

  it("uses group_id as path when only the id is given", () => {
    const i = input();
    i.resource = { id: "inv_1", space_id: "space_acme", group_id: "group_finance" };
    const t = build(i).target;
    expect(t.group).toEqual({
      id: "group_finance",
      space_id: "space_acme",
      path: "group_finance",
      status: "active",
    });
    expect(t.resource?.external_id).toBe("inv_1");
  });

  it("synthesises role and permission ids from tokens", () => {
    const c = build(input()).candidates!;
    expect(c).toHaveLength(1);
    expect(c[0].role).toEqual({
      id: "role_inline_finance_approver",
      key: "Finance Approver",
      space_id: "space_acme",
    });
    expect(c[0].permission).toEqual({
      id: "perm_inline_invoice_approve_group_tree",
      resource: "invoice",
      action: "approve",
      scope: "group_tree",
    });
    expect(c[0].scope_anchor).toEqual({
      id: syntheticGroupId("space_acme", "finance"),
      space_id: "space_acme",
      path: "finance",
      status: "active",
    });
    expect(c[0].member_role_space_id).toBe("space_acme");
  });

  it("defaults role key to inline and keeps explicit ids", () => {
    const i = input();
    i.grants = [
      { scope: "space" },
      { scope: "self", role_id: "role_x", role_key: "x", permission_id: "perm_x", space_id: "space_acme" },
    ];
    const c = build(i).candidates!;
    expect(c[0].role).toEqual({ id: "role_inline_inline", key: "inline", space_id: "space_acme" });
    expect(c[0].permission.id).toBe("perm_inline_invoice_approve_space");
    expect(c[1].role.id).toBe("role_x");
    expect(c[1].permission.id).toBe("perm_x");
  });

  it.each([
    ["Finance Approver", "finance_approver"],
    ["__a-b__", "a_b"],
    ["ÄBC", "bc"],
    ["--", "value"],
    ["", "value"],
  ])("inlineToken(%j) = %j", (raw, expected) => {
    expect(inlineToken(raw)).toBe(expected);
  });

  it("drops grants for another resource or action, keeping order of the rest", () => {
    const i = input();
    i.grants = [
      { role_key: "a", scope: "space", action: "read" },
      { role_key: "b", scope: "space" },
      { role_key: "c", scope: "space", resource: "contract" },
      { role_key: "d", scope: "self", action: "approve", resource: "invoice" },
    ];
    const ctx = build(i);
    expect(ctx.candidates!.map((c) => c.role.key)).toEqual(["b", "d"]);
    const d = decide(ctx);
    expect(d.matched_candidates!.map((c) => c.role.key)).toEqual(["b", "d"]);
  });

  it("no grants yields candidates [] (not null)", () => {
    const i = input();
    i.grants = undefined;
    const ctx = build(i);
    expect(ctx.candidates).toEqual([]);
    const d = decide(ctx);
    expect(d.deny_code).toBe("NO_MATCHING_PERMISSION");
    expect(d.matched_candidates).toEqual([]);
  });

  it("takes resource type and id from the resource object when the body omits them", () => {
    const i = input();
    i.resource_type = undefined;
    i.resource = { type: "invoice", id: "inv_7", space_id: "space_acme" };
    const ctx = build(i);
    expect([ctx.request.resource_type, ctx.request.resource_id]).toEqual(["invoice", "inv_7"]);
  });

  it("accepts a body resource_id naming the external id", () => {
    const i = input();
    i.resource_id = "INV-9001";
    i.resource = { id: "res_1", external_id: "INV-9001", space_id: "space_acme", group_path: "finance.apac" };
    const ctx = build(i);
    expect(ctx.target.resource?.id).toBe("res_1");
    expect(decide(ctx).decision).toBe("allow");
  });
});

describe("buildInlineContext — decisions (AZ-24)", () => {
  it("allows the getting-started case", () => {
    const d = decide(build(input()));
    expect(d.decision).toBe("allow");
    expect(d.trace_id).toBe("trace_inline");
    expect(d.audit.audit_log_id).toBe("audit_inline");
    expect(d.audit.actor_user_member_id).toBe("binding_ext_42");
    expect(compactExplanation(d).resource).toEqual({
      type: "invoice",
      id: "INV-9001",
      group_path: "finance.apac",
    });
  });

  it("moving group_path outside the anchor gives SCOPE_OUT_OF_BOUNDS", () => {
    const i = input();
    i.resource = { ...i.resource, group_path: "financeops" };
    expect(decide(build(i)).deny_code).toBe("SCOPE_OUT_OF_BOUNDS");
  });

  it("grants for another action only give NO_MATCHING_PERMISSION", () => {
    const i = input();
    i.grants = [{ scope: "space", action: "read" }];
    expect(decide(build(i)).deny_code).toBe("NO_MATCHING_PERMISSION");
  });

  it("mismatched Space ids give CROSS_SPACE_VIOLATION", () => {
    const i = input();
    i.resource = { ...i.resource, space_id: "space_other" };
    expect(decide(build(i)).deny_code).toBe("CROSS_SPACE_VIOLATION");
    const j = input();
    j.grants = [{ scope: "space", space_id: "space_other" }];
    expect(decide(build(j)).deny_code).toBe("CROSS_SPACE_VIOLATION");
  });

  it("equal paths give equal synthetic ids, so inline `group` scope works", () => {
    const i = input();
    i.resource = { external_id: "INV-1", space_id: "space_acme", group_path: "finance" };
    i.grants = [{ scope: "group", scope_anchor_group_path: "finance" }];
    expect(decide(build(i)).decision).toBe("allow");
    const child = input();
    child.grants = [{ scope: "group", scope_anchor_group_path: "finance" }];
    expect(decide(build(child)).deny_code).toBe("SCOPE_OUT_OF_BOUNDS");
  });

  it("a path-only anchor does not equal an explicit group id with the same path", () => {
    const i = input();
    i.resource = {
      external_id: "INV-1",
      space_id: "space_acme",
      group_id: "group_finance",
      group_path: "finance",
    };
    i.grants = [{ scope: "group", scope_anchor_group_path: "finance" }];
    expect(decide(build(i)).deny_code).toBe("SCOPE_OUT_OF_BOUNDS");
    // ...while group_tree compares paths and allows
    i.grants = [{ scope: "group_tree", scope_anchor_group_path: "finance" }];
    expect(decide(build(i)).decision).toBe("allow");
  });

  it.each([
    ["global grant", { grants: [{ scope: "global" }] }, "GLOBAL_SCOPE_DISABLED"],
    ["group grant without anchor", { grants: [{ scope: "group" }] }, "SCOPE_ANCHOR_MISSING"],
    [
      "resource without group",
      { resource: { external_id: "I", space_id: "space_acme" } },
      "TARGET_GROUP_MISSING",
    ],
    ["revoked binding", { actor: { ...input().actor, binding_status: "revoked" } }, "USER_MEMBER_REVOKED"],
    ["inactive user", { actor: { ...input().actor, user_status: "disabled" } }, "ACTOR_USER_INACTIVE"],
    ["inactive space", { actor: { ...input().actor, space_status: "disabled" } }, "SPACE_INACTIVE"],
    ["archived resource", { resource: { ...input().resource, status: "archived" } }, "RESOURCE_NOT_FOUND"],
    ["unregistered action", { registry: { ...registry(), action: null } }, "INVALID_RESOURCE_ACTION"],
  ] as Array<[string, Partial<InlineCheckInput>, string]>)("%s → %s", (_name, patch, expected) => {
    expect(decide(build({ ...input(), ...patch })).deny_code).toBe(expected);
  });

  it("self scope compares the inline owner with the inline member", () => {
    const i = input();
    i.resource = { external_id: "I", space_id: "space_acme", owner_member_id: "member_ext_42" };
    i.grants = [{ scope: "self" }];
    expect(decide(build(i)).decision).toBe("allow");
  });
});

describe("buildInlineContext — validation", () => {
  const actor = input().actor!;
  it.each([
    [
      "missing actor",
      { actor: undefined },
      "inline actor requires user_id, member_id, user_member_id or binding_id, and space_id",
    ],
    ["actor without binding", { actor: { ...actor, binding_id: undefined } }, "inline actor requires"],
    ["actor without space", { actor: { ...actor, space_id: "  " } }, "inline actor requires"],
    ["actor without user", { actor: { ...actor, user_id: null } }, "inline actor requires"],
    [
      "binding_id and user_member_id disagree",
      { actor: { ...actor, user_member_id: "um_other" } },
      "inline actor user_member_id and binding_id must be equal",
    ],
    ["missing action", { action: "" }, "action is required"],
    ["no resource type anywhere", { resource_type: undefined }, "resource_type is required"],
    ["no resource", { resource: null }, "inline resource context is required in Context Mode"],
    [
      "resource type mismatch",
      { resource: { ...input().resource, type: "contract" } },
      'inline resource type "contract" does not match requested resource_type "invoice"',
    ],
    [
      "resource id mismatch",
      { resource_id: "INV-1", resource: { ...input().resource, id: "INV-2", external_id: "EXT-2" } },
      'inline resource id "INV-2" does not match requested resource_id "INV-1"',
    ],
    [
      "resource without space",
      { resource: { external_id: "INV-1" } },
      "inline resource requires type, id or external_id, and space_id",
    ],
    [
      "resource without any id",
      { resource: { space_id: "space_acme" } },
      "inline resource requires type, id or external_id, and space_id",
    ],
    [
      "grant without scope",
      { grants: [{ scope: "space" }, { role_key: "x" }] },
      "inline grant 1 requires scope",
    ],
    [
      "grant with unknown scope",
      { grants: [{ scope: "tenant" }] },
      'inline grant 0 has unsupported scope "tenant"',
    ],
    [
      "malformed grant even when it would be dropped",
      { grants: [{ scope: "bogus", action: "read" }] },
      'inline grant 0 has unsupported scope "bogus"',
    ],
  ] as Array<[string, Partial<InlineCheckInput>, string]>)("%s", (_name, patch, reason) => {
    const r = buildInlineContext({ ...input(), ...patch });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it("accepts user_member_id instead of binding_id, and both when equal", () => {
    const i = input();
    i.actor = { ...actor, binding_id: undefined, user_member_id: "um_1" };
    expect(build(i).request.actor.user_member_id).toBe("um_1");
    i.actor = { ...actor, binding_id: "um_1", user_member_id: "um_1" };
    expect(build(i).request.actor.user_member_id).toBe("um_1");
  });

  it("never throws on garbage grants", () => {
    const r = buildInlineContext({ ...input(), grants: [null as never] });
    expect(r).toEqual({ ok: false, reason: "inline grant 0 must be an object" });
  });
});

describe("buildInlineTarget (resource-only / proposed target)", () => {
  it("synthesises the group so group scopes can evaluate", () => {
    const t = buildInlineTarget(
      { type: "invoice", id: "invoice_new", space_id: "space_acme", group_path: "finance.apac" },
      { resource_type: "invoice", resource_id: "invoice_new" },
    );
    expect(t.ok && t.group?.id).toBe(syntheticGroupId("space_acme", "finance.apac"));
  });

  it("synthetic ids differ by Space and by path", () => {
    expect(syntheticGroupId("space_a", "finance")).not.toBe(syntheticGroupId("space_b", "finance"));
    expect(syntheticGroupId("space_a", "finance")).not.toBe(syntheticGroupId("space_a", "finance.apac"));
    expect(syntheticGroupId("space_a", "finance")).toMatch(/^group_inline_[0-9a-f]{16}$/);
  });
});

describe("inlineContextKind", () => {
  it.each([
    [{ action: "approve" }, "none"],
    [{ action: "approve", resource: { type: "invoice", id: "i" } }, "none"],
    [{ action: "approve", resource: { type: "invoice", id: "i", metadata: {} } }, "none"],
    [{ action: "approve", resource: { id: "i", space_id: "s" } }, "resource_only"],
    [{ action: "approve", resource: { id: "i", metadata: { a: 1 } } }, "resource_only"],
    [{ action: "approve", grants: [] }, "none"],
    [{ action: "approve", grants: [{ scope: "space" }] }, "pure"],
    [{ action: "approve", actor: { user_id: "u", member_status: "active" } }, "pure"],
    [{ action: "approve", actor: { user_id: "u", member_id: "m", space_id: "s" } }, "none"],
  ])("%j → %s", (body, expected) => {
    expect(inlineContextKind(body)).toBe(expected);
  });
});

describe("listInlineScopes", () => {
  it("lists actor, target (+ explicit group) and every grant's Space (+ explicit anchor), deduplicated", () => {
    expect(
      listInlineScopes({
        actor: { space_id: "space_acme" },
        resource: { space_id: "space_acme", group_id: "group_finance_apac", group_path: "finance.apac" },
        grants: [
          { scope: "group_tree", scope_anchor_group_id: "group_finance" },
          { scope: "group", scope_anchor_group_path: "finance" },
          { scope: "space", space_id: "space_other", action: "read" },
          { scope: "group_tree", space_id: "space_acme", scope_anchor_group_id: "group_finance" },
        ],
      }),
    ).toEqual([
      { space_id: "space_acme", group_id: null },
      { space_id: "space_acme", group_id: "group_finance_apac" },
      { space_id: "space_acme", group_id: "group_finance" },
      { space_id: "space_other", group_id: null },
    ]);
  });

  it("path-only groups add no group pair; missing spaces are skipped", () => {
    expect(
      listInlineScopes({
        actor: { space_id: "space_acme" },
        resource: { external_id: "x", space_id: "space_b", group_path: "finance" },
      }),
    ).toEqual([
      { space_id: "space_acme", group_id: null },
      { space_id: "space_b", group_id: null },
    ]);
    expect(listInlineScopes({})).toEqual([]);
  });
});
