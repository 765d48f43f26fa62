import pino from "pino";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../../lib/metrics.ts";
import { AuditWriter } from "./audit.writer.ts";

/** A stand-in insert that records batch sizes and can be made to fail. */
function fakeInsert(opts: { fail?: boolean; delayMs?: number } = {}) {
  const batches: number[] = [];
  const insert = async (rows: unknown[]) => {
    await new Promise((r) => setTimeout(r, opts.delayMs ?? 5));
    if (opts.fail) throw new Error("disk full");
    batches.push(rows.length);
  };
  return { insert, batches };
}

const row = (i: number) => ({
  space_id: "space_x",
  actor_user_id: `u${i}`,
  action: "invoice.read",
  resource_type: "invoice",
  resource_id: `i${i}`,
  decision: "allow" as const,
  request_id: null,
  ip_address: null,
  user_agent: null,
  trace: {},
});

describe("AuditWriter (group commit)", () => {
  it("writes a lone row at once and batches rows that arrive during a flush", async () => {
    const { insert, batches } = fakeInsert({ delayMs: 20 });
    const metrics = createMetrics();
    const w = new AuditWriter({ db: null as never, metrics, logger: pino({ level: "silent" }) }, { insert });
    await w.append(row(0));
    expect(batches).toEqual([1]);
    const first = w.append(row(1));
    await new Promise((r) => setTimeout(r, 2)); // the first flush is now in flight
    const rest = Array.from({ length: 10 }, (_, i) => w.append(row(i + 2)));
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([1, 1, 10]);
    const written = await metrics.registry.getSingleMetricAsString("plystra_audit_rows_written_total");
    expect(written).toContain('kind="decision"} 12');
  });

  it("caps a batch at maxBatch rows", async () => {
    const { insert, batches } = fakeInsert();
    const w = new AuditWriter(
      { db: null as never, metrics: createMetrics(), logger: pino({ level: "silent" }) },
      { maxBatch: 4, insert },
    );
    await Promise.all(Array.from({ length: 10 }, (_, i) => w.append(row(i))));
    expect(batches).toEqual([4, 4, 2]);
    await w.drain();
  });

  it("a failed flush rejects every waiter of the batch", async () => {
    const { insert } = fakeInsert({ fail: true });
    const w = new AuditWriter(
      { db: null as never, metrics: createMetrics(), logger: pino({ level: "silent" }) },
      { insert },
    );
    const results = await Promise.allSettled([w.append(row(1)), w.append(row(2)), w.append(row(3))]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    await w.drain();
  });

  it("one bad row in a batch fails only its own request: the rest are retried singly and written", async () => {
    const written: string[] = [];
    const insert = async (rows: { actor_user_id: string | null }[]) => {
      await new Promise((r) => setTimeout(r, 2));
      if (rows.some((r) => r.actor_user_id === "u2")) throw new Error("invalid byte sequence");
      for (const r of rows) written.push(r.actor_user_id as string);
    };
    const w = new AuditWriter(
      { db: null as never, metrics: createMetrics(), logger: pino({ level: "silent" }) },
      { insert: insert as never },
    );
    const first = w.append(row(0)); // flushes alone; the next three batch up behind it
    const rest = [w.append(row(1)), w.append(row(2)), w.append(row(3))];
    const results = await Promise.allSettled([first, ...rest]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(written.sort()).toEqual(["u0", "u1", "u3"]);
  });

  it("drain waits for queued rows", async () => {
    const { insert, batches } = fakeInsert({ delayMs: 10 });
    const w = new AuditWriter(
      { db: null as never, metrics: createMetrics(), logger: pino({ level: "silent" }) },
      { insert },
    );
    void w.append(row(1));
    void w.append(row(2));
    await w.drain();
    expect(batches.reduce((a, b) => a + b, 0)).toBe(2);
    expect(w.pending).toBe(0);
  });

  it("keeps at most maxInFlight flushes in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const insert = async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
    };
    const w = new AuditWriter(
      { db: null as never, metrics: createMetrics(), logger: pino({ level: "silent" }) },
      { maxBatch: 1, maxInFlight: 3, insert },
    );
    await Promise.all(Array.from({ length: 12 }, (_, i) => w.append(row(i))));
    expect(peak).toBe(3);
    await w.drain();
    expect(w.pending).toBe(0);
  });

  it("starts a flush beside one in flight only once minExtraBatch rows wait", async () => {
    const started: number[] = [];
    let inFlight = 0;
    let peak = 0;
    const insert = async (rows: unknown[]) => {
      started.push(rows.length);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
    };
    const w = new AuditWriter(
      { db: null as never, metrics: createMetrics(), logger: pino({ level: "silent" }) },
      { maxInFlight: 4, minExtraBatch: 3, insert },
    );
    const first = w.append(row(0)); // alone: starts at once
    await new Promise((r) => setTimeout(r, 2));
    const two = [w.append(row(1)), w.append(row(2))]; // 2 < 3 waiting: they wait for the first
    await new Promise((r) => setTimeout(r, 2));
    expect(started).toEqual([1]);
    const more = [w.append(row(3)), w.append(row(4))]; // now 4 wait: a second flush starts
    await new Promise((r) => setTimeout(r, 2));
    expect(started).toEqual([1, 4]);
    await Promise.all([first, ...two, ...more]);
    expect(peak).toBe(2);
    await w.drain();
  });
});
