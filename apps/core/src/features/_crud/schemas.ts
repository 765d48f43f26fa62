import { z } from "zod";
import { dateTimeField } from "../../http/datetime.ts";
import { pageQuery } from "../../http/pagination.ts";

/** Client-supplied ids are opaque but must be safe in a URL path segment. */
export const idField = z
  .string()
  .min(1, "must not be empty")
  .max(128, "must be at most 128 characters")
  .regex(/^[A-Za-z0-9_.:@-]+$/, "may contain only letters, digits and _ . : @ -");

export const refField = z.string().min(1, "must not be empty").max(128, "must be at most 128 characters");

export const metadataField = z.record(z.string(), z.unknown()).nullable().optional();

export const nullableText = (max = 500) => z.string().max(max).nullable().optional();

export const entityStatus = z.enum(["active", "disabled"]);

/** Optional actor context upstream clients send for audit attribution; kept in audit details only. */
export const actorField = z
  .strictObject({
    user_id: z.string().optional(),
    member_id: z.string().optional(),
    user_member_id: z.string().optional(),
    binding_id: z.string().optional(),
    space_id: z.string().optional(),
    user_email: z.string().optional(),
    user_status: z.string().optional(),
    member_display_name: z.string().optional(),
    member_status: z.string().optional(),
    binding_status: z.string().optional(),
    relation_type: z.string().optional(),
    space_name: z.string().optional(),
    space_status: z.string().optional(),
  })
  .optional();

/** Every date-time field goes through the one RFC 3339 parser (string in, Date out). */
export const isoDateTime = dateTimeField;

/** A list query: `limit`, `cursor` plus the list's documented filters; anything else is a 400. */
export function listQuery<S extends z.ZodRawShape>(filters: S) {
  return z.strictObject({ ...pageQuery, ...filters });
}

/** Audit details for a mutation body: the claimed actor context, if any. */
export function bodyDetails(body: { actor?: unknown }): Record<string, unknown> | undefined {
  return body.actor ? { claimed_actor: body.actor } : undefined;
}
