import { describe, expect, it } from "vitest";
import { decide } from "./decide.ts";
import { DENY_CODES, type DenyCode, REASONS } from "./deny-codes.ts";
import { GROUPS, NOW, baseContext, candidate, targetIn } from "./test-fixtures.ts";
import type { DecisionContext } from "./types.ts";

type Mutation = (ctx: DecisionContext) => void;

describe("decide — Finance Reviewer demo (AZ-1..4)", () => {
  it("AZ-1 allows Alice on invoice_001 (finance.apac) through group_tree on finance", () => {
    const d = decide(baseContext());
    expect(d.decision).toBe("allow");
    expect(d.deny_code).toBeNull();
    expect(d.reason).toBe("at least one matching permission grant covers the target resource");
  });

  it("AZ-2 denies invoice_002 (legal.emea) with SCOPE_OUT_OF_BOUNDS", () => {
    const ctx = targetIn(baseContext(), GROUPS.legalEmea);
    ctx.request.resource_id = "invoice_002";
    ctx.target.resource!.id = "invoice_002";
    const d = decide(ctx);
    expect([d.decision, d.deny_code, d.reason]).toEqual([
      "deny",
      "SCOPE_OUT_OF_BOUNDS",
      "matching permission grants do not cover the target resource scope",
    ]);
  });

  it("AZ-3 allows Bob through the shared Member and audits Bob as the user", () => {
    const ctx = baseContext();
    ctx.request.actor.user_id = "user_bob";
    ctx.request.actor.user_member_id = "um_bob_finance_reviewer";
    ctx.actor.user = { id: "user_bob", email: "bob@example.com", status: "active" };
    ctx.actor.user_member = {
      ...ctx.actor.user_member!,
      id: "um_bob_finance_reviewer",
      user_id: "user_bob",
    };
    const d = decide(ctx);
    expect(d.decision).toBe("allow");
    expect(d.audit.actor_user_id).toBe("user_bob");
    expect(d.audit.actor_member_id).toBe("member_finance_reviewer");
    expect(d.actor.user?.id).toBe("user_bob");
  });

  it("AZ-4 denies a revoked binding with USER_MEMBER_REVOKED", () => {
    const ctx = baseContext();
    ctx.actor.user_member!.status = "revoked";
    expect(decide(ctx).deny_code).toBe("USER_MEMBER_REVOKED");
  });
});

