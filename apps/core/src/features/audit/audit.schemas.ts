import { DENY_CODES, type DenyCode } from "@plystra/engine";
import { z } from "zod";
import { dateTimeField } from "../../http/datetime.ts";
import { pageQuery } from "../../http/pagination.ts";

const id = z.string().min(1).optional();

/** Filters of the audit log lists (the Space-scoped list takes `space_id` from the path). */
export const auditListQuery = z.object({
  ...pageQuery,
  space_id: id,
  actor_user_id: id,
  actor_member_id: id,
  actor_user_member_id: id,
  resource_type: id,
  resource_id: id,
  decision: z.enum(["allow", "deny"], { message: "decision must be allow or deny" }).optional(),
  deny_code: z
    .string()
    .refine((v) => (DENY_CODES as readonly string[]).includes(v), "deny_code is not a known deny code")
    // The refinement above proved it; typed as the spec's enum (a zod enum would word the 400 differently).
    .transform((v) => v as DenyCode)
    .optional(),
  request_id: id,
  created_at_from: dateTimeField.optional(),
  created_at_to: dateTimeField.optional(),
});

/** The Space-scoped list's filters: the Space comes from the path; a `space_id` query is not read. */
export const spaceAuditListQuery = auditListQuery.omit({ space_id: true });
