// What the sign-up and sign-in forms accept. Shared by the server actions and the
// Credentials provider (which can also be reached by a direct POST to /api/auth).
import { z } from "zod";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/password";

const email = z
  .string({ error: "Enter your email address." })
  .trim()
  .min(1, "Enter your email address.")
  .max(254, "That email address is too long.")
  .pipe(z.email({ error: "Enter a valid email address, like you@example.com." }))
  .transform((v) => v.toLowerCase());

export const signInSchema = z.object({
  email,
  password: z
    .string({ error: "Enter your password." })
    .min(1, "Enter your password.")
    .max(PASSWORD_MAX_LENGTH, "Wrong email or password."),
});

export const signUpSchema = z.object({
  name: z
    .string()
    .trim()
    .max(100, "Keep your name under 100 characters.")
    .optional()
    .transform((v) => v || undefined),
  email,
  password: z
    .string({ error: "Choose a password." })
    .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
    .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`),
});

/** An e-mail address as every form takes it (Settings → Profile too): trimmed, lower-cased. */
export const emailField = email;

/** A display name as Settings → Profile takes it: the sign-up rule; empty means none. */
export const nameField = z
  .string({ error: "Enter a name, or leave it empty." })
  .trim()
  .max(100, "Keep your name under 100 characters.");

export type SignInInput = z.infer<typeof signInSchema>;
export type SignUpInput = z.infer<typeof signUpSchema>;

/** The first message per field, for inline errors. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}
