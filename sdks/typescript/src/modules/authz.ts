import type { AuthzCheckInput, AuthzCheckResult, AuthzExplainResult, RequestOptions } from "../types";
import { ApiModule } from "./base";

/**
 * Authorization decisions. A deny is a normal return value (`allow: false` with a `deny_code`),
 * never an exception; errors are reserved for bad input and credentials.
 *
 * Managed mode names stored entities; a session may omit `actor` (its active member is used):
 * ```ts
 * const d = await client.authz.check({ resource_type: "invoice", resource_id: "invoice_001", action: "approve" });
 * if (!d.allow) console.log(d.deny_code, d.reason);
 * ```
 * Context Mode (API keys only) sends the actor, resource and grants inline:
 * ```ts
 * await client.authz.check({
 *   action: "approve",
 *   actor: { user_id: "ext_alice", member_id: "ext_reviewer", binding_id: "ext_binding", space_id: "space_acme" },
 *   resource: { type: "invoice", external_id: "inv_9", space_id: "space_acme", group_path: "finance.apac" },
 *   grants: [{ resource: "invoice", action: "approve", scope: "group_tree", scope_anchor_group_path: "finance" }],
 * });
 * ```
 */
export class AuthzModule extends ApiModule {
  /** `POST /api/v1/authz/check`; one audit row per decision. */
  check(input: AuthzCheckInput, options?: RequestOptions): Promise<AuthzCheckResult> {
    return this._data("checkAuthorization", { body: input }, options);
  }
  /** `POST /api/v1/authz/explain`: the full decision with its trace. */
  explain(input: AuthzCheckInput, options?: RequestOptions): Promise<AuthzExplainResult> {
    return this._data("explainAuthorization", { body: input }, options);
  }
  /** `check` reduced to its boolean. */
  async isAllowed(input: AuthzCheckInput, options?: RequestOptions): Promise<boolean> {
    return (await this.check(input, options)).allow === true;
  }
}
