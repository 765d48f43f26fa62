import type { Decision, MatchedCandidate } from "./types.ts";
import { SCOPE_DENY_CODES } from "./deny-codes.ts";

/** The compact `explanation` of a check response (DESIGN.md §1, "Check response"). */
export interface CompactExplanation {
  actor: { user_id: string; member_id: string; user_member_id: string; space_id: string };
  resource: { type: string; id: string; group_path: string | null };
  /** The deciding candidate; null when none matched or the deny came before scope evaluation. */
  candidate: CompactCandidate | null;
}

export interface CompactCandidate {
  role_key: string;
  permission: { resource: string; action: string; scope: string };
  anchor_path: string | null;
  scope_check: { covered: boolean; rule: string; reason: string };
}

/**
 * Derives the compact explanation from a full decision, so every check response says why without a
 * second call. The deciding candidate is the first covered one on allow, and on a scope deny the
 * first candidate carrying the decision's deny code; any other deny (actor state, registry, target,
 * cross-Space, no candidates) has `candidate: null`.
 *
 * @example
 * ```ts
 * const decision = decide(ctx);
 * const explanation = compactExplanation(decision);
 * // { actor: {…}, resource: { type: "invoice", id: "invoice_001", group_path: "finance.apac" },
 * //   candidate: { role_key: "finance_reviewer", permission: {…, scope: "group_tree"},
 * //                anchor_path: "finance", scope_check: { covered: true, … } } }
 * ```
 */
export function compactExplanation(decision: Decision): CompactExplanation {
  const audit = decision.audit;
  const target = decision.target;
  const groupPath = target.resource?.group_path || target.group?.path || null;
  return {
    actor: {
      user_id: audit.actor_user_id,
      member_id: audit.actor_member_id,
      user_member_id: audit.actor_user_member_id,
      space_id: audit.space_id,
    },
    resource: { type: audit.resource_type, id: audit.resource_id, group_path: groupPath },
    candidate: compactCandidate(decidingCandidate(decision)),
  };
}

function decidingCandidate(decision: Decision): MatchedCandidate | null {
  const list = decision.matched_candidates;
  if (list === null) return null;
  if (decision.decision === "allow") {
    for (const c of list) if (c.scope_check.covered) return c;
    return null;
  }
  const code = decision.deny_code;
  if (code === null || !(SCOPE_DENY_CODES as readonly string[]).includes(code)) return null;
  // Scope deny codes only ever come from step 8 (the candidates), so the first candidate with the
  // same code is the one that decided.
  for (const c of list) if (!c.scope_check.covered && c.scope_check.deny_code === code) return c;
  return null;
}

function compactCandidate(c: MatchedCandidate | null): CompactCandidate | null {
  if (c === null) return null;
  return {
    role_key: c.role.key,
    permission: { resource: c.permission.resource, action: c.permission.action, scope: c.permission.scope },
    anchor_path: c.scope_anchor === null ? null : c.scope_anchor.path,
    scope_check: { covered: c.scope_check.covered, rule: c.scope_check.rule, reason: c.scope_check.reason },
  };
}
