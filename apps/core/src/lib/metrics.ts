import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Prometheus series, one registry per app instance (tests create several apps per process). */
export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<"method" | "route" | "status">;
  readonly authzDecisions: Counter<"decision" | "deny_code">;
  readonly auditRowsWritten: Counter<"kind">;
  readonly auditBatchSize: Histogram<string>;
  readonly authzContextCache: Counter<"result">;
  readonly dbPool: Gauge<"state">;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: "plystra_" });
  return {
    registry,
    httpDuration: new Histogram({
      name: "plystra_http_request_duration_seconds",
      help: "HTTP request duration by route pattern and status.",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    authzDecisions: new Counter({
      name: "plystra_authz_decisions_total",
      help: "Authorization decisions by decision and deny code.",
      labelNames: ["decision", "deny_code"],
      registers: [registry],
    }),
    auditRowsWritten: new Counter({
      name: "plystra_audit_rows_written_total",
      help: "Audit rows durably written, by kind (decision or mutation).",
      labelNames: ["kind"],
      registers: [registry],
    }),
    authzContextCache: new Counter({
      name: "plystra_authz_context_cache_total",
      help: "Checks by decision-context cache result: hit (decided from cache, confirmed by the audit flush), stale (decided from cache, a version had moved: decided again from the database), miss.",
      labelNames: ["result"],
      registers: [registry],
    }),
    auditBatchSize: new Histogram({
      name: "plystra_audit_batch_size",
      help: "Rows per group-commit audit flush.",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    dbPool: new Gauge({
      name: "plystra_db_pool_connections",
      help: "Database pool connections by state.",
      labelNames: ["state"],
      registers: [registry],
    }),
  };
}
