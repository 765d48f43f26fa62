import { z } from "zod";
import { actorSchema } from "../authz/authz.schemas.ts";

const text = z.string().max(1000).nullish();
const metadata = z.record(z.string(), z.unknown()).nullish();
// `deleted` is the Data Console's soft delete; the resource API only moves between these two.
const status = z.enum(["active", "archived"], { message: "status must be active or archived" });

const fields = {
  id: z.string().min(1).max(200).optional(),
  resource_type: z.string().min(1).max(100),
  space_id: z.string().min(1).optional(),
  external_id: text,
  display_name: text,
  group_id: z.string().min(1).nullish(),
  owner_member_id: z.string().min(1).nullish(),
  visibility: z.string().min(1).max(50).nullish(),
  status: status.optional(),
  metadata,
  // Accepted for v1.0 client compatibility; attribution always comes from the credential.
  actor: actorSchema.nullish(),
};

export const createResourceBody = z.strictObject({ ...fields, space_id: z.string().min(1) });
export const createSpaceResourceBody = z.strictObject(fields);
export const updateResourceBody = z.strictObject({
  ...fields,
  resource_type: fields.resource_type.optional(),
});

export type CreateResourceBody = z.output<typeof createSpaceResourceBody>;
export type UpdateResourceBody = z.output<typeof updateResourceBody>;
