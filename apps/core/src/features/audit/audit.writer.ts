import type { Deps } from "../../deps.ts";
import { type AuditRowInput, insertAuditRows } from "../../lib/audit.ts";

/** Most rows one flush inserts; bounds statement size while a burst drains. */
const MAX_BATCH = 256;

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
 * rows that arrive while a flush is in flight (the chain-head row lock serialises audit inserts
 * anyway, so one flush at a time loses nothing).
 *
 * @example
 * ```ts
 * const writer = getAuditWriter(deps);
 * await writer.append(row); // resolves once the row is committed
 * ```
 */
export class AuditWriter {
  private queue: Pending[] = [];
  private flushing = false;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly deps: Pick<Deps, "db" | "metrics" | "logger">,
    private readonly maxBatch = MAX_BATCH,
  ) {}

  /** Queues one row; resolves after it is committed, rejects when its batch failed. */
  append(row: AuditRowInput): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (!this.flushing && !this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          void this.flush();
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
    if (!this.flushing && !this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await insertAuditRows(
            this.deps.db,
            batch.map((p) => p.row),
          );
          this.deps.metrics.auditRowsWritten.inc({ kind: "decision" }, batch.length);
          this.deps.metrics.auditBatchSize.observe(batch.length);
          for (const p of batch) p.resolve();
        } catch (err) {
          this.deps.logger.error(
            { err: (err as Error).message, rows: batch.length },
            "audit flush failed; rejecting every waiter of the batch",
          );
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.flushing = false;
      if (this.queue.length === 0 && !this.scheduled) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      } else if (!this.scheduled) {
        void this.flush();
      }
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
