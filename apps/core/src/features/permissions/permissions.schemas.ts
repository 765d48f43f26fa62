import { z } from "zod";
import {
  actorField,
  entityStatus,
  idField,
  listQuery,
  metadataField,
  nullableText,
} from "../_crud/schemas.ts";

export const scopeEnum = z.enum(["self", "group", "group_tree", "space", "global"], {
  message: "must be one of self, group, group_tree, space, global",
});

const token = z
  .string()
  .min(1, "must not be empty")
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, "may contain only letters, digits and _ . : -");

export const createPermissionBody = z.strictObject({
  id: idField.optional(),
  resource: token,
  action: token,
  scope: scopeEnum,
  description: nullableText(2000),
  status: entityStatus.optional(),
  metadata: metadataField,
  audit_space_id: z.string().min(1).optional(),
  actor: actorField,
});

export const updatePermissionBody = createPermissionBody.partial();

export const permissionListQuery = listQuery({
  resource: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  scope: scopeEnum.optional(),
  status: entityStatus.optional(),
});