describe("decide — every deny code", () => {
  const cases: Array<[DenyCode, string, Mutation]> = [
    [
      "ACTOR_NOT_FOUND",
      REASONS.ACTOR_NOT_FOUND,
      (c) => {
        c.actor.user_member = null;
      },
    ],
    [
      "ACTOR_USER_INACTIVE",
      "actor User is not active",
      (c) => {
        c.actor.user!.status = "disabled";
      },
    ],
    [
      "ACTOR_MEMBER_INACTIVE",
      "actor Member is not active",
      (c) => {
        c.actor.member!.status = "disabled";
      },
    ],
    [
      "SPACE_INACTIVE",
      "active Space is not active",
      (c) => {
        c.actor.space!.status = "disabled";
      },
    ],
    [
      "USER_MEMBER_REVOKED",
      "UserMember binding is not active",
      (c) => {
        c.actor.user_member!.status = "revoked";
      },
    ],
    [
      "USER_MEMBER_EXPIRED",
      "UserMember binding has expired",
      (c) => {
        c.actor.user_member!.expires_at = "2025-05-31T00:00:00Z";
      },
    ],
    [
      "INVALID_RESOURCE_TYPE",
      "resource type is not registered",
      (c) => {
        c.registry.resource_type = null;
      },
    ],
    [
      "INVALID_RESOURCE_ACTION",
      "resource action is not registered for the resource type",
      (c) => {
        c.registry.action = null;
      },
    ],
    [
      "RESOURCE_NOT_FOUND",
      REASONS.RESOURCE_NOT_FOUND,
      (c) => {
        c.target.resource = null;
      },
    ],
    [
      "CROSS_SPACE_VIOLATION",
      "actor context, grants, and target resource must belong to the same Space",
      (c) => {
        c.target.resource!.space_id = "space_other";
      },
    ],
    [
      "NO_MATCHING_PERMISSION",
      "no permission grant matched the requested resource and action",
      (c) => {
        c.candidates = null;
      },
    ],
    [
      "SCOPE_ANCHOR_MISSING",
      REASONS.SCOPE_DENY,
      (c) => {
        c.candidates = [candidate("group_tree", null)];
      },
    ],
    ["TARGET_GROUP_MISSING", REASONS.SCOPE_DENY, (c) => void targetIn(c, null)],
    ["SCOPE_OUT_OF_BOUNDS", REASONS.SCOPE_DENY, (c) => void targetIn(c, GROUPS.financeops)],
    [
      "GLOBAL_SCOPE_DISABLED",
      REASONS.SCOPE_DENY,
      (c) => {
        c.candidates = [candidate("global")];
      },
    ],
  ];

  it("covers all 15 codes", () => {
    expect(new Set(cases.map(([code]) => code))).toEqual(new Set(DENY_CODES));
    expect(DENY_CODES).toHaveLength(15);
  });

  it.each(cases)("%s", (code, reason, mutate) => {
    const ctx = baseContext();
    mutate(ctx);
    const d = decide(ctx);
    expect(d.decision).toBe("deny");
    expect(d.deny_code).toBe(code);
    expect(d.reason).toBe(reason);
    expect(d.audit.decision).toBe("deny");
    expect(d.audit.deny_code).toBe(code);
  });

  it.each([
    [
      "user",
      (c: DecisionContext) => {
        c.actor.user = null;
      },
    ],
    [
      "member",
      (c: DecisionContext) => {
        c.actor.member = null;
      },
    ],
    [
      "space",
      (c: DecisionContext) => {
        c.actor.space = null;
      },
    ],
  ])("ACTOR_NOT_FOUND when the %s is missing, audited with the requested ids", (_name, mutate) => {
    const ctx = baseContext();
    mutate(ctx);
    const d = decide(ctx);
    expect(d.deny_code).toBe("ACTOR_NOT_FOUND");
    expect(d.audit.actor_user_id).toBe("user_alice");
    expect(d.audit.actor_user_member_id).toBe("um_alice_finance_reviewer");
  });

  it.each([
    ["archived", "RESOURCE_NOT_FOUND", REASONS.RESOURCE_NOT_LIVE],
    ["deleted", "RESOURCE_NOT_FOUND", REASONS.RESOURCE_NOT_LIVE],
    ["disabled", null, REASONS.ALLOW],
    ["active", null, REASONS.ALLOW],
  ])("resource status %s → %s", (status, code, reason) => {
    const ctx = baseContext();
    ctx.target.resource!.status = status;
    const d = decide(ctx);
    expect(d.deny_code).toBe(code);
    expect(d.reason).toBe(reason);
  });

  it("RESOURCE_NOT_FOUND when the target is a different resource than requested", () => {
    const wrongType = baseContext();
    wrongType.target.resource!.type = "contract";
    expect(decide(wrongType).deny_code).toBe("RESOURCE_NOT_FOUND");
    const wrongId = baseContext();
    wrongId.request.resource_id = "invoice_999";
    expect(decide(wrongId).deny_code).toBe("RESOURCE_NOT_FOUND");
    const byExternalId = baseContext();
    byExternalId.request.resource_id = "INV-001";
    expect(decide(byExternalId).decision).toBe("allow");
  });
});

