import type { DB } from "@plystra/db";
import { type Kysely, sql } from "kysely";
import type { Deps } from "../../deps.ts";
import { isDatabaseUnavailable } from "../../http/db-unavailable.ts";
import { type AuditRowInput, auditRowColumns } from "../../lib/audit.ts";
import { newId } from "../../lib/ids.ts";

/**
 * The decision versions (migration 007: one counter per scope — `*`, a Space, `u:<user>`, `k:<key>`)
 * a decision was made at; the flush inserts its row only while every one is still current. Scopes
 * ascending and distinct, versions in the same order. Two arrays, not a record keyed by scope: the
 * scopes are ids, so every record got a hidden class of its own and each merge, walk and
 * serialisation of one ran on V8's slow paths (~4 µs per cached check; docs/benchmarks.md, ninth
 * round).
 */
export interface DecisionVersions {
  readonly scopes: readonly string[];
  readonly versions: readonly number[];
}

/** Versions from a `{ scope: version }` record (the decision-context statement's `vers`). */
export function toDecisionVersions(record: Readonly<Record<string, number>>): DecisionVersions {
  const scopes = Object.keys(record).sort();
  return { scopes, versions: scopes.map((s) => record[s]) };
}

/** Most rows one flush inserts; bounds statement size while a burst drains. */
const MAX_BATCH = 256;
/**
 * Concurrent flushes per process. Each flush is one transaction that extends one hash-chain shard
 * (migration 006 picks a shard no other transaction holds), so flushes no longer wait for each
 * other's commit. With a single chain head a second flush only waited on its lock (measured slower,
 * docs/benchmarks.md, third round); with shards it overlaps its INSERT and WAL flush with the
 * others'. The config's `PLYSTRA_AUDIT_FLUSHES` (auditFlushes) sets it; this is the default.
 */
const MAX_IN_FLIGHT = 4;

/**
 * Rows that must be waiting before a flush starts beside one already in flight. Each flush is a
 * commit (WAL flush, head update, planning of its VALUES shape), so tiny concurrent flushes cost
 * PostgreSQL more per row than one flush of the rows that gathered meanwhile; under light load
 * rows gather behind the one flush, under heavy load the queue passes this at once.
 */
const MIN_EXTRA_BATCH = 8;

/**
 * How an append ended: the row is committed, or (only for a row appended with expected decision
 * versions) it was not inserted because a version it was decided at has moved: the caller must
 * decide again (from the database) and append the new decision.
 */
export type AppendResult = { written: boolean };

const WRITTEN: AppendResult = { written: true };
const NOT_WRITTEN: AppendResult = { written: false };

interface Pending {
  row: AuditRowInput;
  expect: DecisionVersions | null;
  resolve: (result: AppendResult) => void;
  reject: (err: unknown) => void;
}

/** What one flush did: the ids it inserted (null: all of them). */
interface FlushResult {
  inserted: ReadonlySet<string> | null;
}

/** A stand-in for the database insert (unit tests). */
export type InsertRows = (rows: AuditRowInput[]) => Promise<unknown>;

export interface AuditWriterOptions {
  maxBatch?: number;
  /** Flushes allowed in flight at once (default 4; see MAX_IN_FLIGHT). */
  maxInFlight?: number;
  /** Rows waiting before a flush starts while another is in flight (default 8; see MIN_EXTRA_BATCH). */
  minExtraBatch?: number;
  /** Replaces the database insert (unit tests). */
  insert?: InsertRows;
}

/**
 * Group-commit audit writer for decisions. Concurrent appends are batched into one multi-row INSERT;
 * each caller's promise settles only after the statement holding its row has committed (or failed),
 * so a response never acknowledges a row that is not durable.
 *
 * There is no timer: a lone append flushes on the next microtask. Batches form naturally from the
 * rows that arrive while flushes are in flight (at most `maxInFlight` at once, default 4).
 *
 * @example
 * ```ts
 * const writer = getAuditWriter(deps);
 * await writer.append(row); // resolves once the row is committed
 * ```
 */
export class AuditWriter {
  private queue: Pending[] = [];
  private readonly write: (batch: Pending[]) => Promise<FlushResult>;
  private inFlight = 0;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly minExtraBatch: number;

  constructor(
    private readonly deps: Pick<Deps, "db" | "metrics" | "logger">,
    options: AuditWriterOptions | number = {},
  ) {
    const o = typeof options === "number" ? { maxBatch: options } : options;
    this.maxBatch = o.maxBatch ?? MAX_BATCH;
    this.maxInFlight = o.maxInFlight ?? MAX_IN_FLIGHT;
    this.minExtraBatch = o.minExtraBatch ?? MIN_EXTRA_BATCH;
    const insert = o.insert;
    this.write = insert
      ? async (batch) => {
          await insert(batch.map((p) => p.row));
          return { inserted: null };
        }
      : (batch) => writeBatch(this.deps.db, batch);
  }

