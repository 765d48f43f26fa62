import { OPERATIONS, type OperationId } from "@plystra/contract";
import type { Context } from "hono";
import type { z } from "zod";
import type { Deps } from "../../deps.ts";
import { parseBody, parseQuery } from "../../http/body.ts";
import { created, ok, page } from "../../http/envelope.ts";
import { callerOf } from "../../http/caller.ts";
import type { OperationRegistry } from "../../http/operations.ts";
import type { AppEnv } from "../../http/types.ts";
import type { Caller } from "../../security/caller.ts";
import { type Db, type Page, requireSpace } from "./crud.ts";

/** Where a request points: the route's Space (nested routes) and the item id. */
export interface Target {
  spaceId: string | null;
  id: string;
}

/**
 * The operations of the spec one entity's CRUD serves, by operationId. Paths and permissions come
 * from the spec; a list whose path has `{space_id}` is nested (the Space must exist for lists and
 * creates), and the item id is the last path parameter of `get`.
 */
export interface CrudOperations {
  list: OperationId;
  create: OperationId;
  get: OperationId;
  update?: OperationId;
  /** DELETE `<item>` (soft delete). */
  remove?: OperationId;
  /** An extra un-nested GET by id, e.g. `getGroupByID` (`/api/v1/groups/{group_id}`). */
  getById?: OperationId;
}

/**
 * Declarative description of an entity's operations. Handlers stay thin: parse, call, envelope.
 */
export interface CrudRoutes<Dto, Q extends z.ZodType, C extends z.ZodType, U extends z.ZodType> {
  operations: CrudOperations;
  listQuery: Q;
  list: (db: Db, spaceId: string | null, q: z.output<Q>, caller: Caller) => Promise<Page<Dto>>;
  get: (db: Db, target: Target) => Promise<Dto>;
  createBody: C;
  create: (deps: Deps, caller: Caller, spaceId: string | null, body: z.output<C>) => Promise<Dto>;
  updateBody: U;
  update?: (deps: Deps, caller: Caller, target: Target, body: z.output<U>) => Promise<Dto>;
  /** Status steps by operationId (POST `<item>/<verb>`), with an optional body of the update schema. */
  transitions?: Partial<
    Record<
      OperationId,
      (deps: Deps, caller: Caller, target: Target, body: z.output<U> | undefined) => Promise<Dto>
    >
  >;
  remove?: (deps: Deps, caller: Caller, target: Target) => Promise<Dto>;
}

type Ctx = Context<AppEnv>;

/** The last path parameter of an operation: the item id of a CRUD item route. */
function idParamOf(id: OperationId): string {
  const params: readonly string[] = OPERATIONS[id].pathParams;
  const last = params.at(-1);
  if (!last) throw new Error(`${id} has no path parameter to read an item id from`);
  return last;
}

export function installCrud<Dto, Q extends z.ZodType, C extends z.ZodType, U extends z.ZodType>(
  ops: OperationRegistry,
  deps: Deps,
  r: CrudRoutes<Dto, Q, C, U>,
): void {
  const o = r.operations;
  const nested = (OPERATIONS[o.list].pathParams as readonly string[]).includes("space_id");
  const idParam = idParamOf(o.get);
  const param = (c: Ctx, name: string): string => c.req.param(name) ?? "";
  const space = (c: Ctx) => (nested ? param(c, "space_id") : null);
  const target = (c: Ctx): Target => ({ spaceId: space(c), id: param(c, idParam) });

  ops.handle(o.list, async (c) => {
    const q = parseQuery(c, r.listQuery);
    const spaceId = space(c);
    if (spaceId) await requireSpace(deps.db, spaceId);
    const { items, pagination } = await r.list(deps.db, spaceId, q, callerOf(c));
    return page(c, items, pagination);
  });
  ops.handle(o.create, async (c) =>
    created(c, await r.create(deps, callerOf(c), space(c), await parseBody(c, r.createBody))),
  );
  ops.handle(o.get, async (c) => ok(c, await r.get(deps.db, target(c))));
  const update = r.update;
  if (o.update && update)
    ops.handle(o.update, async (c) =>
      ok(c, await update(deps, callerOf(c), target(c), await parseBody(c, r.updateBody))),
    );
  for (const [id, run] of Object.entries(r.transitions ?? {})) {
    if (!run) continue;
    ops.handle(id as OperationId, async (c) => {
      const body = await parseBody(c, r.updateBody, { optional: true });
      return ok(c, await run(deps, callerOf(c), target(c), body));
    });
  }
  const remove = r.remove;
  if (o.remove && remove)
    ops.handle(o.remove, async (c) => ok(c, await remove(deps, callerOf(c), target(c))));
  if (o.getById) {
    const idName = idParamOf(o.getById);
    ops.handle(o.getById, async (c) => ok(c, await r.get(deps.db, { spaceId: null, id: param(c, idName) })));
  }
}
