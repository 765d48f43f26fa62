import type { Context, Hono } from "hono";
import type { z } from "zod";
import type { Deps } from "../../deps.ts";
import { parseBody, parseQuery } from "../../http/body.ts";
import { created, ok, page } from "../../http/envelope.ts";
import { callerOf } from "../../http/caller.ts";
import type { AppEnv } from "../../http/types.ts";
import type { Caller } from "../../security/caller.ts";
import { type Db, type Page, requireSpace } from "./crud.ts";

/** Where a request points: the route's Space (nested routes) and the item id. */
export interface Target {
  spaceId: string | null;
  id: string;
}

/**
 * Declarative description of an entity's routes. Handlers stay thin: parse, call, envelope.
 * Nested bases contain `:space_id`; the Space must exist for lists and creates.
 */
export interface CrudRoutes<Dto, Q extends z.ZodType, C extends z.ZodType, U extends z.ZodType> {
  base: string;
  idParam: string;
  listQuery: Q;
  list: (db: Db, spaceId: string | null, q: z.output<Q>, caller: Caller) => Promise<Page<Dto>>;
  get: (db: Db, target: Target) => Promise<Dto>;
  createBody: C;
  create: (deps: Deps, caller: Caller, spaceId: string | null, body: z.output<C>) => Promise<Dto>;
  updateBody: U;
  update?: (deps: Deps, caller: Caller, target: Target, body: z.output<U>) => Promise<Dto>;
  /** POST `<item>/<verb>` with an optional body of the update schema. */
  transitions?: Record<
    string,
    (deps: Deps, caller: Caller, target: Target, body: z.output<U> | undefined) => Promise<Dto>
  >;
  /** DELETE `<item>` (soft delete). */
  remove?: (deps: Deps, caller: Caller, target: Target) => Promise<Dto>;
  /** Extra un-nested GET-by-id path, e.g. `/api/v1/members/:member_id`. */
  byIdPath?: string;
}

type Ctx = Context<AppEnv>;

export function installCrud<Dto, Q extends z.ZodType, C extends z.ZodType, U extends z.ZodType>(
  app: Hono<AppEnv>,
  deps: Deps,
  r: CrudRoutes<Dto, Q, C, U>,
): void {
  const nested = r.base.includes(":space_id");
  const param = (c: Ctx, name: string): string => c.req.param(name) ?? "";
  const space = (c: Ctx) => (nested ? param(c, "space_id") : null);
  const target = (c: Ctx): Target => ({ spaceId: space(c), id: param(c, r.idParam) });
  const item = `${r.base}/:${r.idParam}`;

  app.get(r.base, async (c) => {
    const q = parseQuery(c, r.listQuery);
    const spaceId = space(c);
    if (spaceId) await requireSpace(deps.db, spaceId);
    const { items, pagination } = await r.list(deps.db, spaceId, q, callerOf(c));
    return page(c, items, pagination);
  });
  app.post(r.base, async (c) =>
    created(c, await r.create(deps, callerOf(c), space(c), await parseBody(c, r.createBody))),
  );
  app.get(item, async (c) => ok(c, await r.get(deps.db, target(c))));
  const update = r.update;
  if (update)
    app.patch(item, async (c) =>
      ok(c, await update(deps, callerOf(c), target(c), await parseBody(c, r.updateBody))),
    );
  for (const [verb, run] of Object.entries(r.transitions ?? {})) {
    app.post(`${item}/${verb}`, async (c) => {
      const body = await parseBody(c, r.updateBody, { optional: true });
      return ok(c, await run(deps, callerOf(c), target(c), body));
    });
  }
  const remove = r.remove;
  if (remove) app.delete(item, async (c) => ok(c, await remove(deps, callerOf(c), target(c))));
  if (r.byIdPath) {
    const idName = r.byIdPath.split(":").pop() as string;
    app.get(r.byIdPath, async (c) => ok(c, await r.get(deps.db, { spaceId: null, id: param(c, idName) })));
  }
}
