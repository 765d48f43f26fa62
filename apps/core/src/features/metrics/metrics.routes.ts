import type { Context } from "hono";
import { AppError } from "../../http/errors.ts";
import type { AppEnv } from "../../http/types.ts";
import { authenticate } from "../../security/authenticate.ts";
import { allows } from "../../security/policy.ts";
import { constantTimeEqual } from "../../security/tokens.ts";
import type { Feature } from "../feature.ts";

function presentedMetricsTokens(c: Context<AppEnv>): string[] {
  const out: string[] = [];
  for (const h of ["x-plystra-metrics-token", "x-metrics-token"]) {
    const v = c.req.header(h)?.trim();
    if (v) out.push(v);
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization")?.trim() ?? "");
  if (bearer) out.push(bearer[1].trim());
  return out;
}

export const metricsFeature: Feature = {
  name: "metrics",
  install(ops, deps) {
    /**
     * Off by default (404 FEATURE_DISABLED). With a metrics token configured, that token is the
     * only way in; without one, any session or API key holding `metrics:read` is accepted.
     */
    ops.handle("getMetrics", async (c) => {
      if (!deps.config.metricsEnabled) throw new AppError("FEATURE_DISABLED", "Metrics are disabled.");
      const token = deps.config.metricsToken;
      let authorised = false;
      if (token) {
        // Check every presented value so timing does not reveal which header carried it.
        for (const v of presentedMetricsTokens(c)) authorised = constantTimeEqual(v, token) || authorised;
      } else {
        const principal = await authenticate(deps, c).catch(() => null);
        authorised = allows(principal ?? undefined, { permission: "metrics:read" }, false);
      }
      if (!authorised) throw new AppError("METRICS_TOKEN_REQUIRED");
      const pool = deps.database.poolStats();
      deps.metrics.dbPool.set({ state: "total" }, pool.total);
      deps.metrics.dbPool.set({ state: "idle" }, pool.idle);
      deps.metrics.dbPool.set({ state: "waiting" }, pool.waiting);
      const body = await deps.metrics.registry.metrics();
      c.set("responseBytes", Buffer.byteLength(body));
      return c.body(body, 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
    });
  },
};
