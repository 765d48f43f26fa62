import { z } from "zod";
import { actorField, entityStatus, idField, listQuery, metadataField } from "../_crud/schemas.ts";

/** Stored trimmed and lower-cased: login compares case-insensitively. */
const emailField = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "must not be empty")
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/, "must be an email address");

export const createUserBody = z.strictObject({
  id: idField.optional(),
  email: emailField,
  password: z.string().nullable().optional(),
  username: z.string().max(200).nullable().optional(),
  phone: z.string().max(50).nullable().optional(),
  status: entityStatus.optional(),
  metadata: metadataField,
  audit_space_id: z.string().min(1).optional(),
  actor: actorField,
});

export const updateUserBody = createUserBody.partial();

export const userListQuery = listQuery({ status: entityStatus.optional() });
