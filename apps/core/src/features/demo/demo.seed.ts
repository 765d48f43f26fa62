import { type Algorithm, hash } from "@node-rs/argon2";
import type { DB } from "@plystra/db";
import type { ActorRef } from "@plystra/engine";
import type { Kysely } from "kysely";
import type { Deps } from "../../deps.ts";

/** Password of both demo users (documented in the getting-started guide). */
export const DEMO_PASSWORD = "plystra-demo";
export const DEMO_SUPER_ADMIN_GRANT_ID = "ag_alice_local_demo_instance_super_admin";

/** Ids of the Finance Reviewer demo (same as upstream v1.0, so docs and SDK examples work unchanged). */
export const DEMO = {
  space: "space_acme",
  users: { alice: "user_alice", bob: "user_bob" },
  members: { reviewer: "member_finance_reviewer", creator: "member_invoice_creator" },
  bindings: {
    alice: "um_alice_finance_reviewer",
    bob: "um_bob_finance_reviewer",
    aliceRevoked: "um_alice_finance_reviewer_revoked",
  },
  groups: {
    finance: "group_finance",
    financeApac: "group_finance_apac",
    financeEmea: "group_finance_emea",
    legal: "group_legal",
    legalEmea: "group_legal_emea",
  },
  role: "role_finance_approver",
  memberRole: "mr_finance_reviewer_approver_finance",
  invoices: { apac: "invoice_001", emea: "invoice_002" },
} as const;

/** Alice acting as the Finance Reviewer through one of her bindings (the live one by default). */
export const demoAlice = (userMemberId: string = DEMO.bindings.alice): ActorRef => ({
  user_id: DEMO.users.alice,
  member_id: DEMO.members.reviewer,
  user_member_id: userMemberId,
  space_id: DEMO.space,
});

const INVOICE_ACTIONS: Array<[key: string, display: string, risk: string]> = [
  ["read", "Read invoice", "low"],
  ["create", "Create invoice", "medium"],
  ["approve", "Approve invoice", "high"],
  ["reject", "Reject invoice", "high"],
  ["delete", "Delete invoice", "critical"],
];

/** Argon2id with the library's default cost (`Algorithm` is a const enum; 2 = Argon2id). */
export function hashDemoPassword(password: string): Promise<string> {
  return hash(password, { algorithm: 2 as Algorithm });
}

/**
 * Seeds the Finance Reviewer demo and bootstraps `user_alice` as instance super admin. Idempotent:
 * every insert is `ON CONFLICT DO NOTHING`, so re-running changes nothing (and never resets edits).
 *
 * @example
 * ```ts
 * await seedDemo(deps.db);
 * ```
 */
