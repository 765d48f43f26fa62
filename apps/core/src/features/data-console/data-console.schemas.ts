import { z } from "zod";
import { actorField, idField, listQuery, metadataField, refField } from "../_crud/schemas.ts";

const fields = {
  id: idField.optional(),
  display_name: z.string().max(500).nullable().optional(),
  group_id: refField.nullable().optional(),
  owner_member_id: refField.nullable().optional(),
  visibility: z.string().min(1).max(50).nullable().optional(),
  status: z.enum(["active", "archived"], { message: "status must be active or archived" }).optional(),
  metadata: metadataField,
  actor: actorField,
};

export const createDataRowBody = z.strictObject({ ...fields, space_id: refField });
export const updateDataRowBody = z.strictObject({ ...fields, space_id: refField.optional() });

export const dataTablesQuery = listQuery({ space_id: z.string().min(1).optional() });
export const dataRowsQuery = listQuery({ space_id: z.string().min(1).optional() });
