import { z } from "zod";

const str = z.string().nullish();

export const actorSchema = z.strictObject({
  user_id: str,
  member_id: str,
  user_member_id: str,
  binding_id: str,
  space_id: str,
  user_email: str,
  user_status: str,
  member_display_name: str,
  member_status: str,
  binding_status: str,
  relation_type: str,
  space_name: str,
  space_status: str,
});

export const resourceContextSchema = z.strictObject({
  type: str,
  id: str,
  external_id: str,
  space_id: str,
  group_id: str,
  group_path: str,
  owner_member_id: str,
  display_name: str,
  visibility: str,
  status: str,
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

export const grantSchema = z.strictObject({
  role_id: str,
  role_key: str,
  permission_id: str,
  resource: str,
  action: str,
  // Scope values are validated by Context Mode so the 400 carries its reason.
  scope: str,
  space_id: str,
  scope_anchor_group_id: str,
  scope_anchor_group_path: str,
});

/**
 * `POST /authz/check` and `/authz/explain` body. Strict: unknown top-level keys are a 400, with one
 * deliberate exception — `request_id`, `ip` and `user_agent` are accepted and ignored (older clients
 * send them; the audited values always come from the server: request-id middleware, socket or
 * trusted-proxy address, User-Agent header).
 */
export const authzRequestSchema = z.strictObject({
  actor: actorSchema.nullish(),
  resource_type: str,
  resource_id: str,
  action: z.string().min(1, "must not be empty"),
  resource: resourceContextSchema.nullish(),
  // Inline grants are evaluated one by one; a bound keeps one request's work bounded.
  grants: z.array(grantSchema).max(1000, "grants must contain at most 1000 entries").nullish(),
  explain: z.boolean().nullish(),
  request_id: z.unknown().optional(),
  ip: z.unknown().optional(),
  user_agent: z.unknown().optional(),
});

export type AuthzRequest = z.output<typeof authzRequestSchema>;
