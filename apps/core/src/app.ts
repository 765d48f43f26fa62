import { Hono } from "hono";
import type { Deps } from "./deps.ts";
import { documentationRoutes } from "./features/docs/docs.routes.ts";
import type { Feature } from "./features/feature.ts";
import { FEATURES } from "./features/index.ts";
import { REQUEST_SCHEMAS } from "./features/request-schemas.ts";
import { accessLog } from "./http/access-log.ts";
import { setMaxBodyBytes } from "./http/body.ts";
import { errorHandler, renderError } from "./http/error-handler.ts";
import { AppError } from "./http/errors.ts";
import { cors } from "./http/cors.ts";
import { mountOperations } from "./http/operations.ts";
import { requestContext } from "./http/request-context.ts";
import { securityHeaders } from "./http/security-headers.ts";
import type { AppEnv } from "./http/types.ts";

/**
 * Builds the HTTP application: middleware order, then every operation of the contract (its
 * permission middleware and its feature's handler), then the routes outside the contract. No
 * handlers here. Throws when the features do not handle exactly the spec's operations.
 *
 * @example
 * const app = createApp(deps);
 * const res = await app.request("/api/v1/health");
 */
export function createApp(deps: Deps, features: readonly Feature[] = FEATURES): Hono<AppEnv> {
  setMaxBodyBytes(deps.config.maxRequestBodyBytes);
  const app = new Hono<AppEnv>();
  app.use("*", requestContext(deps.config));
  app.use("*", securityHeaders());
  app.use("*", accessLog(deps));
  app.use("*", cors(deps.config));
  mountOperations(
    app,
    deps,
    (ops) => {
      for (const feature of features) feature.install(ops, deps);
    },
    REQUEST_SCHEMAS,
  );
  // The only routes outside the contract: the API reference and the spec it renders.
  documentationRoutes.install(app, deps);

  const patterns = () =>
    app.routes
      .filter((r) => r.method !== "ALL" && !r.path.includes("*"))
      .map((r) => ({
        method: r.method,
        re: new RegExp(`^${r.path.replace(/:[A-Za-z0-9_]+/g, "[^/]+")}$`),
      }));
  let compiled: ReturnType<typeof patterns> | null = null;
  app.notFound((c) => {
    compiled ??= patterns();
    const path = c.req.path;
    const methods = new Set(compiled.filter((p) => p.re.test(path)).map((p) => p.method));
    if (methods.size === 0) return renderError(c, new AppError("NOT_FOUND"), deps.config);
    // RFC 9110 §15.5.6: a 405 lists the methods the resource supports.
    if (methods.has("GET")) methods.add("HEAD");
    methods.add("OPTIONS");
    const allow = [...methods].join(", ");
    return renderError(
      c,
      new AppError("METHOD_NOT_ALLOWED", undefined, null, {}, { Allow: allow }),
      deps.config,
    );
  });
  app.onError(errorHandler(deps.config));
  return app;
}
