import { parseBody, parseQuery } from "../../http/body.ts";
import { authenticatedCallerOf } from "../../http/caller.ts";
import { created, ok, page } from "../../http/envelope.ts";
import { requirePrincipal } from "../../security/authenticate.ts";
import type { Feature } from "../feature.ts";
import { createGrantBody, listGrantsQuery, revokeGrantBody } from "./admin.schemas.ts";
import { adminMe, createGrant, listVisibleGrants, readGrant, revokeGrant } from "./admin.service.ts";

export const adminFeature: Feature = {
  name: "admin",
  install(ops, deps) {
    ops.handle("getAdminMe", async (c) => ok(c, await adminMe(deps, await requirePrincipal(deps, c))));

    ops.handle("listAdminGrants", async (c) => {
      const p = await requirePrincipal(deps, c);
      const q = parseQuery(c, listGrantsQuery);
      const { items, pagination } = await listVisibleGrants(deps, p, q);
      return page(c, items, pagination);
    });

    ops.handle("createAdminGrant", async (c) => {
      const caller = await authenticatedCallerOf(deps, c);
      const body = await parseBody(c, createGrantBody);
      return created(c, await createGrant(deps, caller, body));
    });

    ops.handle("getAdminGrant", async (c) => {
      const p = await requirePrincipal(deps, c);
      return ok(c, await readGrant(deps, p, c.req.param("admin_grant_id")));
    });

    ops.handle("revokeAdminGrant", async (c) => {
      const caller = await authenticatedCallerOf(deps, c);
      const body = await parseBody(c, revokeGrantBody, { optional: true });
      return ok(
        c,
        await revokeGrant(deps, caller, c.req.param("admin_grant_id"), body.revoked_reason ?? null),
      );
    });
  },
};
