import { z } from "zod";
import {
  actorField,
  entityStatus,
  idField,
  listQuery,
  metadataField,
  nullableText,
} from "../_crud/schemas.ts";

export const createRoleBody = z.strictObject({
  id: idField.optional(),
  key: z
    .string()
    .min(1, "must not be empty")
    .max(100)
    .regex(/^[A-Za-z0-9_.:-]+$/, "may contain only letters, digits and _ . : -"),
  name: z.string().trim().min(1, "must not be empty").max(200),
  description: nullableText(2000),
  status: entityStatus.optional(),
  metadata: metadataField,
  actor: actorField,
});

export const updateRoleBody = createRoleBody.partial();

export const roleListQuery = listQuery({ status: entityStatus.optional() });
