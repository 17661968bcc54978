// `--user E` and `--email E` for commands: the address normalized as db/queries/users.ts
// stores it (trimmed, lower-cased), and the user it names.
import "server-only";
import { z } from "zod";
import type { Database } from "@/db/client";
import { findUserByEmail, normalizeEmail } from "@/db/queries/users";
import type { User } from "@/db/schema";
import { CliError, UsageError } from "@/lib/cli/command";

/** The normalized address, or a usage error naming what is wrong. */
export function parseEmail(email: string): string {
  const normalized = normalizeEmail(email);
  if (normalized.length > 254 || !z.email().safeParse(normalized).success)
    throw new UsageError(`"${normalized}" is not an e-mail address`);
  return normalized;
}

export async function requireUser(db: Database, email: string): Promise<User> {
  const user = await findUserByEmail(db, { email });
  if (!user) throw new CliError(`no user with e-mail ${normalizeEmail(email)}`);
  return user;
}