describe("decide — registry", () => {
  it("a registry type with another key is a miss", () => {
    const ctx = baseContext();
    ctx.registry.resource_type!.key = "contract";
    expect(decide(ctx).deny_code).toBe("INVALID_RESOURCE_TYPE");
  });

  it("an action of another type or key is a miss", () => {
    const ctx = baseContext();
    ctx.registry.action!.resource_type_id = "rt_contract";
    expect(decide(ctx).deny_code).toBe("INVALID_RESOURCE_ACTION");
    const ctx2 = baseContext();
    ctx2.registry.action!.key = "reject";
    expect(decide(ctx2).deny_code).toBe("INVALID_RESOURCE_ACTION");
  });

  it("type wins over action when both are missing", () => {
    const ctx = baseContext();
    ctx.registry.resource_type = null;
    ctx.registry.action = null;
    expect(decide(ctx).deny_code).toBe("INVALID_RESOURCE_TYPE");
  });

  it("a missing mapping alone is not a registry miss", () => {
    const ctx = baseContext();
    ctx.registry.mapping = null;
    const d = decide(ctx);
    expect(d.decision).toBe("allow");
    expect(d.resource_registry.mapping).toBeNull();
  });

  it("on a registry miss no candidates are reported", () => {
    const ctx = baseContext();
    ctx.registry.action = null;
    expect(decide(ctx).matched_candidates).toBeNull();
  });
});

describe("decide — precedence", () => {
  const cases: Array<[string, DenyCode, Mutation[]]> = [
    [
      "actor not found before actor state",
      "ACTOR_NOT_FOUND",
      [
        (c) => {
          c.actor.space = null;
        },
        (c) => {
          c.actor.user!.status = "disabled";
        },
      ],
    ],
    [
      "user before member",
      "ACTOR_USER_INACTIVE",
      [
        (c) => {
          c.actor.member!.status = "disabled";
        },
        (c) => {
          c.actor.user!.status = "disabled";
        },
      ],
    ],
    [
      "member before space",
      "ACTOR_MEMBER_INACTIVE",
      [
        (c) => {
          c.actor.space!.status = "disabled";
        },
        (c) => {
          c.actor.member!.status = "disabled";
        },
      ],
    ],
    [
      "space before binding revoked",
      "SPACE_INACTIVE",
      [
        (c) => {
          c.actor.user_member!.status = "revoked";
        },
        (c) => {
          c.actor.space!.status = "disabled";
        },
      ],
    ],
    [
      "revoked before expired",
      "USER_MEMBER_REVOKED",
      [
        (c) => {
          c.actor.user_member!.expires_at = "2020-01-01T00:00:00Z";
        },
        (c) => {
          c.actor.user_member!.status = "revoked";
        },
      ],
    ],
    [
      "actor state before unknown resource type",
      "ACTOR_USER_INACTIVE",
      [
        (c) => {
          c.registry.resource_type = null;
        },
        (c) => {
          c.actor.user!.status = "disabled";
        },
      ],
    ],
    [
      "expired binding before unknown action",
      "USER_MEMBER_EXPIRED",
      [
        (c) => {
          c.registry.action = null;
        },
        (c) => {
          c.actor.user_member!.expires_at = "2020-01-01T00:00:00Z";
        },
      ],
    ],
    [
      "registry before missing resource",
      "INVALID_RESOURCE_ACTION",
      [
        (c) => {
          c.target.resource = null;
        },
        (c) => {
          c.registry.action = null;
        },
      ],
    ],
    [
      "missing resource before cross-space",
      "RESOURCE_NOT_FOUND",
      [
        (c) => {
          c.actor.member!.space_id = "space_other";
        },
        (c) => {
          c.target.resource!.status = "archived";
        },
      ],
    ],
    [
      "cross-space before no candidates",
      "CROSS_SPACE_VIOLATION",
      [
        (c) => {
          c.candidates = [];
        },
        (c) => {
          c.actor.user_member!.space_id = "space_other";
        },
      ],
    ],
    [
      "cross-space before a scope deny",
      "CROSS_SPACE_VIOLATION",
      [
        (c) => {
          c.candidates = [candidate("global")];
        },
        (c) => {
          c.target.group!.space_id = "space_x";
        },
      ],
    ],
  ];
  it.each(cases)("%s", (_name, expected, mutations) => {
    const ctx = baseContext();
    for (const m of mutations) m(ctx);
    expect(decide(ctx).deny_code).toBe(expected);
  });
});

