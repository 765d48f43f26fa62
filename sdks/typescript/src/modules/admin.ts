import type { PagePromise } from "../pagination";
import type { ListItem, QueryParams, RequestBody, RequestOptions, ResponseData } from "../types";
import { ApiModule } from "./base";

/**
 * The calling principal and admin grants (session credentials manage grants).
 *
 * @example
 * ```ts
 * const me = await client.admin.me();
 * for await (const grant of client.admin.listGrants({ status: "active" })) console.log(grant.level);
 * ```
 */
export class AdminModule extends ApiModule {
  me(options?: RequestOptions): Promise<ResponseData<"getAdminMe">> {
    return this._data("getAdminMe", {}, options);
  }
  listGrants(
    params?: QueryParams<"listAdminGrants">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listAdminGrants">> {
    return this._list("listAdminGrants", { query: params }, options);
  }
  getGrant(adminGrantId: string, options?: RequestOptions): Promise<ResponseData<"getAdminGrant">> {
    return this._data("getAdminGrant", { path: { admin_grant_id: adminGrantId } }, options);
  }
  createGrant(
    body: RequestBody<"createAdminGrant">,
    options?: RequestOptions,
  ): Promise<ResponseData<"createAdminGrant">> {
    return this._data("createAdminGrant", { body }, options);
  }
  revokeGrant(
    adminGrantId: string,
    body: RequestBody<"revokeAdminGrant"> = {},
    options?: RequestOptions,
  ): Promise<ResponseData<"revokeAdminGrant">> {
    return this._data("revokeAdminGrant", { path: { admin_grant_id: adminGrantId }, body }, options);
  }
}

/**
 * Scoped API keys. `create` returns the plaintext once, as `api_key`.
 *
 * @example
 * ```ts
 * const key = await client.apiKeys.create({
 *   name: "billing-service",
 *   level: "space",
 *   space_id: "space_acme",
 *   permission_keys: ["authz:check"],
 * });
 * const service = new PlystraClient({ baseUrl, apiKey: key.api_key });
 * await client.apiKeys.revoke(key.id);
 * ```
 */
export class ApiKeysModule extends ApiModule {
  list(params?: QueryParams<"listAPIKeys">, options?: RequestOptions): PagePromise<ListItem<"listAPIKeys">> {
    return this._list("listAPIKeys", { query: params }, options);
  }
  create(body: RequestBody<"createAPIKey">, options?: RequestOptions): Promise<ResponseData<"createAPIKey">> {
    return this._data("createAPIKey", { body }, options);
  }
  get(apiKeyId: string, options?: RequestOptions): Promise<ResponseData<"getAPIKey">> {
    return this._data("getAPIKey", { path: { api_key_id: apiKeyId } }, options);
  }
  revoke(
    apiKeyId: string,
    body: RequestBody<"revokeAPIKey"> = {},
    options?: RequestOptions,
  ): Promise<ResponseData<"revokeAPIKey">> {
    return this._data("revokeAPIKey", { path: { api_key_id: apiKeyId }, body }, options);
  }
}

/**
 * The append-only audit log (decisions and management mutations), newest first.
 *
 * @example
 * ```ts
 * const page = await client.audit.list({ resource_id: "invoice_001", decision: "deny", limit: 20 });
 * const row = await client.audit.get(page.data[0].id);
 * ```
 */
export class AuditModule extends ApiModule {
  list(
    params?: QueryParams<"listAuditLogs">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listAuditLogs">> {
    return this._list("listAuditLogs", { query: params }, options);
  }
  get(auditLogId: string, options?: RequestOptions): Promise<ResponseData<"getAuditLog">> {
    return this._data("getAuditLog", { path: { audit_log_id: auditLogId } }, options);
  }
  /** Space-scoped list (`/spaces/{space_id}/audit-logs`). */
  listInSpace(
    spaceId: string,
    params?: QueryParams<"listSpaceAuditLogs">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listSpaceAuditLogs">> {
    return this._list("listSpaceAuditLogs", { path: { space_id: spaceId }, query: params }, options);
  }
  getInSpace(
    spaceId: string,
    auditLogId: string,
    options?: RequestOptions,
  ): Promise<ResponseData<"getSpaceAuditLog">> {
    return this._data("getSpaceAuditLog", { path: { space_id: spaceId, audit_log_id: auditLogId } }, options);
  }
}
