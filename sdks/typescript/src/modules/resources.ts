import type { PagePromise } from "../pagination";
import type { ListItem, QueryParams, RequestBody, RequestOptions, ResponseData } from "../types";
import { ApiModule } from "./base";

/**
 * The resource registry: types, their actions and their storage mapping.
 *
 * @example
 * ```ts
 * await client.resourceTypes.upsert({ key: "expense_report", display_name: "Expense report" });
 * await client.resourceTypes.upsertAction("expense_report", { key: "approve", risk_level: "high" });
 * ```
 */
export class ResourceTypesModule extends ApiModule {
  list(
    params?: QueryParams<"listResourceTypes">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listResourceTypes">> {
    return this._list("listResourceTypes", { query: params }, options);
  }
  /** Creates or updates a type by `key`. */
  upsert(
    body: RequestBody<"upsertResourceType">,
    options?: RequestOptions,
  ): Promise<ResponseData<"upsertResourceType">> {
    return this._data("upsertResourceType", { body }, options);
  }
  get(resourceType: string, options?: RequestOptions): Promise<ResponseData<"getResourceType">> {
    return this._data("getResourceType", { path: { resource_type: resourceType } }, options);
  }
  actions(
    resourceType: string,
    params?: QueryParams<"listResourceActions">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listResourceActions">> {
    return this._list(
      "listResourceActions",
      { path: { resource_type: resourceType }, query: params },
      options,
    );
  }
  upsertAction(
    resourceType: string,
    body: RequestBody<"upsertResourceAction">,
    options?: RequestOptions,
  ): Promise<ResponseData<"upsertResourceAction">> {
    return this._data("upsertResourceAction", { path: { resource_type: resourceType }, body }, options);
  }
  mapping(resourceType: string, options?: RequestOptions): Promise<ResponseData<"getResourceMapping">> {
    return this._data("getResourceMapping", { path: { resource_type: resourceType } }, options);
  }
  upsertMapping(
    resourceType: string,
    body: RequestBody<"upsertResourceMapping">,
    options?: RequestOptions,
  ): Promise<ResponseData<"upsertResourceMapping">> {
    return this._data("upsertResourceMapping", { path: { resource_type: resourceType }, body }, options);
  }
  /** Partial update of the mapping (`PATCH`). */
  updateMapping(
    resourceType: string,
    body: RequestBody<"updateResourceMapping">,
    options?: RequestOptions,
  ): Promise<ResponseData<"updateResourceMapping">> {
    return this._data("updateResourceMapping", { path: { resource_type: resourceType }, body }, options);
  }
  /** Full replacement of the mapping (`PUT`). */
  replaceMapping(
    resourceType: string,
    body: RequestBody<"replaceResourceMapping">,
    options?: RequestOptions,
  ): Promise<ResponseData<"replaceResourceMapping">> {
    return this._data("replaceResourceMapping", { path: { resource_type: resourceType }, body }, options);
  }
}

/**
 * Stored resources that managed-mode checks resolve (group, owner, status).
 *
 * @example
 * ```ts
 * await client.resources.create({ resource_type: "invoice", space_id: "space_acme", id: "invoice_900", group_id: "group_finance_apac" });
 * const inv = await client.resources.get("invoice", "invoice_900");
 * await client.resources.archive("space_acme", "invoice_900");
 * ```
 */
export class ResourcesModule extends ApiModule {
  list(
    params?: QueryParams<"listResources">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listResources">> {
    return this._list("listResources", { query: params }, options);
  }
  create(
    body: RequestBody<"createResource">,
    options?: RequestOptions,
  ): Promise<ResponseData<"createResource">> {
    return this._data("createResource", { body }, options);
  }
  get(
    resourceType: string,
    resourceId: string,
    options?: RequestOptions,
  ): Promise<ResponseData<"getResourceByTypeAndID">> {
    return this._data(
      "getResourceByTypeAndID",
      { path: { resource_type: resourceType, resource_id: resourceId } },
      options,
    );
  }
  update(
    spaceId: string,
    resourceId: string,
    body: RequestBody<"updateSpaceResource">,
    options?: RequestOptions,
  ): Promise<ResponseData<"updateSpaceResource">> {
    return this._data(
      "updateSpaceResource",
      { path: { space_id: spaceId, resource_id: resourceId }, body },
      options,
    );
  }
  archive(
    spaceId: string,
    resourceId: string,
    body: RequestBody<"archiveSpaceResource"> = {},
    options?: RequestOptions,
  ): Promise<ResponseData<"archiveSpaceResource">> {
    return this._data(
      "archiveSpaceResource",
      { path: { space_id: spaceId, resource_id: resourceId }, body },
      options,
    );
  }
  listInSpace(
    spaceId: string,
    params?: QueryParams<"listSpaceResources">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listSpaceResources">> {
    return this._list("listSpaceResources", { path: { space_id: spaceId }, query: params }, options);
  }
  createInSpace(
    spaceId: string,
    body: RequestBody<"createSpaceResource">,
    options?: RequestOptions,
  ): Promise<ResponseData<"createSpaceResource">> {
    return this._data("createSpaceResource", { path: { space_id: spaceId }, body }, options);
  }
  getInSpace(
    spaceId: string,
    resourceId: string,
    options?: RequestOptions,
  ): Promise<ResponseData<"getSpaceResource">> {
    return this._data("getSpaceResource", { path: { space_id: spaceId, resource_id: resourceId } }, options);
  }
}

/**
 * The data console: resource rows through their registry mapping (needs `DATA_CONSOLE_ENABLED`).
 *
 * @example
 * ```ts
 * for await (const row of client.data.listRows("invoice", { space_id: "space_acme" })) console.log(row.id);
 * ```
 */
export class DataModule extends ApiModule {
  tables(
    params?: QueryParams<"listDataTables">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listDataTables">> {
    return this._list("listDataTables", { query: params }, options);
  }
  listRows(
    resourceType: string,
    params?: QueryParams<"listDataRows">,
    options?: RequestOptions,
  ): PagePromise<ListItem<"listDataRows">> {
    return this._list("listDataRows", { path: { resource_type: resourceType }, query: params }, options);
  }
  getRow(
    resourceType: string,
    resourceId: string,
    options?: RequestOptions,
  ): Promise<ResponseData<"getDataRow">> {
    return this._data(
      "getDataRow",
      { path: { resource_type: resourceType, resource_id: resourceId } },
      options,
    );
  }
  createRow(
    resourceType: string,
    body: RequestBody<"createDataRow">,
    options?: RequestOptions,
  ): Promise<ResponseData<"createDataRow">> {
    return this._data("createDataRow", { path: { resource_type: resourceType }, body }, options);
  }
  updateRow(
    resourceType: string,
    resourceId: string,
    body: RequestBody<"updateDataRow">,
    options?: RequestOptions,
  ): Promise<ResponseData<"updateDataRow">> {
    return this._data(
      "updateDataRow",
      { path: { resource_type: resourceType, resource_id: resourceId }, body },
      options,
    );
  }
  deleteRow(
    resourceType: string,
    resourceId: string,
    options?: RequestOptions,
  ): Promise<ResponseData<"deleteDataRow">> {
    return this._data(
      "deleteDataRow",
      { path: { resource_type: resourceType, resource_id: resourceId } },
      options,
    );
  }
}