describe("decide — binding expiry uses the injected clock", () => {
  it.each([
    ["null", null, "allow"],
    ["one hour ahead", "2025-06-01T13:00:00.000Z", "allow"],
    ["exactly now (not strictly before)", "2025-06-01T12:00:00.000Z", "allow"],
    ["one millisecond before now", "2025-06-01T11:59:59.999Z", "deny"],
    ["last year", "2024-06-01T12:00:00.000Z", "deny"],
    ["with a zone offset, after now", "2025-06-01T14:00:00+01:00", "allow"],
    ["with a zone offset, before now", "2025-06-01T12:30:00+01:00", "deny"],
    ["unparseable (fail closed)", "not a date", "deny"],
  ])("expires_at %s → %s", (_name, expiresAt, expected) => {
    const ctx = baseContext();
    ctx.actor.user_member!.expires_at = expiresAt;
    const d = decide(ctx);
    expect(d.decision).toBe(expected);
    if (expected === "deny") expect(d.deny_code).toBe("USER_MEMBER_EXPIRED");
  });

  it("the same binding flips from allow to deny when the clock passes expiry", () => {
    const ctx = baseContext();
    ctx.actor.user_member!.expires_at = "2025-06-01T12:00:01.000Z";
    expect(decide(ctx).decision).toBe("allow");
    ctx.now = new Date("2025-06-01T12:00:01.001Z");
    expect(decide(ctx).deny_code).toBe("USER_MEMBER_EXPIRED");
  });
});

describe("decide — same-Space invariant", () => {
  const rules: Array<[string, Mutation]> = [
    [
      "loaded user id differs from requested",
      (c) => {
        c.request.actor.user_id = "user_mallory";
      },
    ],
    [
      "loaded member id differs",
      (c) => {
        c.actor.member!.id = "member_other";
      },
    ],
    [
      "loaded binding id differs",
      (c) => {
        c.actor.user_member!.id = "um_other";
      },
    ],
    [
      "loaded space id differs",
      (c) => {
        c.actor.space!.id = "space_other";
      },
    ],
    [
      "binding belongs to another user",
      (c) => {
        c.actor.user_member!.user_id = "user_bob";
      },
    ],
    [
      "binding belongs to another member",
      (c) => {
        c.actor.user_member!.member_id = "member_other";
      },
    ],
    [
      "binding in another space",
      (c) => {
        c.actor.user_member!.space_id = "space_other";
      },
    ],
    [
      "member in another space",
      (c) => {
        c.actor.member!.space_id = "space_other";
      },
    ],
    [
      "target resource in another space",
      (c) => {
        c.target.resource!.space_id = "space_other";
      },
    ],
    [
      "target group in another space",
      (c) => {
        c.target.group!.space_id = "space_other";
      },
    ],
    [
      "role in another space",
      (c) => {
        c.candidates![0].role.space_id = "space_other";
      },
    ],
    [
      "member-role grant in another space",
      (c) => {
        c.candidates![0].member_role_space_id = "space_other";
      },
    ],
    [
      "anchor group in another space",
      (c) => {
        c.candidates![0].scope_anchor!.space_id = "space_other";
      },
    ],
    [
      "a second, covering-irrelevant candidate in another space",
      (c) => {
        c.candidates = [
          candidate("group_tree", GROUPS.finance),
          { ...candidate("space"), member_role_space_id: "space_x" },
        ];
      },
    ],
  ];
  it.each(rules)("%s → CROSS_SPACE_VIOLATION", (_name, mutate) => {
    const ctx = baseContext();
    mutate(ctx);
    const d = decide(ctx);
    expect(d.deny_code).toBe("CROSS_SPACE_VIOLATION");
  });

  it("the untouched context satisfies the invariant", () => {
    expect(decide(baseContext()).decision).toBe("allow");
  });
});

