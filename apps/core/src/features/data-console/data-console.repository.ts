import { type Db, keysetPage, type Page } from "../_crud/crud.ts";

/** A mapping row with its type's key and display name (the data-console "table"). */
function tables(db: Db) {
  return db
    .selectFrom("resource_mappings as rm")
    .innerJoin("resource_types as rt", "rt.id", "rm.resource_type_id")
    .select([
      "rm.id",
      "rt.key as resource_type",
      "rm.resource_type_id",
      "rm.display_name",
      "rt.display_name as type_display_name",
      "rm.source",
      "rm.storage_kind",
      "rm.table_name",
      "rm.id_field",
      "rm.space_field",
      "rm.group_field",
      "rm.owner_member_field",
      "rm.visibility_field",
      "rm.metadata_field",
      "rm.status",
      "rm.metadata",
      "rm.created_at",
      "rm.updated_at",
    ]);
}

export type DataTableRow = NonNullable<Awaited<ReturnType<ReturnType<typeof tables>["executeTakeFirst"]>>>;

export function listDataTables(db: Db, q: { limit: number; cursor?: string }): Promise<Page<DataTableRow>> {
  return keysetPage("data_tables", q, (after, take) => {
    let query = tables(db);
    if (after) query = query.where("rm.id", ">", after);
    return query.orderBy("rm.id").limit(take).execute();
  });
}

/** The mapping of a resource type, if the type is registered and mapped. */
export function findDataTable(db: Db, resourceType: string): Promise<DataTableRow | undefined> {
  return tables(db).where("rt.key", "=", resourceType).executeTakeFirst();
}