  /**
   * Queues one row; resolves after it is committed, rejects when its batch failed. With `expect`
   * (the decision versions the row's decision was made at), the row is inserted only if every one
   * of them is still current, checked by the inserting statement itself; otherwise it resolves
   * `{ written: false }` and nothing was written.
   */
  append(row: AuditRowInput, expect: DecisionVersions | null = null): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ row, expect, resolve, reject });
      if (this.canStart() && !this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  /** Rows queued or being written. */
  get pending(): number {
    return this.queue.length;
  }

  /** Resolves when nothing is queued or in flight (used on shutdown). */
  drain(): Promise<void> {
    if (this.inFlight === 0 && !this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** A flush may start: rows are queued, a slot is free, and it is the only one or worth its commit. */
  private canStart(): boolean {
    return (
      this.queue.length > 0 &&
      this.inFlight < this.maxInFlight &&
      (this.inFlight === 0 || this.queue.length >= this.minExtraBatch)
    );
  }

  /** Starts flushes while one may start (see canStart). */
  private pump(): void {
    while (this.canStart()) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.pump();
        else if (this.inFlight === 0 && !this.scheduled) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          for (const w of waiters) w();
        }
      });
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    try {
      const { inserted } = await this.write(batch);
      const written = inserted ? inserted.size : batch.length;
      this.deps.metrics.auditRowsWritten.inc({ kind: "decision" }, written);
      this.deps.metrics.auditBatchSize.observe(batch.length);
      for (const p of batch) {
        if (!inserted || inserted.has(p.row.id as string)) p.resolve(WRITTEN);
        else p.resolve(NOT_WRITTEN);
      }
    } catch (err) {
      // A lost database fails every row alike: answer them all now instead of retrying one by one.
      if (batch.length > 1 && !isDatabaseUnavailable(err)) {
        // One bad row must not fail its neighbours: write them one by one so only it is refused.
        this.deps.logger.warn(
          { err: (err as Error).message, rows: batch.length },
          "audit batch failed; retrying rows singly",
        );
        for (const p of batch) await this.flush([p]);
        return;
      }
      this.deps.logger.error(
        { err: (err as Error).message },
        "audit row could not be written; its request fails",
      );
      for (const p of batch) p.reject(err);
    }
  }
}

/**
 * Writes one flush: one statement that inserts every row without expectations, and each row with
 * them only if its expected decision versions all equal the current ones (an absent version row
 * counts as 0), and returns the sets that did not: the confirmation and the insert share one
 * snapshot, so a write that committed before the statement began is always seen.
 * (A first form checked each row's versions as jsonb inside the INSERT's WHERE: 60% more
 * PostgreSQL time per row than the plain INSERT. Checking each distinct set once costs little.)
 */
async function writeBatch(db: Kysely<DB>, batch: Pending[]): Promise<FlushResult> {
  // Checks decided from the same cached context share one versions object: each object is checked
  // once, as (set, scope, version) triples, and a row only carries its set's number.
  const sets = new Map<DecisionVersions, number>();
  const setOf: Array<number | null> = [];
  const k: number[] = [];
  const scopes: string[] = [];
  const versions: number[] = [];
  for (const p of batch) {
    if (!p.expect) {
      setOf.push(null);
      continue;
    }
    let n = sets.get(p.expect);
    if (n === undefined) {
      n = sets.size;
      sets.set(p.expect, n);
      const e = p.expect;
      for (let i = 0; i < e.scopes.length; i++) {
        k.push(n);
        scopes.push(e.scopes[i]);
        versions.push(e.versions[i]);
      }
    }
    setOf.push(n);
  }
  // The rows travel as one JSON document (the trace nested, not re-quoted) so the statement text is
  // constant and runs prepared: planning a VALUES list of this batch's size cost PostgreSQL ~0.2 ms
  // per flush, and building it cost Core a query-builder pass over 16 parameters per row.
  const rows = batch.map((p, i) => {
    // The id is kept on the pending row: the flush result names the rows it inserted by id.
    p.row.id ??= newId("audit");
    return { ...auditRowColumns(p.row), k: setOf[i] };
  });
  const result = await sql<{ stale: number[] | null }>`/* prepared:plystra_audit_confirmed_insert */
WITH expected (k, scope, version) AS (
  SELECT * FROM unnest(${k}::int[], ${scopes}::text[], ${versions}::bigint[])),
stale AS (
  SELECT DISTINCT e.k FROM expected e LEFT JOIN decision_versions d ON d.scope = e.scope
   WHERE coalesce(d.version, 0) <> e.version),
ins AS (
  INSERT INTO audit_logs (id, space_id, actor_user_id, actor_member_id, actor_user_member_id,
                          actor_api_key_id, action, resource_type, resource_id, decision, deny_code,
                          request_id, ip_address, user_agent, trace)
  SELECT v.id, v.space_id, v.actor_user_id, v.actor_member_id, v.actor_user_member_id, v.actor_api_key_id,
         v.action, v.resource_type, v.resource_id, v.decision, v.deny_code, v.request_id, v.ip_address,
         v.user_agent, v.trace
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS v (id text, space_id text,
          actor_user_id text, actor_member_id text, actor_user_member_id text, actor_api_key_id text,
          action text, resource_type text, resource_id text, decision text, deny_code text,
          request_id text, ip_address text, user_agent text, trace jsonb, k int)
   WHERE v.k IS NULL OR v.k NOT IN (SELECT stale.k FROM stale))
SELECT array_agg(k) AS stale FROM stale
`.execute(db);
  const stale = result.rows[0]?.stale;
  if (!stale?.length) return { inserted: null };
  const bad = new Set(stale);
  return {
    inserted: new Set(
      batch
        .filter((_, i) => setOf[i] === null || !bad.has(setOf[i] as number))
        .map((p) => p.row.id as string),
    ),
  };
}

const writers = new WeakMap<Deps, AuditWriter>();

/**
 * The app's single decision audit writer, created on first use; its drain is registered as a
 * shutdown closer so queued rows are written before the database closes.
 */
export function getAuditWriter(deps: Deps): AuditWriter {
  let writer = writers.get(deps);
  if (!writer) {
    const created = new AuditWriter(deps, { maxInFlight: deps.config.auditFlushes });
    writer = created;
    writers.set(deps, created);
    deps.closers.push(() => created.drain());
  }
  return writer;
}
