import { z } from "zod";

const KEY = /^[a-z0-9][a-z0-9_-]{0,99}$/;
const key = (field: string) =>
  z.string().regex(KEY, `${field} must be 1-100 chars of lower-case letters, digits, '_' or '-'`);
const metadata = z.record(z.string(), z.unknown()).nullish();
const status = z.enum(["active", "disabled"]);

export const resourceTypeBody = z.strictObject({
  id: z.string().min(1).max(200).optional(),
  key: key("key"),
  display_name: z.string().min(1).max(200).optional(),
  description: z.string().max(2000).nullish(),
  source: z.string().min(1).max(100).optional(),
  status: status.optional(),
  metadata,
});

export const resourceActionBody = z.strictObject({
  id: z.string().min(1).max(200).optional(),
  key: key("key"),
  display_name: z.string().min(1).max(200).optional(),
  description: z.string().max(2000).nullish(),
  risk_level: z.enum(["low", "medium", "high", "critical"]).optional(),
  audit_default: z.boolean().nullish(),
  metadata,
});

// Only the built-in `resources` table is supported, so every field must name one of its columns.
const column = <V extends string>(field: string, value: V) =>
  z.literal(value, { message: `${field} must be "${value}" for the internal resources table` });
const optionalColumn = <V extends string>(field: string, value: V) => column(field, value).nullish();

export const resourceMappingBody = z.strictObject({
  id: z.string().min(1).max(200).optional(),
  storage_kind: z.literal("internal_table", { message: "storage_kind must be internal_table" }).optional(),
  table_name: z.literal("resources", { message: "table_name must be resources" }).nullish(),
  id_field: column("id_field", "id").optional(),
  space_field: column("space_field", "space_id").optional(),
  group_field: optionalColumn("group_field", "group_id"),
  owner_member_field: optionalColumn("owner_member_field", "owner_member_id"),
  visibility_field: optionalColumn("visibility_field", "visibility"),
  metadata_field: optionalColumn("metadata_field", "metadata"),
  status: status.optional(),
  metadata,
});

export type ResourceTypeBody = z.output<typeof resourceTypeBody>;
export type ResourceActionBody = z.output<typeof resourceActionBody>;
export type ResourceMappingBody = z.output<typeof resourceMappingBody>;