describe("decide — candidates", () => {
  it("AZ-8 union: one covering candidate among several allows, and all are traced with their checks", () => {
    const ctx = baseContext();
    ctx.candidates = [
      candidate("group", GROUPS.finance, "a_exact"),
      candidate("self", null, "b_owner"),
      candidate("group_tree", GROUPS.finance, "c_tree"),
      candidate("global", null, "d_global"),
    ];
    const d = decide(ctx);
    expect(d.decision).toBe("allow");
    expect(
      d.matched_candidates?.map((c) => [c.role.key, c.scope_check.covered, c.scope_check.deny_code]),
    ).toEqual([
      ["a_exact", false, "SCOPE_OUT_OF_BOUNDS"],
      ["b_owner", false, "SCOPE_OUT_OF_BOUNDS"],
      ["c_tree", true, undefined],
      ["d_global", false, "GLOBAL_SCOPE_DISABLED"],
    ]);
  });

  it.each([
    [["global", "group_tree:none"], "GLOBAL_SCOPE_DISABLED"],
    [["group_tree:none", "global"], "SCOPE_ANCHOR_MISSING"],
    [["self", "global", "group_tree:none"], "SCOPE_OUT_OF_BOUNDS"],
    [["weird", "global"], "SCOPE_OUT_OF_BOUNDS"],
  ])("first candidate's deny code wins: %j → %s", (scopes, expected) => {
    const ctx = baseContext();
    ctx.candidates = scopes.map((s, i) =>
      s === "group_tree:none" ? candidate("group_tree", null, `r${i}`) : candidate(s, null, `r${i}`),
    );
    const d = decide(ctx);
    expect(d.deny_code).toBe(expected);
    expect(d.matched_candidates).toHaveLength(scopes.length);
  });

  it("every candidate keeps its scope check on an actor-state deny", () => {
    const ctx = baseContext();
    ctx.actor.user!.status = "disabled";
    ctx.candidates = [candidate("group_tree", GROUPS.finance), candidate("self")];
    const d = decide(ctx);
    expect(d.deny_code).toBe("ACTOR_USER_INACTIVE");
    expect(d.matched_candidates?.map((c) => c.scope_check.covered)).toEqual([true, false]);
  });

  it("AZ-17 candidates for another resource or action are ignored", () => {
    const ctx = baseContext();
    const other = candidate("space");
    other.permission.action = "read";
    const otherType = candidate("space");
    otherType.permission.resource = "contract";
    ctx.candidates = [other, otherType];
    const d = decide(ctx);
    expect(d.deny_code).toBe("NO_MATCHING_PERMISSION");
    expect(d.matched_candidates).toEqual([]);
  });

  it("null candidates are reported as null, an empty list as []", () => {
    const none = baseContext();
    none.candidates = null;
    expect(decide(none).matched_candidates).toBeNull();
    const empty = baseContext();
    empty.candidates = [];
    expect(decide(empty).matched_candidates).toEqual([]);
    expect(decide(empty).deny_code).toBe("NO_MATCHING_PERMISSION");
  });

  it.each([
    ["AZ-12 group covers the exact anchor", "group", GROUPS.financeApac, GROUPS.financeApac, "allow"],
    ["AZ-12 group does not cover a child", "group", GROUPS.finance, GROUPS.financeApac, "deny"],
    ["AZ-11 group_tree covers finance itself", "group_tree", GROUPS.finance, GROUPS.finance, "allow"],
    ["AZ-11 group_tree covers finance.apac", "group_tree", GROUPS.finance, GROUPS.financeApac, "allow"],
    ["AZ-11 group_tree does not cover financeops", "group_tree", GROUPS.finance, GROUPS.financeops, "deny"],
    ["AZ-11 group_tree does not cover finance-old", "group_tree", GROUPS.finance, GROUPS.financeOld, "deny"],
    ["space covers any resource of the Space (AZ-14)", "space", null, GROUPS.legalEmea, "allow"],
  ])("%s", (_name, scope, anchor, target, expected) => {
    const ctx = targetIn(baseContext(), target);
    ctx.candidates = [candidate(scope, anchor)];
    expect(decide(ctx).decision).toBe(expected);
  });

  it.each([
    ["member_finance_reviewer", "allow"],
    ["member_someone_else", "deny"],
    [null, "deny"],
  ])("AZ-13 self with owner %s → %s", (owner, expected) => {
    const ctx = baseContext();
    ctx.target.resource!.owner_member_id = owner;
    ctx.candidates = [candidate("self")];
    expect(decide(ctx).decision).toBe(expected);
  });
});

