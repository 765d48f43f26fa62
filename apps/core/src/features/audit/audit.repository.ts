import type { DB } from "@plystra/db";
import { type Kysely, sql } from "kysely";
import { notFound } from "../../http/errors.ts";
import type { Pagination } from "../../http/envelope.ts";
import { decodeCursor, finishPage } from "../../http/pagination.ts";
import { type Reach, reachSql } from "../../security/reach.ts";

export interface AuditFilter {
  space_id?: string;
  actor_user_id?: string;
  actor_member_id?: string;
  actor_user_member_id?: string;
  resource_type?: string;
  resource_id?: string;
  decision?: string;
  deny_code?: string;
  request_id?: string;
  created_at_from?: Date;
  created_at_to?: Date;
}

const LIST_COLUMNS = [
  "id",
  "seq",
  "space_id",
  "actor_user_id",
  "actor_member_id",
  "actor_user_member_id",
  "actor_api_key_id",
  "action",
  "resource_type",
  "resource_id",
  "decision",
  "deny_code",
  "request_id",
  "ip_address",
  "user_agent",
  "created_at",
] as const;

export type AuditRow = {
  id: string;
  seq: number | string;
  space_id: string | null;
  actor_user_id: string | null;
  actor_member_id: string | null;
  actor_user_member_id: string | null;
  actor_api_key_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  decision: string;
  deny_code: string | null;
  request_id: string | null;
  ip_address: string | null;
  user_agent: string | null;
  created_at: Date;
  trace?: Record<string, unknown>;
};

const LIST = "audit_logs";

/** Newest first by `seq` (the chain order, unique and gap-free), keyset-paginated. */
export async function listAuditLogs(
  db: Kysely<DB>,
  args: { filter: AuditFilter; reach: Reach; limit: number; cursor?: string },
): Promise<{ items: AuditRow[]; pagination: Pagination }> {
  const f = args.filter;
  const after = decodeCursor(LIST, args.cursor, ["number"]);
  let q = db.selectFrom("audit_logs").select(LIST_COLUMNS);
  for (const col of [
    "space_id",
    "actor_user_id",
    "actor_member_id",
    "actor_user_member_id",
    "resource_type",
    "resource_id",
    "decision",
    "deny_code",
    "request_id",
  ] as const) {
    const v = f[col];
    if (v !== undefined) q = q.where(col, "=", v);
  }
  if (f.created_at_from) q = q.where("created_at", ">=", f.created_at_from);
  if (f.created_at_to) q = q.where("created_at", "<=", f.created_at_to);
  if (after) q = q.where("seq", "<", after[0] as never);
  // Audit rows carry a Space but no Group: a Group reach sees none; space-less rows need instance reach.
  q = q.where(reachSql(args.reach, { space: "space_id" }));
  const rows = (await q
    .orderBy("seq", "desc")
    .limit(args.limit + 1)
    .execute()) as AuditRow[];
  return finishPage(LIST, rows, args.limit, (r) => [Number(r.seq)]);
}

/** One row with its trace; throws AUDIT_LOG_NOT_FOUND (also when it lies outside `spaceId`). */
export async function getAuditLog(db: Kysely<DB>, id: string, spaceId?: string): Promise<AuditRow> {
  let q = db
    .selectFrom("audit_logs")
    .select([...LIST_COLUMNS, "trace"])
    .where("id", "=", id);
  if (spaceId !== undefined) q = q.where("space_id", "=", spaceId);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound("AUDIT_LOG_NOT_FOUND", id);
  return row as AuditRow;
}

export interface ChainVerdict {
  ok: boolean;
  rows: number;
  /** The first row whose link or digest does not verify. */
  broken: { seq: number; id: string; reason: string } | null;
}

const GENESIS = "0".repeat(64);
const VERIFY_BATCH = 1000;

/**
 * Walks the hash chain in seq order: every row's prev_hash must be the previous row's row_hash,
 * seq must be gap-free, and row_hash must equal `audit_row_digest(prev_hash, row)` recomputed by the
 * database (same function the insert trigger used). Finally the chain head must name the last row.
 */
export async function verifyAuditChain(db: Kysely<DB>): Promise<ChainVerdict> {
  let prevHash = GENESIS;
  let prevSeq = 0;
  let rows = 0;
  for (;;) {
    const result = await sql<{
      seq: number | string;
      id: string;
      prev_hash: string;
      row_hash: string;
      digest: string;
    }>`
      SELECT a.seq, a.id, a.prev_hash, a.row_hash, audit_row_digest(a.prev_hash, a) AS digest
        FROM audit_logs a WHERE a.seq > ${prevSeq} ORDER BY a.seq LIMIT ${VERIFY_BATCH}`.execute(db);
    for (const r of result.rows) {
      const seq = Number(r.seq);
      const broken = (reason: string): ChainVerdict => ({
        ok: false,
        rows,
        broken: { seq, id: r.id, reason },
      });
      if (seq !== prevSeq + 1) return broken(`sequence gap: expected seq ${prevSeq + 1}`);
      if (r.prev_hash !== prevHash) return broken("prev_hash does not match the previous row's row_hash");
      if (r.digest !== r.row_hash) return broken("row_hash does not match the row's content");
      prevHash = r.row_hash;
      prevSeq = seq;
      rows++;
    }
    if (result.rows.length < VERIFY_BATCH) break;
  }
  const head = (
    await sql<{ last_seq: number | string; last_hash: string }>`
      SELECT last_seq, last_hash FROM audit_chain_head WHERE singleton`.execute(db)
  ).rows[0];
  if (head && (Number(head.last_seq) !== prevSeq || head.last_hash !== prevHash)) {
    return {
      ok: false,
      rows,
      broken: {
        seq: prevSeq + 1,
        id: "",
        reason: `chain head names seq ${head.last_seq}; rows end at ${prevSeq}`,
      },
    };
  }
  return { ok: true, rows, broken: null };
}
