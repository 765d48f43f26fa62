// Property-based tests (fast-check): invariants of `decide` over generated contexts, each checked
// against an oracle written independently of the engine's own code paths.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide } from "./decide.ts";
import { DENY_CODES } from "./deny-codes.ts";
import { compactExplanation } from "./explanation.ts";
import { isGroupTreeCovered } from "./scope.ts";
import { baseContext, registry } from "./test-fixtures.ts";
import type { Candidate, DecisionContext, GroupSnap } from "./types.ts";

const RUNS = { numRuns: 400, seed: 20261126 } as const;
const ACME = "space_acme";
const OTHER = "space_other";
const ME = "member_finance_reviewer";

// Path segments chosen to collide: prefixes of each other (finance / financeops / fin), and the
// characters SQL LIKE treats specially (`_`, `%`), which must never act as wildcards.
const segment = fc.constantFrom("finance", "financeops", "fin", "apac", "a", "_", "%", "fin_nce", "f%", "-");
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join("."));

/** The oracle: the target's segments begin with all of the anchor's segments. */
function pathCovers(anchor: string, target: string): boolean {
  const a = anchor.split(".");
  const t = target.split(".");
  return t.length >= a.length && a.every((s, i) => s === t[i]);
}

/** A target path related to the anchor: itself, a descendant, a sibling-by-prefix, or unrelated. */
const anchorAndTarget = path.chain((anchor) =>
  fc.tuple(
    fc.constant(anchor),
    fc.oneof(
      fc.constant(anchor),
      path.map((rest) => `${anchor}.${rest}`),
      fc.constantFrom("ops", "_", "%", "x").map((suffix) => `${anchor}${suffix}`),
      path,
    ),
  ),
);

const group = (id: string, p: string, space = ACME, status = "active"): GroupSnap => ({
  id,
  space_id: space,
  path: p,
  status,
});

describe("group_tree covers exactly the anchor and its descendants", () => {
  it("isGroupTreeCovered agrees with the segment oracle (finance vs financeops, _ and %)", () => {
    fc.assert(
      fc.property(anchorAndTarget, ([anchor, target]) => {
        expect(isGroupTreeCovered(anchor, target)).toBe(pathCovers(anchor, target));
      }),
      { ...RUNS, numRuns: 2000 },
    );
  });

  it("a lone group_tree grant allows exactly when the target's Group is in the anchor's subtree", () => {
    fc.assert(
      fc.property(anchorAndTarget, ([anchorPath, targetPath]) => {
        const ctx = baseContext();
        const anchor = group("group_anchor", anchorPath);
        const target = group(anchorPath === targetPath ? "group_anchor" : "group_target", targetPath);
        ctx.target.group = target;
        ctx.target.resource = { ...ctx.target.resource!, group_id: target.id, group_path: target.path };
        ctx.candidates = [candidate("group_tree", anchor)];
        const d = decide(ctx);
        expect(d.decision === "allow").toBe(pathCovers(anchorPath, targetPath));
        if (d.decision === "deny") expect(d.deny_code).toBe("SCOPE_OUT_OF_BOUNDS");
      }),
      RUNS,
    );
  });
});

describe("self covers only the owner", () => {
  it("a lone self grant allows exactly when the resource's owner is the acting Member", () => {
    fc.assert(
      fc.property(fc.option(fc.constantFrom(ME, "member_other", "", `${ME} `, ME.toUpperCase())), (owner) => {
        const ctx = baseContext();
        ctx.target.resource = { ...ctx.target.resource!, owner_member_id: owner };
        ctx.candidates = [candidate("self", null)];
        const d = decide(ctx);
        expect(d.decision === "allow").toBe(owner === ME);
      }),
      RUNS,
    );
  });
});

function candidate(
  scope: string,
  anchor: GroupSnap | null,
  over: { resource?: string; action?: string; space?: string } = {},
): Candidate {
  const space = over.space ?? ACME;
  return {
    role: { id: "role_x", key: "role_x", space_id: space },
    permission: {
      id: `perm_${scope}`,
      resource: over.resource ?? "invoice",
      action: over.action ?? "approve",
      scope,
    },
    scope_anchor: anchor,
    member_role_space_id: space,
  };
}

