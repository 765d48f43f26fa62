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

/**
 * Optional actor context upstream clients send for audit attribution; kept in audit details only.
 * Each member may be null, as the contract's AuthzActorContext says.
 */
const actorText = z.string().nullable().optional();
export const actorField = z
  .strictObject({
    user_id: actorText,
    member_id: actorText,
    user_member_id: actorText,
    binding_id: actorText,
    space_id: actorText,
    user_email: actorText,
    user_status: actorText,
    member_display_name: actorText,
    member_status: actorText,
    binding_status: actorText,
    relation_type: actorText,
    space_name: actorText,
    space_status: actorText,
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
