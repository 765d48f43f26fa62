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

/** Newest first by `seq` (unique and increasing; chain order within each chain shard), keyset-paginated. */
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
  /** Chain shards walked (heads in audit_chain_shards). */
  shards: number;
  /** The first row (in seq order) whose link or digest does not verify. */
  broken: { seq: number; id: string; shard: number | null; reason: string } | null;
}

const GENESIS = "0".repeat(64);
const VERIFY_BATCH = 1000;

/**
 * Walks every hash-chain shard (migration 006) in one pass over the rows in seq order, inside one
 * REPEATABLE READ snapshot so rows committing meanwhile cannot appear half-way. Seq order is chain
 * order within each shard (seq is drawn under the shard's head lock). Per shard: positions must be
 * gap-free from 1, every row's prev_hash must be the previous row's row_hash (the genesis hash for
 * the first), and row_hash must equal `audit_row_digest(prev_hash, row)` recomputed by the database
 * (the function the insert trigger used). Finally every shard head must name its shard's last row.
 * Rows written before shards existed have no chain_pos: they are shard 0 at position = seq.
 */
export async function verifyAuditChain(db: Kysely<DB>): Promise<ChainVerdict> {
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(async (trx) => {
      const heads = (
        await sql<{ shard: number; last_pos: number | string; last_hash: string }>`
          SELECT shard, last_pos, last_hash FROM audit_chain_shards ORDER BY shard`.execute(trx)
      ).rows;
      const tip = new Map<number, { pos: number; hash: string }>();
      for (const h of heads) tip.set(Number(h.shard), { pos: 0, hash: GENESIS });
      let lastSeq = 0;
      let rows = 0;
      for (;;) {
        const result = await sql<{
          seq: number | string;
          id: string;
          chain_shard: number;
          chain_pos: number | string | null;
          prev_hash: string;
          row_hash: string;
          digest: string;
        }>`
          SELECT a.seq, a.id, a.chain_shard, a.chain_pos, a.prev_hash, a.row_hash,
                 audit_row_digest(a.prev_hash, a) AS digest
            FROM audit_logs a WHERE a.seq > ${lastSeq} ORDER BY a.seq LIMIT ${VERIFY_BATCH}`.execute(trx);
        for (const r of result.rows) {
          const seq = Number(r.seq);
          const shard = Number(r.chain_shard);
          const broken = (reason: string): ChainVerdict => ({
            ok: false,
            rows,
            shards: heads.length,
            broken: { seq, id: r.id, shard, reason },
          });
          const pos = r.chain_pos === null ? seq : Number(r.chain_pos);
          if (r.chain_pos === null && shard !== 0)
            return broken(`a pre-shard row must be in shard 0 (is in ${shard})`);
          const t = tip.get(shard);
          if (!t) return broken(`shard ${shard} has no chain head`);
          if (pos !== t.pos + 1)
            return broken(`position gap in shard ${shard}: expected ${t.pos + 1}, found ${pos}`);
          if (r.prev_hash !== t.hash) return broken("prev_hash does not match the previous row's row_hash");
          if (r.digest !== r.row_hash) return broken("row_hash does not match the row's content");
          t.pos = pos;
          t.hash = r.row_hash;
          lastSeq = seq;
          rows++;
        }
        if (result.rows.length < VERIFY_BATCH) break;
      }
      for (const h of heads) {
        const t = tip.get(Number(h.shard))!;
        if (Number(h.last_pos) !== t.pos || h.last_hash !== t.hash) {
          return {
            ok: false,
            rows,
            shards: heads.length,
            broken: {
              seq: lastSeq + 1,
              id: "",
              shard: Number(h.shard),
              reason: `chain head of shard ${h.shard} names position ${h.last_pos}; its rows end at ${t.pos}`,
            },
          };
        }
      }
      return { ok: true, rows, shards: heads.length, broken: null };
    });
}
