import { z } from "zod";
import { pageQuery } from "../../http/pagination.ts";
import { clientId, expiresAtField, metadataField } from "../api-keys/api-keys.schemas.ts";

export const LEVELS = ["instance_super_admin", "instance_admin", "space_admin", "group_admin"] as const;
const levelEnum = z.enum(LEVELS, { message: `level must be one of ${LEVELS.join(", ")}` });
const nullableId = (field: string) =>
  z
    .string({ message: `${field} must be a string` })
    .trim()
    .min(1, `${field} must not be empty`)
    .nullable()
    .optional();

export const createGrantBody = z.strictObject({
  id: clientId.optional(),
  user_id: z.string().trim().min(1, "must not be empty"),
  member_id: nullableId("member_id"),
  space_id: nullableId("space_id"),
  group_id: nullableId("group_id"),
  level: levelEnum,
  permission_key: z.string(),
  status: z.literal("active", { message: "status of a new grant must be active" }).optional(),
  expires_at: expiresAtField,
  revoked_reason: z.null().optional(),
  metadata: metadataField,
});
export type CreateGrantBody = z.output<typeof createGrantBody>;

/** Revoke accepts the v1.0 mutation body; only `revoked_reason` is used. */
export const revokeGrantBody = z.strictObject({
  id: z.string().optional(),
  user_id: z.string().optional(),
  member_id: z.string().nullable().optional(),
  space_id: z.string().nullable().optional(),
  group_id: z.string().nullable().optional(),
  level: z.string().optional(),
  permission_key: z.string().optional(),
  status: z.string().optional(),
  expires_at: z.string().nullable().optional(),
  revoked_reason: z
    .string({ message: "revoked_reason must be a string" })
    .max(500, "revoked_reason must be at most 500 characters")
    .nullable()
    .optional(),
  metadata: metadataField,
});

export const listGrantsQuery = z.strictObject({
  ...pageQuery,
  level: levelEnum.optional(),
  user_id: z.string().min(1).optional(),
  space_id: z.string().min(1).optional(),
  group_id: z.string().min(1).optional(),
  status: z.enum(["active", "revoked"], { message: "status must be active or revoked" }).optional(),
});
