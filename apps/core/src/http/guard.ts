import { isPublic, type OperationSpec } from "@plystra/contract";
import type { Context, MiddlewareHandler } from "hono";
import type { Deps } from "../deps.ts";
import { resolveEntityScope } from "../security/entity-scope.ts";
import { allows, type Requirement } from "../security/policy.ts";
import { groupReachPaths } from "../security/reach.ts";
import { assertKeyLive, authenticate, keyLivenessPending } from "../security/authenticate.ts";
import { AppError, validationError } from "./errors.ts";
import type { AppEnv } from "./types.ts";

/** Percent-decodes one path segment; malformed encoding (`%ZZ`, a lone `%E2`) is a 400 naming it. */
export function decodePathParam(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw validationError(name, "is not valid percent-encoding in the URL path");
  }
}

/**
 * The operation's path parameters, strictly decoded. Hono's own `c.req.param()` leaves a malformed
 * escape in place, which would reach the handler as a literal `%ZZ`; we answer 400 instead. Hono has
 * already matched this operation's path, so each parameter is the request path's segment at the
 * parameter's position (`c.req.path` keeps `%2F` encoded, so segments split like the template).
 */
function pathParamsOf(op: OperationSpec): (c: Context<AppEnv>) => Record<string, string> {
  const positions = op.honoPath
    .split("/")
    .flatMap((segment, index) => (segment.startsWith(":") ? [[segment.slice(1), index] as const] : []));
  return (c) => {
    const segments = c.req.path.split("/");
    const params: Record<string, string> = {};
    for (const [name, index] of positions) params[name] = decodePathParam(name, segments[index] ?? "");
    return params;
  };
}

/**
 * The permission middleware of one operation, built from its `x-plystra-permission` rule and run
 * before its handler (HEAD requests reach the GET operation, so they pass the GET rule):
 * malformed path encoding → 400; no/invalid credential → 401 AUTHENTICATION_REQUIRED (before any
 * request validation); lacking the key at the resolved scope → 403 ADMIN_PERMISSION_REQUIRED with
 * details.permission.
 */
export function permissionGuard(deps: Deps, op: OperationSpec): MiddlewareHandler<AppEnv> {
  const params = pathParamsOf(op);
  const permission = op.permission;
  if (isPublic(permission)) {
    return async (c, next) => {
      c.set("routePattern", op.honoPath);
      params(c);
      await next();
    };
  }
  const scope = permission.scope;
  const deferKeyLiveness = permission.deferKeyLiveness === true;
  return async (c, next) => {
    c.set("routePattern", op.honoPath);
    const values = params(c);
    const principal = await authenticate(deps, c, { deferKeyLiveness });
    if (!principal) throw new AppError("AUTHENTICATION_REQUIRED");
    const req: Requirement = { permission: permission.key };
    if (scope?.space) {
      req.spaceId =
        "param" in scope.space ? values[scope.space.param] : c.req.query(scope.space.query) || null;
    }
    if (scope?.entity) {
      const stored = await resolveEntityScope(deps, scope.entity.kind, values[scope.entity.param]);
      if (stored) {
        req.spaceId = stored.spaceId;
        req.groupId = stored.groupId;
        req.groupPath = stored.groupPath;
      }
    }
    // subtreeList: group admins pass a Space-wide list that the handler narrows to their subtree.
    // reachList: without a Space to narrow to, holding the key anywhere suffices; the handler filters.
    // Both are only consulted when the plain check fails.
    if (
      !allows(principal, req) &&
      !(scope?.subtreeList && groupReachPaths(principal, req.permission, req.spaceId ?? null).length > 0) &&
      !(scope?.reachList && !req.spaceId && allows(principal, req, true))
    ) {
      throw new AppError("ADMIN_PERMISSION_REQUIRED", undefined, { permission: permission.key });
    }
    await next();
    // A deferred key whose handler ended without reading its liveness (an early 400, say) must not
    // get that answer if it is dead: it gets the 401 the guard would have given.
    if (keyLivenessPending(principal)) await assertKeyLive(deps, principal);
  };
}
