import { TRACE_VERSION } from "@plystra/engine";
import type { DB } from "@plystra/db";
import type { Kysely, Transaction } from "kysely";
import type { Caller } from "../security/caller.ts";
import { principalActor } from "../security/policy.ts";
import { newId } from "./ids.ts";

export interface AuditRowInput {
  id?: string;
  space_id: string | null;
  actor_user_id: string | null;
  actor_member_id?: string | null;
  actor_user_member_id?: string | null;
  actor_api_key_id?: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  decision: "allow" | "deny";
  deny_code?: string | null;
  request_id: string | null;
  ip_address: string | null;
  user_agent: string | null;
  trace: Record<string, unknown>;
}

/** The stored columns of one audit row, with an id assigned when it has none; the trace as given. */
export function auditRowColumns(r: AuditRowInput) {
  return {
    id: r.id ?? newId("audit"),
    space_id: r.space_id,
    actor_user_id: r.actor_user_id,
    actor_member_id: r.actor_member_id ?? null,
    actor_user_member_id: r.actor_user_member_id ?? null,
    actor_api_key_id: r.actor_api_key_id ?? null,
    action: r.action,
    resource_type: r.resource_type,
    resource_id: r.resource_id,
    decision: r.decision,
    deny_code: r.deny_code ?? null,
    request_id: r.request_id,
    ip_address: r.ip_address,
    user_agent: r.user_agent,
    trace: r.trace,
  };
}

/**
 * Appends audit rows (one multi-row INSERT). The database assigns seq and the hash chain.
 * Pass a transaction to make the audit row part of the mutation it records.
 */
export async function insertAuditRows(
  db: Kysely<DB> | Transaction<DB>,
  rows: AuditRowInput[],
): Promise<string[]> {
  if (!rows.length) return [];
  const values = rows.map((r) => {
    const columns = auditRowColumns(r);
    return { ...columns, trace: JSON.stringify(columns.trace) };
  });
  await db.insertInto("audit_logs").values(values).execute();
  return values.map((v) => v.id);
}

/**
 * Key names that look like secrets. The one list for every audit row, decision traces and mutation
 * traces alike: hash-chained rows can never be edited, so a secret that gets in stays forever.
 */
const SECRET_WORDS = /password|secret|token|api_?key|authorization|key_hash/i;
/** Identifiers and display prefixes (`api_key_id`, `key_prefix`) name a secret but hold none. */
const NOT_SECRET = /(_id|_ids|_prefix)$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_WORDS.test(key) && !NOT_SECRET.test(key);
}

/** True when any key (at any depth) of `value` looks like a secret. */
export function hasSecretKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasSecretKey);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) if (isSecretKey(k) || hasSecretKey(v)) return true;
  }
  return false;
}

/** Drops secret-looking keys (password_hash, token hashes, `stripe_api_key`, …) before a value is audited. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!isSecretKey(k)) out[k] = redact(v);
    return out;
  }
  return value;
}

/** Fields that differ between two snapshots, as {before, after} restricted to those fields. */
export function diff(before: Record<string, unknown> | null, after: Record<string, unknown> | null) {
  if (!before || !after) return { before: redact(before), after: redact(after) };
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (k === "updated_at") continue;
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) {
      b[k] = before[k];
      a[k] = after[k];
    }
  }
  return { before: redact(b), after: redact(a) };
}

export interface MutationAudit {
  /** `<entity>.<verb>`, e.g. `user.created`, `user_member.revoked`. */
  action: string;
  resource_type: string;
  resource_id: string;
  space_id: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  details?: Record<string, unknown>;
  /** Why the mutation was accepted; defaults to the management API's reason. */
  reason?: string;
}

/** Who performed a management mutation (`ApiOpenAPIMutationActor`). */
export interface MutationActor {
  /** `cli` for plystractl; `anonymous` for public routes (registration) that carry no credential. */
  credential_type: "session" | "api_key" | "cli" | "anonymous";
  user_id: string | null;
  member_id: string | null;
  user_member_id: string | null;
  api_key_id: string | null;
  session_id: string | null;
}

/** The actor of a caller's credential: the session's user and active Member, the API key, or the CLI. */
export function mutationActor(caller: Caller): MutationActor {
  const { principal } = caller;
  const who = principalActor(principal);
  const session = principal?.kind === "session" ? principal : null;
  return {
    credential_type: caller.channel === "cli" ? "cli" : (principal?.kind ?? "anonymous"),
    user_id: who.user_id,
    member_id: session?.activeMemberId ?? null,
    user_member_id: session?.activeUserMemberId ?? null,
    api_key_id: who.api_key_id,
    session_id: session?.sessionId ?? null,
  };
}

/**
 * The stored trace of a management mutation, in the contract's `ApiOpenAPIMutationTrace` shape. The
 * one builder for the HTTP API and plystractl; changes and details are redacted here.
 */
export function mutationTrace(m: {
  actor: MutationActor;
  request_id: string | null;
  created_at: Date;
  resource_type: string;
  resource_id: string;
  reason?: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  details?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    trace_version: TRACE_VERSION,
    kind: "management_mutation",
    decision: "allow",
    reason: m.reason ?? "Core management API mutation was accepted",
    request_id: m.request_id,
    actor: m.actor,
    target: { resource_type: m.resource_type, resource_id: m.resource_id },
    changes: diff(m.before ?? null, m.after ?? null),
    details: redact(m.details ?? {}),
    created_at: m.created_at.toISOString(),
  };
}

/**
 * Writes the audit row for a management mutation, attributing the caller (user, API key or CLI).
 * Call it inside the mutation's transaction so both commit or neither does.
 *
 * @example
 * await deps.db.transaction().execute(async (trx) => {
 *   await trx.insertInto("spaces").values(row).execute();
 *   await recordMutation(trx, caller, { action: "space.created", resource_type: "space", resource_id: row.id, space_id: row.id, after: row });
 * });
 */
export async function recordMutation(
  db: Kysely<DB> | Transaction<DB>,
  caller: Caller,
  m: MutationAudit,
  now: Date = new Date(),
): Promise<string> {
  const actor = mutationActor(caller);
  const [id] = await insertAuditRows(db, [
    {
      space_id: m.space_id,
      actor_user_id: actor.user_id,
      actor_member_id: actor.member_id,
      actor_user_member_id: actor.user_member_id,
      actor_api_key_id: actor.api_key_id,
      action: m.action,
      resource_type: m.resource_type,
      resource_id: m.resource_id,
      decision: "allow",
      request_id: caller.requestId,
      ip_address: caller.ip,
      user_agent: caller.userAgent,
      trace: mutationTrace({ ...m, actor, request_id: caller.requestId, created_at: now }),
    },
  ]);
  return id;
}
