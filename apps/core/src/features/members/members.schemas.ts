import { z } from "zod";
import { actorField, entityStatus, idField, listQuery, metadataField } from "../_crud/schemas.ts";

export const createMemberBody = z.strictObject({
  id: idField.optional(),
  display_name: z.string().trim().min(1, "must not be empty").max(200),
  member_type: z.string().min(1).max(50).nullable().optional(),
  status: entityStatus.optional(),
  metadata: metadataField,
  actor: actorField,
});

export const updateMemberBody = createMemberBody.partial();

export const memberListQuery = listQuery({ status: entityStatus.optional() });
