import { z } from "zod";
import { actorField, entityStatus, idField, listQuery, metadataField } from "../_crud/schemas.ts";

const slugField = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "must be lower-case letters, digits, _ or -")
  .nullable()
  .optional();

export const createSpaceBody = z.strictObject({
  id: idField.optional(),
  name: z.string().trim().min(1, "must not be empty").max(200),
  slug: slugField,
  type: z.string().min(1).max(100).nullable().optional(),
  status: entityStatus.optional(),
  metadata: metadataField,
  actor: actorField,
});

export const updateSpaceBody = createSpaceBody.partial();

export const spaceListQuery = listQuery({ status: entityStatus.optional() });
