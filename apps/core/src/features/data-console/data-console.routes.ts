import type { Context } from "hono";
import type { Deps } from "../../deps.ts";
import { parseBody, parseQuery } from "../../http/body.ts";
import { callerOf } from "../../http/caller.ts";
import { created, ok, page } from "../../http/envelope.ts";
import { AppError } from "../../http/errors.ts";
import type { AppEnv } from "../../http/types.ts";
import { requirePrincipal, requireSession } from "../../security/authenticate.ts";
import type { AuthenticatedCaller } from "../../security/caller.ts";
import { keysetPage } from "../_crud/crud.ts";
import { reachOf } from "../../security/reach.ts";
import type { Feature } from "../feature.ts";
import { getResource, listResources } from "../resources/resources.repository.ts";
import { resourceDto } from "../resources/resources.routes.ts";
import { type DataTableRow, listDataTables } from "./data-console.repository.ts";
import {
  createDataRowBody,
  dataRowsQuery,
  dataTablesQuery,
  updateDataRowBody,
} from "./data-console.schemas.ts";
import { createDataRow, deleteDataRow, requireDataTable, updateDataRow } from "./data-console.service.ts";
import { markDecision } from "../authz/authz.routes.ts";

const tableDto = ({ type_display_name, display_name, ...r }: DataTableRow) => ({
  ...r,
  display_name: display_name ?? type_display_name,
  metadata: r.metadata ?? {},
});

/** The guard has authenticated and checked data:* already; a disabled console then answers 404. */
function enabled(deps: Deps) {
  if (!deps.config.dataConsoleEnabled) throw new AppError("FEATURE_DISABLED");
}

type Ctx = Context<AppEnv>;

const param = (c: Ctx, name: string) => c.req.param(name) ?? "";

/** Writes act as a credential: the guard's principal, else a session. */
async function writer(deps: Deps, c: Ctx): Promise<AuthenticatedCaller> {
  const principal = c.get("principal") ?? (await requireSession(deps, c));
  return { ...callerOf(c), principal };
}

/** The row as a DTO; the deciding check's ids go to the correlation headers and the access log. */
function withRow<
  T extends { row: Parameters<typeof resourceDto>[0]; authorization: Parameters<typeof markDecision>[1] },
>(c: Ctx, result: T) {
  markDecision(c, result.authorization);
  return { ...result, row: resourceDto(result.row) };
}

/** Preview Data Console: resource mappings as tables and resources as rows, writes behind authz checks. */
export const dataConsoleFeature: Feature = {
  name: "data-console",
  install(ops, deps) {
    ops.handle("listDataTables", async (c) => {
      enabled(deps);
      const { items, pagination } = await listDataTables(deps.db, parseQuery(c, dataTablesQuery));
      return page(c, items.map(tableDto), pagination);
    });
    ops.handle("listDataRows", async (c) => {
      enabled(deps);
      const principal = await requirePrincipal(deps, c);
      const q = parseQuery(c, dataRowsQuery);
      const type = param(c, "resource_type");
      await requireDataTable(deps, type);
      const reach = reachOf(principal, "data:read");
      const p = await keysetPage(`data_rows:${type}:${q.space_id ?? ""}`, q, (afterId, take) =>
        listResources(deps.db, { spaceId: q.space_id, type, reach, afterId, take }),
      );
      return page(c, p.items.map(resourceDto), p.pagination);
    });
    ops.handle("createDataRow", async (c) => {
      enabled(deps);
      const body = await parseBody(c, createDataRowBody);
      const result = await createDataRow(deps, await writer(deps, c), param(c, "resource_type"), body);
      return created(c, withRow(c, result));
    });
    ops.handle("getDataRow", async (c) => {
      enabled(deps);
      const row = await getResource(deps.db, param(c, "resource_id"), { type: param(c, "resource_type") });
      return ok(c, resourceDto(row));
    });
    ops.handle("updateDataRow", async (c) => {
      enabled(deps);
      const body = await parseBody(c, updateDataRowBody);
      const caller = await writer(deps, c);
      const result = await updateDataRow(
        deps,
        caller,
        param(c, "resource_type"),
        param(c, "resource_id"),
        body,
      );
      return ok(c, withRow(c, result));
    });
    ops.handle("deleteDataRow", async (c) => {
      enabled(deps);
      const caller = await writer(deps, c);
      return ok(
        c,
        withRow(c, await deleteDataRow(deps, caller, param(c, "resource_type"), param(c, "resource_id"))),
      );
    });
  },
};
