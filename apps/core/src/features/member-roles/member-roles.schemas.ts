import { z } from "zod";
import { actorField, idField, listQuery, metadataField, refField } from "../_crud/schemas.ts";

export const grantStatus = z.enum(["active", "revoked"]);

export const createMemberRoleBody = z.strictObject({
  id: idField.optional(),
  member_id: refField,
  role_id: refField,
  scope_anchor_group_id: refField.nullable().optional(),
  status: grantStatus.optional(),
  metadata: metadataField,
  actor: actorField,
});

/** Body of revoke (optional): the upstream mutation schema, fields other than actor are ignored. */
export const memberRoleMutationBody = createMemberRoleBody.partial();

export const memberRoleListQuery = listQuery({
  member_id: z.string().min(1).optional(),
  role_id: z.string().min(1).optional(),
  status: grantStatus.optional(),
});
