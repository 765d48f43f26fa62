import type { Deps } from "../../deps.ts";
import { isDatabaseUnavailable } from "../../http/db-unavailable.ts";
import { type AuditRowInput, insertAuditRows } from "../../lib/audit.ts";

/** Most rows one flush inserts; bounds statement size while a burst drains. */
const MAX_BATCH = 256;
/**
 * Concurrent flushes per process. Each flush is one transaction that extends one hash-chain shard
 * (migration 006 picks a shard no other transaction holds), so flushes no longer wait for each
 * other's commit. With a single chain head a second flush only waited on its lock (measured slower,
 * docs/benchmarks.md, third round); with shards it overlaps its INSERT and WAL flush with the
 * others'. `PLYSTRA_AUDIT_FLUSHES` overrides it for benchmarking.
 */
const MAX_IN_FLIGHT = flushesFromEnv(process.env.PLYSTRA_AUDIT_FLUSHES) ?? 4;

/**
 * Rows that must be waiting before a flush starts beside one already in flight. Each flush is a
 * commit (WAL flush, head update, planning of its VALUES shape), so tiny concurrent flushes cost
 * PostgreSQL more per row than one flush of the rows that gathered meanwhile; under light load
 * rows gather behind the one flush, under heavy load the queue passes this at once.
 */
const MIN_EXTRA_BATCH = 8;

function flushesFromEnv(v: string | undefined): number | null {
  if (v === undefined || v === "") return null;
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= 64 ? n : null;
}

interface Pending {
  row: AuditRowInput;
  resolve: () => void;
  reject: (err: unknown) => void;
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

export class AuditWriter {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly minExtraBatch: number;
  private readonly insert: InsertRows;

  constructor(
    private readonly deps: Pick<Deps, "db" | "metrics" | "logger">,
    options: AuditWriterOptions | number = {},
  ) {
    const o = typeof options === "number" ? { maxBatch: options } : options;
    this.maxBatch = o.maxBatch ?? MAX_BATCH;
    this.maxInFlight = o.maxInFlight ?? MAX_IN_FLIGHT;
    this.minExtraBatch = o.minExtraBatch ?? MIN_EXTRA_BATCH;
    this.insert = o.insert ?? ((rows) => insertAuditRows(this.deps.db, rows));
  }

  /** Queues one row; resolves after it is committed, rejects when its batch failed. */
  append(row: AuditRowInput): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
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
      await this.insert(batch.map((p) => p.row));
      this.deps.metrics.auditRowsWritten.inc({ kind: "decision" }, batch.length);
      this.deps.metrics.auditBatchSize.observe(batch.length);
      for (const p of batch) p.resolve();
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

const writers = new WeakMap<Deps, AuditWriter>();

/**
 * The app's single decision audit writer, created on first use; its drain is registered as a
 * shutdown closer so queued rows are written before the database closes.
 */
export function getAuditWriter(deps: Deps): AuditWriter {
  let writer = writers.get(deps);
  if (!writer) {
    const created = new AuditWriter(deps);
    writer = created;
    writers.set(deps, created);
    deps.closers.push(() => created.drain());
  }
  return writer;
}
