import type { MiddlewareHandler } from "hono";
import type { Deps } from "../deps.ts";
import { resolveEntityScope } from "../security/entity-scope.ts";
import { allows, type Requirement } from "../security/policy.ts";
import { groupReachPaths } from "../security/reach.ts";
import { assertKeyLive, authenticate, keyLivenessPending } from "../security/authenticate.ts";
import { AppError, validationError } from "./errors.ts";
import { ROUTE_TABLE, type RouteRule } from "./route-table.ts";
import type { AppEnv } from "./types.ts";

interface CompiledRule {
  rule: RouteRule;
  re: RegExp;
  params: string[];
}

function compile(rules: RouteRule[]): CompiledRule[] {
  return rules.map((rule) => {
    const params: string[] = [];
    const src = rule.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
      params.push(name);
      return "([^/]+)";
    });
    return { rule, re: new RegExp(`^${src}$`), params };
  });
}

/** Percent-decodes one path segment; malformed encoding (`%ZZ`, a lone `%E2`) is a 400 naming it. */
export function decodePathParam(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw validationError(name, "is not valid percent-encoding in the URL path");
  }
}

/** Finds the table rule for a request; static segments win over params (`groups/tree`). */
export function matchRoute(
  compiled: CompiledRule[],
  method: string,
  path: string,
): { rule: RouteRule; params: Record<string, string> } | null {
  let best: { rule: RouteRule; params: Record<string, string>; score: number } | null = null;
  for (const c of compiled) {
    if (c.rule.method !== method) continue;
    const m = c.re.exec(path);
    if (!m) continue;
    const score = -c.params.length;
    if (!best || score > best.score) {
      const params: Record<string, string> = {};
      c.params.forEach((name, i) => {
        params[name] = decodePathParam(name, m[i + 1]);
      });
      best = { rule: c.rule, params, score };
    }
  }
  return best;
}

/**
 * Authenticates and enforces the route table before any handler runs:
 * no/invalid credential → 401 AUTHENTICATION_REQUIRED; lacking the key at the resolved scope →
 * 403 ADMIN_PERMISSION_REQUIRED with details.permission.
 */
export function guard(deps: Deps): MiddlewareHandler<AppEnv> {
  const compiled = compile(ROUTE_TABLE);
  return async (c, next) => {
    // HEAD is served by the GET handler, so it must pass the GET rule.
    const method = c.req.method === "HEAD" ? "GET" : c.req.method;
    const found = matchRoute(compiled, method, c.req.path);
    if (!found) return next();
    c.set("routePattern", found.rule.path);
    const access = found.rule.access;
    if (access === "public") return next();
    const principal = await authenticate(deps, c, { deferKeyLiveness: found.rule.deferKeyLiveness === true });
    if (!principal) throw new AppError("AUTHENTICATION_REQUIRED");
    const req: Requirement = { permission: access.permission };
    const scope = access.scope;
    if (scope?.space) req.spaceId = found.params[scope.space];
    if (scope?.query === "space_id") req.spaceId = c.req.query("space_id") || null;
    if (scope?.entity) {
      const stored = await resolveEntityScope(deps, scope.entity.kind, found.params[scope.entity.param]);
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
      throw new AppError("ADMIN_PERMISSION_REQUIRED", undefined, { permission: access.permission });
    }
    await next();
    // A deferred key whose handler ended without reading its liveness (an early 400, say) must not
    // get that answer if it is dead: it gets the 401 the guard would have given.
    if (keyLivenessPending(principal)) await assertKeyLive(deps, principal);
  };
}
