import { z } from "zod";

export const loginBody = z.strictObject({
  email: z.string().trim().min(1, "must not be empty"),
  password: z.string().min(1, "must not be empty"),
});

export const refreshBody = z.strictObject({
  refresh_token: z.string().trim().min(1, "must not be empty"),
});

export const logoutBody = z.strictObject({
  refresh_token: z.string().trim().optional(),
});

const optionalText = (field: string, max = 200) =>
  z.string().trim().max(max, `${field} must be at most ${max} characters`).optional();

export const registerBody = z.strictObject({
  email: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(320, "email must be at most 320 characters")
    .refine((v) => /^[^\s@]+@[^\s@]+$/.test(v), "email must be an email address"),
  password: z.string(),
  username: z.string().trim().max(200).nullable().optional(),
  phone: z.string().trim().max(64).nullable().optional(),
  space_name: optionalText("space_name"),
  space_slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "space_slug must be lower-case letters, digits, - or _")
    .optional(),
  member_display_name: optionalText("member_display_name"),
  registration_token: z.string().optional(),
  metadata: z
    .record(z.string(), z.unknown(), { message: "metadata must be an object" })
    .nullable()
    .optional(),
});
export type RegisterBody = z.output<typeof registerBody>;
