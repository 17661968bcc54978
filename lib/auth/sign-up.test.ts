// Sign-up does not reveal whether an address has an account (docs/dashboard.md#sign-up):
// the same work and the same answer; only the mailbox learns which, through a real local
// SMTP server (test/smtp.ts). On every database driver.
import { eq } from "drizzle-orm";
import { expect, it, vi } from "vitest";
import { users } from "@/db/schema";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { EXISTS_NOTICES_PER_HOUR, signUpWithPassword } from "@/lib/auth/sign-up";
import { createUser } from "@/lib/users";
import { describeDatabases } from "@/test/databases";
import { useMailSink } from "@/test/use-mail";
import { linkIn } from "@/test/smtp";

const sink = useMailSink();

const mailsTo = (to: string) => sink.messages.filter((m) => m.to.includes(to));

describeDatabases("sign-up", (db, driver) => {
  const at = (local: string) => `${local}-${driver}@example.com`;

  it("a new address gets an unverified account and its confirmation link; nobody is signed in", async () => {
    const send = await signUpWithPassword(db().db, { email: at("s-new"), name: "Ada", password: "a long password 1" });
    const [row] = await db()
      .db.select()
      .from(users)
      .where(eq(users.email, at("s-new")));
    expect(row.emailUnverified).toBe(true);
    expect(await verifyPassword(row.passwordHash!, "a long password 1")).toBe(true);
    expect(mailsTo(at("s-new"))).toHaveLength(0); // the mail waits for the answer
    await send();
    const [mail] = mailsTo(at("s-new"));
    expect(mail.raw).toContain("Confirm your e-mail address for okoro");
    expect(linkIn(mail.raw, "/verify-email")).toMatch(/\/verify-email\?token=/);
  });

  it("a taken address: the same answer, the owner's account untouched, a note to its inbox", async () => {
    const owner = await createUser(db().db, {
      email: at("s-taken"),
      passwordHash: await hashPassword("the owner's password"),
    });
    const send = await signUpWithPassword(db().db, {
      email: ` ${at("s-taken").toUpperCase()} `.trim(),
      password: "an attacker's password",
    });
    expect(typeof send).toBe("function");
    await send();
    const [row] = await db()
      .db.select()
      .from(users)
      .where(eq(users.email, at("s-taken")));
    expect(row.id).toBe(owner.id);
    expect(await verifyPassword(row.passwordHash!, "the owner's password")).toBe(true);
    expect(await verifyPassword(row.passwordHash!, "an attacker's password")).toBe(false);
    const mails = mailsTo(at("s-taken"));
    expect(mails).toHaveLength(1);
    expect(mails[0].raw).toContain("You already have an okoro account");
    expect(linkIn(mails[0].raw, "/forgot-password")).toBeDefined();
    expect(linkIn(mails[0].raw, "/verify-email")).toBeUndefined();
  });

  it("an unconfirmed account signed up for again gets a fresh confirmation link too", async () => {
    await signUpWithPassword(db().db, { email: at("s-lost"), password: "first password 123" }).then((send) => send());
    await signUpWithPassword(db().db, { email: at("s-lost"), password: "second password 123" }).then((send) => send());
    const mails = mailsTo(at("s-lost")).map((m) => m.raw);
    expect(mails).toHaveLength(3);
    expect(mails[1]).toContain("You already have an okoro account");
    expect(mails[1]).toContain("not confirmed yet");
    expect(linkIn(mails[2], "/verify-email")).toBeDefined();
  });

  it("notes to a taken address are limited per hour, silently", async () => {
    await createUser(db().db, { email: at("s-flood"), passwordHash: "x" });
    for (let i = 0; i < EXISTS_NOTICES_PER_HOUR + 3; i++)
      await (await signUpWithPassword(db().db, { email: at("s-flood"), password: `password number ${i}` }))();
    expect(mailsTo(at("s-flood"))).toHaveLength(EXISTS_NOTICES_PER_HOUR);
  });

  it("takes as long for a taken address as for a new one", async () => {
    await createUser(db().db, { email: at("s-time"), passwordHash: "x" });
    const taken: number[] = [];
    const fresh: number[] = [];
    for (let i = 0; i < 5; i++) {
      for (const [email, times] of [
        [at("s-time"), taken],
        [at(`s-time-new-${i}`), fresh],
      ] as const) {
        const start = performance.now();
        await signUpWithPassword(db().db, { email, password: "the same password" });
        times.push(performance.now() - start);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const [t, f] = [median(taken), median(fresh)];
    console.log(`[timing] sign-up answer p50, ${driver}: taken ${t.toFixed(1)} ms, new ${f.toFixed(1)} ms`);
    // the password hash dominates both; a path that skipped it would be many times faster
    expect(t / f).toBeGreaterThan(0.4);
    expect(t / f).toBeLessThan(2.5);
  });
});

vi.setConfig({ testTimeout: 30_000 });
