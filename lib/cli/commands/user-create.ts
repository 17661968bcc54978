// `okoro user create --email E [--name N]`: a dashboard account with an argon2id password
// read from stdin (one line; a hidden prompt on a terminal).
import { createUser } from "@/lib/users";
import type { User } from "@/db/schema";
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/password";
import { CliError, UsageError, defineCommand } from "@/lib/cli/command";
import { userJson } from "@/lib/cli/format";
import { readSecretLine } from "@/lib/cli/io";
import { parseEmail } from "@/lib/cli/users";
import { OkoroError } from "@/lib/errors";

export const command = defineCommand({
  description: `Create a user who can sign in to the dashboard with e-mail and password.
The password is read from stdin: one line (the trailing newline is stripped), ${PASSWORD_MIN_LENGTH} to
${PASSWORD_MAX_LENGTH} characters. On a terminal you are prompted for it without echo.`,
  options: {
    email: {
      type: "string",
      required: true,
      value: "E",
      description: "The user's e-mail address (their sign-in name)",
    },
    name: { type: "string", value: "N", description: "Display name" },
  },
  examples: [
    "okoro user create --email alice@example.com --name Alice",
    "printf '%s\\n' \"$PASSWORD\" | okoro user create --email ci@example.com --json",
  ],
  async run(ctx) {
    const email = parseEmail(ctx.values.email);
    const name = ctx.values.name?.trim() || null;
    if (name && name.length > 100) throw new UsageError("--name must be at most 100 characters");
    // stdin and hashing first: an embedded database is held exclusively while open
    const password = await readSecretLine(ctx.io, "Password: ", "password");
    // the sign-up form's rule (UTF-16 length, as zod counts)
    if (password.length < PASSWORD_MIN_LENGTH)
      throw new CliError(`the password must be at least ${PASSWORD_MIN_LENGTH} characters`);
    if (password.length > PASSWORD_MAX_LENGTH)
      throw new CliError(`the password must be at most ${PASSWORD_MAX_LENGTH} characters`);
    const passwordHash = await hashPassword(password);

    let user: User;
    try {
      user = await createUser(await ctx.db(), { email, name, passwordHash });
    } catch (e) {
      if (e instanceof OkoroError && e.code === "conflict")
        throw new CliError(`a user with e-mail ${email} already exists`);
      throw e;
    }
    ctx.output(userJson(user), `Created user ${user.email} (${user.id}).`);
  },
});
