import { parseBody, parseQuery } from "../../http/body.ts";
import { authenticatedCallerOf } from "../../http/caller.ts";
import { created, ok, page } from "../../http/envelope.ts";
import { requirePrincipal } from "../../security/authenticate.ts";
import type { Feature } from "../feature.ts";
import { createApiKeyBody, listApiKeysQuery, revokeBody } from "./api-keys.schemas.ts";
import { createApiKey, listVisibleApiKeys, readApiKey, revokeApiKey } from "./api-keys.service.ts";

export const apiKeysFeature: Feature = {
  name: "api-keys",
  install(ops, deps) {
    ops.handle("listAPIKeys", async (c) => {
      const p = await requirePrincipal(deps, c);
      const q = parseQuery(c, listApiKeysQuery);
      const { items, pagination } = await listVisibleApiKeys(deps, p, q);
      return page(c, items, pagination);
    });

    ops.handle("createAPIKey", async (c) => {
      const caller = await authenticatedCallerOf(deps, c);
      const body = await parseBody(c, createApiKeyBody);
      return created(c, await createApiKey(deps, caller, body));
    });

    ops.handle("getAPIKey", async (c) => {
      const p = await requirePrincipal(deps, c);
      return ok(c, await readApiKey(deps, p, c.req.param("api_key_id")));
    });

    ops.handle("revokeAPIKey", async (c) => {
      const caller = await authenticatedCallerOf(deps, c);
      const body = await parseBody(c, revokeBody, { optional: true });
      return ok(c, await revokeApiKey(deps, caller, c.req.param("api_key_id"), body.revoked_reason ?? null));
    });
  },
};