// A whole decision context with every input the engine reads drawn at random, biased towards valid
// values so that allows are common enough to say something.
const status = fc.constantFrom("active", "active", "active", "disabled");
const space = fc.constantFrom(ACME, ACME, ACME, OTHER);
const groups = [
  group("g_fin", "finance"),
  group("g_fin_apac", "finance.apac"),
  group("g_finops", "financeops"),
  group("g_us", "fin_nce"),
  group("g_other", "finance", OTHER),
];
const someGroup = fc.constantFrom(...groups);
const arbCandidate = fc.record({
  scope: fc.constantFrom("self", "group", "group_tree", "space", "global", "tenant"),
  anchor: fc.option(someGroup, { freq: 4 }),
  resource: fc.constantFrom("invoice", "invoice", "invoice", "contract"),
  action: fc.constantFrom("approve", "approve", "approve", "read"),
  space,
});
const arbContext = fc
  .record({
    userStatus: status,
    memberStatus: status,
    spaceStatus: status,
    bindingStatus: fc.constantFrom("active", "active", "active", "revoked", "disabled"),
    expiresAt: fc.constantFrom(null, null, "2099-01-01T00:00:00Z", "2000-01-01T00:00:00Z", "garbage"),
    missingActor: fc.constantFrom(false, false, false, false, true),
    registryOk: fc.constantFrom(true, true, true, false),
    resourceStatus: fc.constantFrom("active", "active", "active", "archived", "deleted"),
    resourceSpace: space,
    targetGroup: fc.option(someGroup, { freq: 5 }),
    owner: fc.option(fc.constantFrom(ME, "member_other")),
    candidates: fc.option(fc.array(arbCandidate, { maxLength: 4 }), { freq: 10 }),
  })
  .map((g): DecisionContext => {
    const ctx = baseContext();
    ctx.actor.user!.status = g.userStatus;
    ctx.actor.member!.status = g.memberStatus;
    ctx.actor.space!.status = g.spaceStatus;
    ctx.actor.user_member!.status = g.bindingStatus;
    ctx.actor.user_member!.expires_at = g.expiresAt;
    if (g.missingActor) ctx.actor.member = null;
    if (!g.registryOk) ctx.registry = { ...registry(), action: null };
    ctx.target.group = g.targetGroup;
    ctx.target.resource = {
      ...ctx.target.resource!,
      status: g.resourceStatus,
      space_id: g.resourceSpace,
      group_id: g.targetGroup?.id ?? null,
      group_path: g.targetGroup?.path ?? null,
      owner_member_id: g.owner,
    };
    ctx.candidates =
      g.candidates === null
        ? null
        : g.candidates.map((c) =>
            candidate(c.scope, c.anchor, { resource: c.resource, action: c.action, space: c.space }),
          );
    return ctx;
  });

/** Independent statement of "an active grant covers the target", from the inputs alone. */
function activeCoveringGrantExists(ctx: DecisionContext): boolean {
  const { user, member, user_member: um, space: sp } = ctx.actor;
  if (!user || !member || !um || !sp) return false;
  if ([user.status, member.status, sp.status, um.status].some((s) => s !== "active")) return false;
  if (um.expires_at !== null && !(Date.parse(um.expires_at) >= ctx.now.getTime())) return false;
  if (!ctx.registry.resource_type || !ctx.registry.action) return false;
  const r = ctx.target.resource;
  if (!r || r.status === "archived" || r.status === "deleted") return false;
  const s = ctx.request.actor.space_id;
  const g = ctx.target.group;
  if (r.space_id !== s || (g && g.space_id !== s)) return false;
  const relevant = (ctx.candidates ?? []).filter(
    (c) => c.permission.resource === "invoice" && c.permission.action === "approve",
  );
  if (
    relevant.some(
      (c) =>
        c.role.space_id !== s ||
        c.member_role_space_id !== s ||
        (c.scope_anchor && c.scope_anchor.space_id !== s),
    )
  )
    return false;
  return relevant.some((c) => {
    const a = c.scope_anchor;
    switch (c.permission.scope) {
      case "self":
        return r.owner_member_id === ctx.request.actor.member_id;
      case "space":
        return r.space_id === s;
      case "group":
        return a !== null && g !== null && g.id === a.id;
      case "group_tree":
        return a !== null && g !== null && pathCovers(a.path, g.path);
      default:
        return false; // global is disabled; unknown scopes never cover
    }
  });
}

describe("decide over generated contexts", () => {
  it("allows exactly when an active, covering grant exists (never without one)", () => {
    fc.assert(
      fc.property(arbContext, (ctx) => {
        expect(decide(ctx).decision === "allow").toBe(activeCoveringGrantExists(ctx));
      }),
      { ...RUNS, numRuns: 3000 },
    );
  });

  it("a deny always carries a known deny code and a reason; an allow carries none", () => {
    fc.assert(
      fc.property(arbContext, (ctx) => {
        const d = decide(ctx);
        expect(typeof d.reason).toBe("string");
        expect(d.reason.length).toBeGreaterThan(0);
        if (d.decision === "deny") expect(DENY_CODES).toContain(d.deny_code);
        else expect(d.deny_code).toBeNull();
      }),
      { ...RUNS, numRuns: 1000 },
    );
  });

  it("the explanation, the audit context and the trace agree with the decision", () => {
    fc.assert(
      fc.property(arbContext, (ctx) => {
        const d = decide(ctx);
        const e = compactExplanation(d);
        expect(d.audit).toMatchObject({
          decision: d.decision,
          deny_code: d.deny_code,
          audit_log_id: ctx.audit_log_id,
          actor_member_id: ctx.request.actor.member_id,
          resource_id: ctx.request.resource_id,
        });
        expect(d.trace_id).toBe(ctx.trace_id);
        expect(e.actor).toEqual(ctx.request.actor);
        expect(e.resource.id).toBe(ctx.request.resource_id);
        if (d.decision === "allow") {
          // The deciding candidate is a covered one from the trace.
          expect(e.candidate?.scope_check.covered).toBe(true);
          expect(d.matched_candidates?.some((c) => c.scope_check.covered)).toBe(true);
        } else {
          if (e.candidate !== null) expect(e.candidate.scope_check.covered).toBe(false);
          // No candidate in the trace covers the target unless something before scopes denied.
          if (d.deny_code === "SCOPE_OUT_OF_BOUNDS" || d.deny_code === "NO_MATCHING_PERMISSION") {
            expect(d.matched_candidates?.some((c) => c.scope_check.covered) ?? false).toBe(false);
          }
        }
        // Every traced candidate is one asked about, for the requested resource and action.
        for (const c of d.matched_candidates ?? []) {
          expect(c.permission.resource).toBe(ctx.request.resource_type);
          expect(c.permission.action).toBe(ctx.request.action);
        }
      }),
      { ...RUNS, numRuns: 1000 },
    );
  });
});
