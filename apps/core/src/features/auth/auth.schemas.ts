import { z } from "zod";

const text = (field: string) => z.string({ message: `${field} must be a string` });

export const loginBody = z.strictObject({
  email: text("email").trim().min(1, "email is required"),
  password: text("password").min(1, "password is required"),
});

export const refreshBody = z.strictObject({
  refresh_token: text("refresh_token").trim().min(1, "refresh_token is required"),
});

export const logoutBody = z.strictObject({
  refresh_token: text("refresh_token").trim().optional(),
});

const optionalText = (field: string, max = 200) =>
  text(field).trim().max(max, `${field} must be at most ${max} characters`).optional();

export const registerBody = z.strictObject({
  email: text("email")
    .trim()
    .min(1, "email is required")
    .max(320, "email must be at most 320 characters")
    .refine((v) => /^[^\s@]+@[^\s@]+$/.test(v), "email must be an email address"),
  password: text("password"),
  username: text("username").trim().max(200).nullable().optional(),
  phone: text("phone").trim().max(64).nullable().optional(),
  space_name: optionalText("space_name"),
  space_slug: text("space_slug")
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "space_slug must be lower-case letters, digits, - or _")
    .optional(),
  member_display_name: optionalText("member_display_name"),
  registration_token: text("registration_token").optional(),
  metadata: z
    .record(z.string(), z.unknown(), { message: "metadata must be an object" })
    .nullable()
    .optional(),
});
export type RegisterBody = z.output<typeof registerBody>;