export async function seedDemo(
  db: Kysely<DB>,
  options: { hashPassword?: (password: string) => Promise<string> } = {},
): Promise<void> {
  const existingUsers = await db
    .selectFrom("users")
    .select("id")
    .where("id", "in", [DEMO.users.alice, DEMO.users.bob])
    .execute();
  // Hashing is deliberately slow; skip it when both users already exist.
  const passwordHash =
    existingUsers.length === 2 ? null : await (options.hashPassword ?? hashDemoPassword)(DEMO_PASSWORD);
  const S = DEMO.space;
  const G = DEMO.groups;

  await db.transaction().execute(async (trx) => {
    const put = async (table: keyof DB, rows: Record<string, unknown>[]) => {
      await trx
        .insertInto(table)
        .values(rows as never)
        .onConflict((oc) => oc.doNothing())
        .execute();
    };
    await put("spaces", [{ id: S, name: "Acme", slug: "acme", type: "customer", metadata: "{}" }]);
    if (passwordHash) {
      await put("users", [
        { id: DEMO.users.alice, email: "alice@example.com", password_hash: passwordHash, metadata: "{}" },
        { id: DEMO.users.bob, email: "bob@example.com", password_hash: passwordHash, metadata: "{}" },
      ]);
    }
    const group = (id: string, path: string, parent: string | null, display: string) => ({
      id,
      space_id: S,
      parent_group_id: parent,
      name: path.split(".").at(-1),
      display_name: display,
      path,
      depth: path.split(".").length - 1,
      metadata: "{}",
    });
    await put("groups", [
      group(G.finance, "finance", null, "Finance"),
      group(G.legal, "legal", null, "Legal"),
    ]);
    await put("groups", [
      group(G.financeApac, "finance.apac", G.finance, "Finance APAC"),
      group(G.financeEmea, "finance.emea", G.finance, "Finance EMEA"),
      group(G.legalEmea, "legal.emea", G.legal, "Legal EMEA"),
    ]);
    await put("members", [
      { id: DEMO.members.reviewer, space_id: S, display_name: "Finance Reviewer", metadata: "{}" },
      { id: DEMO.members.creator, space_id: S, display_name: "APAC Invoice Creator", metadata: "{}" },
    ]);
    await put("user_members", [
      {
        id: DEMO.bindings.alice,
        user_id: DEMO.users.alice,
        member_id: DEMO.members.reviewer,
        space_id: S,
        relation_type: "delegate",
        status: "active",
        is_primary: true,
        metadata: "{}",
      },
      {
        id: DEMO.bindings.bob,
        user_id: DEMO.users.bob,
        member_id: DEMO.members.reviewer,
        space_id: S,
        relation_type: "login",
        status: "active",
        is_primary: true,
        metadata: "{}",
      },
      {
        id: DEMO.bindings.aliceRevoked,
        user_id: DEMO.users.alice,
        member_id: DEMO.members.reviewer,
        space_id: S,
        relation_type: "delegate",
        status: "revoked",
        is_primary: false,
        revoked_at: new Date("2026-01-01T00:00:00Z"),
        revoked_reason: "demo: revoked delegation",
        metadata: "{}",
      },
    ]);
    await put("roles", [
      {
        id: DEMO.role,
        space_id: S,
        key: "finance_approver",
        name: "Finance Approver",
        description: "Reads and approves invoices in the anchored group tree.",
        metadata: "{}",
      },
    ]);
    await put("permissions", [
      {
        id: "perm_invoice_approve_group_tree",
        resource: "invoice",
        action: "approve",
        scope: "group_tree",
        metadata: "{}",
      },
      {
        id: "perm_invoice_read_group_tree",
        resource: "invoice",
        action: "read",
        scope: "group_tree",
        metadata: "{}",
      },
    ]);
    await put("role_permissions", [
      {
        id: "rp_finance_approver_invoice_approve",
        role_id: DEMO.role,
        permission_id: "perm_invoice_approve_group_tree",
        space_id: S,
        metadata: "{}",
      },
      {
        id: "rp_finance_approver_invoice_read",
        role_id: DEMO.role,
        permission_id: "perm_invoice_read_group_tree",
        space_id: S,
        metadata: "{}",
      },
    ]);
    await put("member_roles", [
      {
        id: DEMO.memberRole,
        member_id: DEMO.members.reviewer,
        role_id: DEMO.role,
        space_id: S,
        scope_anchor_group_id: G.finance,
        metadata: "{}",
      },
    ]);
    await put("resource_types", [
      {
        id: "rt_invoice",
        key: "invoice",
        display_name: "Invoice",
        description: "Finance invoices (demo).",
        metadata: "{}",
      },
    ]);
    await put(
      "resource_actions",
      INVOICE_ACTIONS.map(([key, display, risk]) => ({
        id: `ra_invoice_${key}`,
        resource_type_id: "rt_invoice",
        key,
        display_name: display,
        risk_level: risk,
        audit_default: true,
        metadata: "{}",
      })),
    );
    await put("resource_mappings", [
      { id: "rm_invoice", resource_type_id: "rt_invoice", display_name: "Invoices", metadata: "{}" },
    ]);
    await put("resources", [
      {
        id: DEMO.invoices.apac,
        resource_type: "invoice",
        display_name: "INV-001",
        space_id: S,
        group_id: G.financeApac,
        owner_member_id: DEMO.members.creator,
        visibility: "private",
        metadata: JSON.stringify({ number: "INV-001", region: "APAC" }),
      },
      {
        id: DEMO.invoices.emea,
        resource_type: "invoice",
        display_name: "INV-002",
        space_id: S,
        group_id: G.legalEmea,
        owner_member_id: DEMO.members.creator,
        visibility: "private",
        metadata: JSON.stringify({ number: "INV-002", region: "EMEA" }),
      },
    ]);
    await put("admin_grants", [
      {
        id: DEMO_SUPER_ADMIN_GRANT_ID,
        user_id: DEMO.users.alice,
        level: "instance_super_admin",
        permission_key: "*",
        granted_by_user_id: "system",
        metadata: JSON.stringify({ source: "demo_seed" }),
      },
    ]);
  });
}

/** Startup hook: seeds the demo when config.demoSeed (embedded DB by default, PLYSTRA_DEMO_SEED=true on PostgreSQL); never in production. */
export async function demoSeedHook(deps: Deps): Promise<void> {
  if (!deps.config.demoSeed || deps.config.isProduction) return;
  await seedDemo(deps.db);
  deps.logger.info("demo seed: Finance Reviewer demo present (user_alice / user_bob, password plystra-demo)");
}
