import { z } from "zod";
import { dateTimeField } from "../../http/datetime.ts";
import { pageQuery } from "../../http/pagination.ts";

const nullableId = (field: string) =>
  z
    .string({ message: `${field} must be a string` })
    .trim()
    .min(1, `${field} must not be empty`)
    .nullable()
    .optional();

/** Far more than the admin permission catalogue; bounds the work one request can ask for. */
export const MAX_PERMISSION_KEYS = 256;

/** Client-chosen ids are embedded in the plaintext key, so they must not contain the `.` separator. */
export const clientId = z
  .string({ message: "id must be a string" })
  .regex(/^[A-Za-z0-9_-]{1,128}$/, "id must be 1-128 characters of letters, digits, _ or -");

export const metadataField = z
  .record(z.string(), z.unknown(), { message: "metadata must be an object" })
  .nullable()
  .optional();

export const expiresAtField = dateTimeField.nullable().optional();

export const createApiKeyBody = z.strictObject({
  id: clientId.optional(),
  name: z.string().trim().min(1, "must not be empty").max(200),
  level: z.enum(["instance", "space", "group"], { message: "level must be one of instance, space, group" }),
  space_id: nullableId("space_id"),
  group_id: nullableId("group_id"),
  permission_keys: z
    .array(z.string({ message: "permission_keys entries must be strings" }), {
      message: "permission_keys must be an array",
    })
    .min(1, "permission_keys must contain at least one key")
    .max(MAX_PERMISSION_KEYS, `permission_keys must contain at most ${MAX_PERMISSION_KEYS} keys`),
  status: z.enum(["active", "disabled"], { message: "status must be active or disabled" }).optional(),
  expires_at: expiresAtField,
  revoked_reason: z.null().optional(),
  metadata: metadataField,
});
export type CreateApiKeyBody = z.output<typeof createApiKeyBody>;

/** Revoke accepts the v1.0 mutation body; only `revoked_reason` is used. */
export const revokeBody = z.strictObject({
  id: z.string().optional(),
  name: z.string().optional(),
  level: z.string().optional(),
  space_id: z.string().nullable().optional(),
  group_id: z.string().nullable().optional(),
  permission_keys: z.array(z.string()).optional(),
  status: z.string().optional(),
  expires_at: z.string().nullable().optional(),
  revoked_reason: z
    .string({ message: "revoked_reason must be a string" })
    .max(500, "revoked_reason must be at most 500 characters")
    .nullable()
    .optional(),
  metadata: metadataField,
});

export const listApiKeysQuery = z.strictObject({
  ...pageQuery,
  level: z
    .enum(["instance", "space", "group"], { message: "level must be one of instance, space, group" })
    .optional(),
  space_id: z.string().min(1).optional(),
  group_id: z.string().min(1).optional(),
  status: z
    .enum(["active", "disabled", "revoked"], { message: "status must be active, disabled or revoked" })
    .optional(),
});
