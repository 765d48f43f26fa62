import { OPERATIONS, type OperationId, type OperationSpec } from "@plystra/contract";
import type { Handler, Hono, MiddlewareHandler } from "hono";
import type { Deps } from "../deps.ts";
import { permissionGuard } from "./guard.ts";
import type { AppEnv, RequestValidators } from "./types.ts";

/** The Hono path of an operation, as a literal type, so `c.req.param("space_id")` is typed. */
export type HonoPath<Op extends OperationId> = (typeof OPERATIONS)[Op]["honoPath"];

/** The handler of one operation of the contract. */
export type OperationHandler<Op extends OperationId = OperationId> = Handler<AppEnv, HonoPath<Op>>;

/**
 * What a feature registers its handlers with: one handler per operationId of the contract
 * (`openapi/plystra.yaml`). Method, path and permission come from the spec, never from the feature.
 *
 * @example
 * ops.handle("getHealth", (c) => ok(c, { status: "ok" }));
 */
export interface OperationRegistry {
  handle<Op extends OperationId>(id: Op, handler: OperationHandler<Op>): void;
}

/**
 * Static segments sort before parameters at the first position where two paths differ in kind,
 * so `/groups/tree` is registered (and so wins, Hono runs matches in registration order) before
 * `/groups/:group_id`.
 */
function bySpecificity(a: OperationSpec, b: OperationSpec): number {
  const as = a.honoPath.split("/");
  const bs = b.honoPath.split("/");
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const ap = as[i].startsWith(":");
    const bp = bs[i].startsWith(":");
    if (ap !== bp) return ap ? 1 : -1;
  }
  return a.honoPath < b.honoPath ? -1 : a.honoPath > b.honoPath ? 1 : 0;
}

/**
 * Mounts every operation of the contract on `app`: per operation, its permission middleware (from
 * the spec's `x-plystra-permission`) and the handler `register` supplied for its operationId.
 * `validators` (the compile-time checked `REQUEST_SCHEMAS` table) is what the handler's
 * `parseBody`/`parseQuery` must parse with; `http/body.ts` refuses any other schema, so the table
 * checked against the spec is the one the server really applies.
 * Throws one error naming every operation without a handler, every handler naming an unknown
 * operationId and every operationId handled twice, so a mismatch fails at startup, not on a request.
 */
export function mountOperations(
  app: Hono<AppEnv>,
  deps: Deps,
  register: (ops: OperationRegistry) => void,
  validators: Readonly<Partial<Record<string, RequestValidators>>> = {},
  table: Readonly<Record<string, OperationSpec>> = OPERATIONS,
): void {
  const handlers = new Map<string, Handler<AppEnv>>();
  const unknown: string[] = [];
  const duplicate: string[] = [];
  register({
    handle(id, handler) {
      if (!Object.hasOwn(table, id)) unknown.push(id);
      else if (handlers.has(id)) duplicate.push(id);
      else handlers.set(id, handler as Handler<AppEnv>);
    },
  });
  const missing = Object.keys(table).filter((id) => !handlers.has(id));
  const problems = [
    missing.length ? `operations without a handler: ${missing.sort().join(", ")}` : "",
    unknown.length ? `handlers for unknown operationIds: ${unknown.sort().join(", ")}` : "",
    duplicate.length ? `operations handled twice: ${duplicate.sort().join(", ")}` : "",
  ].filter(Boolean);
  if (problems.length) {
    throw new Error(`The server does not implement openapi/plystra.yaml: ${problems.join("; ")}.`);
  }
  const ordered = Object.entries(table).sort(([, a], [, b]) => bySpecificity(a, b));
  for (const [id, op] of ordered) {
    const schemas: RequestValidators = validators[id] ?? {};
    const identify: MiddlewareHandler<AppEnv> = async (c, next) => {
      c.set("operationId", id);
      c.set("requestSchemas", schemas);
      await next();
    };
    app.on(op.method, op.honoPath, identify, permissionGuard(deps, op), handlers.get(id) as Handler<AppEnv>);
  }
}
