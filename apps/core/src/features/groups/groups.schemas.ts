import { z } from "zod";
import {
  actorField,
  entityStatus,
  idField,
  listQuery,
  metadataField,
  nullableText,
  refField,
} from "../_crud/schemas.ts";

/** A group name is one path segment: no dots. */
const nameField = z
  .string()
  .min(1, "must not be empty")
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/, "may contain only letters, digits, _ and - (it becomes a path segment)");

export const createGroupBody = z.strictObject({
  id: idField.optional(),
  name: nameField,
  display_name: nullableText(200),
  parent_group_id: refField.nullable().optional(),
  parent_id: refField.nullable().optional(),
  path: z.string().min(1).max(1000).optional(),
  // Stored in a PostgreSQL integer column.
  sort_order: z.number().int().min(-2_147_483_648).max(2_147_483_647).nullable().optional(),
  status: entityStatus.optional(),
  metadata: metadataField,
  actor: actorField,
});

export const updateGroupBody = createGroupBody.partial();

export const groupListQuery = listQuery({ status: entityStatus.optional() });
export const groupTreeQuery = listQuery({});
