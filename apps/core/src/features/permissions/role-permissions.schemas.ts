import { z } from "zod";
import { actorField, idField, listQuery, metadataField, refField } from "../_crud/schemas.ts";

export const createRolePermissionBody = z.strictObject({
  id: idField.optional(),
  role_id: refField,
  permission_id: refField,
  audit_space_id: z.string().min(1).optional(),
  metadata: metadataField,
  actor: actorField,
});

const filters = {
  role_id: z.string().min(1).optional(),
  permission_id: z.string().min(1).optional(),
};

/** The global list may narrow by Space; the nested list takes its Space from the path. */
export const rolePermissionListQuery = listQuery({ ...filters, space_id: z.string().min(1).optional() });
export const spaceRolePermissionListQuery = listQuery(filters);
