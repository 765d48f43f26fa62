import { z } from "zod";
import {
  actorField,
  idField,
  isoDateTime,
  listQuery,
  metadataField,
  nullableText,
  refField,
} from "../_crud/schemas.ts";

export const userMemberStatus = z.enum(["active", "disabled", "revoked"]);

export const createUserMemberBody = z.strictObject({
  id: idField.optional(),
  user_id: refField,
  member_id: refField,
  relation_type: z.string().min(1).max(50).optional(),
  is_primary: z.boolean().nullable().optional(),
  expires_at: isoDateTime.nullable().optional(),
  linked_at: isoDateTime.nullable().optional(),
  linked_by_member_id: refField.nullable().optional(),
  revoked_reason: nullableText(500),
  status: userMemberStatus.optional(),
  metadata: metadataField,
  actor: actorField,
});

export const updateUserMemberBody = createUserMemberBody.partial();

export const userMemberListQuery = listQuery({
  user_id: z.string().min(1).optional(),
  member_id: z.string().min(1).optional(),
  status: userMemberStatus.optional(),
});
