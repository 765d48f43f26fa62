// Test-only fixtures (not exported from the package): the Finance Reviewer demo as a decision context.
import type { Candidate, DecisionContext, GroupSnap, RegistrySnap } from "./types.ts";

export const NOW = new Date("2025-06-01T12:00:00.000Z");

export const GROUPS = {
  finance: { id: "group_finance", space_id: "space_acme", path: "finance", status: "active" },
  financeApac: { id: "group_finance_apac", space_id: "space_acme", path: "finance.apac", status: "active" },
  financeApacSg: {
    id: "group_finance_apac_sg",
    space_id: "space_acme",
    path: "finance.apac.sg",
    status: "active",
  },
  financeops: { id: "group_financeops", space_id: "space_acme", path: "financeops", status: "active" },
  financeOld: { id: "group_finance_old", space_id: "space_acme", path: "finance-old", status: "active" },
  legalEmea: { id: "group_legal_emea", space_id: "space_acme", path: "legal.emea", status: "active" },
} satisfies Record<string, GroupSnap>;

export function registry(): RegistrySnap {
  return {
    resource_type: {
      id: "rt_invoice",
      key: "invoice",
      display_name: "Invoice",
      description: "Accounts payable invoice",
      status: "active",
      source: "core",
      metadata: {},
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
  };
}

export function candidate(
  scope: string,
  anchor: GroupSnap | null = null,
  roleKey = "finance_reviewer",
): Candidate {
  return {
    role: { id: `role_${roleKey}`, key: roleKey, space_id: "space_acme" },
    permission: { id: `perm_invoice_approve_${scope}`, resource: "invoice", action: "approve", scope },
    scope_anchor: anchor === null ? null : { ...anchor },
    member_role_space_id: "space_acme",
  };
}

/** Alice via um_alice_finance_reviewer approving invoice_001 (finance.apac) with a group_tree grant on finance. */
export function baseContext(): DecisionContext {
  return {
    request: {
      actor: {
        user_id: "user_alice",
        member_id: "member_finance_reviewer",
        user_member_id: "um_alice_finance_reviewer",
        space_id: "space_acme",
      },
      resource_type: "invoice",
      resource_id: "invoice_001",
      action: "approve",
      request_id: "req_test_1",
      ip: "203.0.113.7",
      user_agent: "vitest",
    },
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
    registry: registry(),
    target: {
      resource: {
        id: "invoice_001",
        external_id: "INV-001",
        type: "invoice",
        space_id: "space_acme",
        group_id: GROUPS.financeApac.id,
        group_path: "finance.apac",
        owner_member_id: "member_ap_clerk",
        display_name: "Invoice 001",
        visibility: "private",
        status: "active",
        metadata: { amount: 1200 },
      },
      group: { ...GROUPS.financeApac },
    },
    candidates: [candidate("group_tree", GROUPS.finance)],
    now: NOW,
    trace_id: "trace_test_1",
    audit_log_id: "audit_test_1",
  };
}

/** Points the context's target at another group (resource and group snapshot together). */
export function targetIn(ctx: DecisionContext, group: GroupSnap | null): DecisionContext {
  const resource = ctx.target.resource!;
  resource.group_id = group === null ? null : group.id;
  resource.group_path = group === null ? null : group.path;
  ctx.target.group = group === null ? null : { ...group };
  return ctx;
}
