import { expect, it } from "vitest";
import { findUserByAccount, findUserByEmail, findUserById, linkAccount } from "@/db/queries/users";
import { createUser } from "@/lib/users";
import { isOkoroError } from "@/lib/errors";
import { describeDatabases } from "@/test/databases";

describeDatabases("users", (db) => {
  it("stores e-mails trimmed and lower-cased and finds them in any case", async () => {
    const user = await createUser(db().db, { email: "  Ada@Example.COM ", name: " Ada " });
    expect(user.id).toMatch(/^usr_/);
    expect(user.email).toBe("ada@example.com");
    expect(user.name).toBe("Ada");
    expect(user.status).toBe("active");
    expect((await findUserByEmail(db().db, { email: "ADA@example.com" }))?.id).toBe(user.id);
    expect((await findUserById(db().db, { id: user.id }))?.email).toBe("ada@example.com");
  });

  it("refuses a second account for the same address with a clear conflict", async () => {
    await createUser(db().db, { email: "grace@example.com" });
    const err = await createUser(db().db, { email: "Grace@Example.com" }).catch((e) => e);
    expect(isOkoroError(err) && err.code).toBe("conflict");
    expect(err.message).toMatch(/already exists/);
  });

  it("lets exactly one of many concurrent sign-ups for one address through", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => createUser(db().db, { email: "race@example.com" })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("links external identities idempotently", async () => {
    const user = await createUser(db().db, { email: "linus@example.com", emailVerified: new Date() });
    await linkAccount(db().db, { userId: user.id, provider: "github", providerAccountId: "42" });
    await linkAccount(db().db, { userId: user.id, provider: "github", providerAccountId: "42" });
    expect((await findUserByAccount(db().db, { provider: "github", providerAccountId: "42" }))?.id).toBe(user.id);
    expect(await findUserByAccount(db().db, { provider: "google", providerAccountId: "42" })).toBeUndefined();
  });
});