describe("decide — trace", () => {
  it("is a complete v1.0 trace with copied snapshots and the audit block", () => {
    const d = decide(baseContext());
    expect(d).toEqual({
      trace_version: "1.0",
      trace_id: "trace_test_1",
      decision: "allow",
      deny_code: null,
      actor: {
        user: { id: "user_alice", email: "alice@example.com", status: "active" },
        member: {
          id: "member_finance_reviewer",
          space_id: "space_acme",
          display_name: "Finance Reviewer",
          status: "active",
        },
        user_member: {
          id: "um_alice_finance_reviewer",
          user_id: "user_alice",
          member_id: "member_finance_reviewer",
          space_id: "space_acme",
          relation_type: "login",
          status: "active",
          is_primary: true,
          expires_at: null,
        },
        space: { id: "space_acme", name: "Acme", status: "active" },
      },
      space: { id: "space_acme", name: "Acme", status: "active" },
      target: {
        resource: {
          id: "invoice_001",
          external_id: "INV-001",
          type: "invoice",
          space_id: "space_acme",
          group_id: "group_finance_apac",
          group_path: "finance.apac",
          owner_member_id: "member_ap_clerk",
          display_name: "Invoice 001",
          visibility: "private",
          status: "active",
          metadata: { amount: 1200 },
        },
        group: { id: "group_finance_apac", space_id: "space_acme", path: "finance.apac", status: "active" },
      },
      resource_registry: {
        // empty metadata is omitted, like every other empty optional field
        resource_type: {
          id: "rt_invoice",
          key: "invoice",
          display_name: "Invoice",
          description: "Accounts payable invoice",
          status: "active",
          source: "core",
        },
        action: {
          id: "ra_invoice_approve",
          resource_type_id: "rt_invoice",
          key: "approve",
          display_name: "Approve invoice",
          risk_level: "high",
          audit_default: true,
        },
        mapping: {
          id: "rm_invoice",
          resource_type_id: "rt_invoice",
          storage_kind: "internal_table",
          table_name: "resources",
          id_field: "id",
          space_field: "space_id",
          group_field: "group_id",
          owner_member_field: "owner_member_id",
          visibility_field: "visibility",
          metadata_field: "metadata",
          status: "active",
        },
      },
      matched_candidates: [
        {
          role: { id: "role_finance_reviewer", key: "finance_reviewer", space_id: "space_acme" },
          permission: {
            id: "perm_invoice_approve_group_tree",
            resource: "invoice",
            action: "approve",
            scope: "group_tree",
          },
          scope_anchor: { id: "group_finance", space_id: "space_acme", path: "finance", status: "active" },
          scope_check: {
            covered: true,
            rule: "target_path = anchor_path OR target_path LIKE anchor_path || '.%'",
            reason: "target group finance.apac is inside anchor group finance.",
          },
          member_role_space_id: "space_acme",
        },
      ],
      request: { request_id: "req_test_1", ip: "203.0.113.7", user_agent: "vitest" },
      reason: "at least one matching permission grant covers the target resource",
      audit: {
        audit_log_id: "audit_test_1",
        actor_user_id: "user_alice",
        actor_member_id: "member_finance_reviewer",
        actor_user_member_id: "um_alice_finance_reviewer",
        space_id: "space_acme",
        action: "invoice.approve",
        resource_type: "invoice",
        resource_id: "invoice_001",
        decision: "allow",
        deny_code: null,
        request_id: "req_test_1",
      },
    });
  });

  it("survives JSON round trip unchanged (storable as the audit trace)", () => {
    const d = decide(baseContext());
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it("does not change when the context is mutated afterwards", () => {
    const ctx = baseContext();
    const d = decide(ctx);
    const before = JSON.stringify(d);
    ctx.actor.user!.status = "disabled";
    ctx.actor.space!.name = "Renamed";
    ctx.target.resource!.group_path = "legal";
    ctx.target.group!.path = "legal";
    ctx.candidates![0].scope_anchor!.path = "legal";
    ctx.candidates![0].role.key = "renamed";
    ctx.registry.resource_type!.display_name = "Renamed";
    expect(JSON.stringify(d)).toBe(before);
  });

  it("copies only documented fields (extra loader columns never reach the trace)", () => {
    const ctx = baseContext();
    Object.assign(ctx.actor.user!, { password_hash: "$argon2id$secret" });
    Object.assign(ctx.target.resource!, { deleted_at: null, internal_note: "x" });
    const json = JSON.stringify(decide(ctx));
    expect(json).not.toContain("password_hash");
    expect(json).not.toContain("internal_note");
  });

  it("omits empty optional fields and request metadata", () => {
    const ctx = baseContext();
    ctx.request.request_id = undefined;
    ctx.request.ip = null;
    ctx.request.user_agent = "";
    ctx.target.resource = {
      id: "invoice_001",
      type: "invoice",
      space_id: "space_acme",
      group_id: null,
      owner_member_id: null,
      metadata: {},
    };
    ctx.target.group = null;
    ctx.candidates = [candidate("space")];
    const d = decide(ctx);
    expect(d.request).toEqual({});
    expect(d.audit.request_id).toBeNull();
    expect(Object.keys(d.target.resource!)).toEqual([
      "id",
      "type",
      "space_id",
      "group_id",
      "owner_member_id",
    ]);
  });

  it("fills group_path from the attached group when the loader did not", () => {
    const ctx = baseContext();
    ctx.target.resource!.group_path = undefined;
    expect(decide(ctx).target.resource?.group_path).toBe("finance.apac");
  });

  it("denies keep the full trace: snapshots, candidates with checks, audit", () => {
    const ctx = targetIn(baseContext(), GROUPS.legalEmea);
    const d = decide(ctx);
    expect(d.trace_version).toBe("1.0");
    expect(d.actor.user?.id).toBe("user_alice");
    expect(d.space?.id).toBe("space_acme");
    expect(d.target.group?.path).toBe("legal.emea");
    expect(d.matched_candidates?.[0].scope_check).toEqual({
      covered: false,
      rule: "target_path = anchor_path OR target_path LIKE anchor_path || '.%'",
      reason: "target group legal.emea is outside anchor group finance.",
      deny_code: "SCOPE_OUT_OF_BOUNDS",
    });
    expect(d.audit).toMatchObject({
      decision: "deny",
      deny_code: "SCOPE_OUT_OF_BOUNDS",
      action: "invoice.approve",
    });
  });

  it("is deterministic: the same context gives the same decision", () => {
    const ctx = baseContext();
    expect(decide(ctx)).toEqual(decide(ctx));
    expect(NOW.toISOString()).toBe("2025-06-01T12:00:00.000Z");
  });
});
