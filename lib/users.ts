// Creating a user: the id is made here and a second account for an address is refused
// with a 409 conflict. The rows are db/queries/users.ts's.
import "server-only";
import type { Queryable } from "@/db/client";
import { insertUser } from "@/db/queries/users";
import type { User } from "@/db/schema";
import { OkoroError } from "@/lib/errors";
import { newId } from "@/lib/ids";

export type CreateUserOptions = {
  email: string;
  name?: string | null;
  /** argon2id PHC string; omitted for accounts that only sign in through GitHub/Google */
  passwordHash?: string | null;
  /** set when a provider vouched for the address */
  emailVerified?: Date | null;
  image?: string | null;
  /** a password sign-up: the address is unproven until its link is used (lib/auth/verification.ts) */
  emailUnverified?: boolean;
};

/**
 * Creates a user. A second account for the same address is refused with a 409
 * `conflict` OkoroError (the insert does nothing then, see insertUser).
 */
export async function createUser(db: Queryable, options: CreateUserOptions): Promise<User> {
  const user = await insertUser(db, {
    id: newId("usr"),
    email: options.email,
    name: options.name?.trim() || null,
    passwordHash: options.passwordHash ?? null,
    emailVerified: options.emailVerified ?? null,
    image: options.image ?? null,
    emailUnverified: options.emailUnverified ?? false,
  });
  if (!user) throw new OkoroError("conflict", "An account with this email already exists.");
  return user;
}
