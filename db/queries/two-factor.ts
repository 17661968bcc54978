// Two-factor rows: TOTP secrets, recovery codes, passkeys, WebAuthn challenges and
// sign-in tickets. Every "use" is one conditional UPDATE … RETURNING, so two requests
// racing with the same code, challenge or ticket cannot both win.
import "server-only";
import { and, asc, count, eq, gt, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import {
  type Passkey,
  passkeys,
  recoveryCodes,
  type SignInTicket,
  signInTickets,
  type UserTotp,
  userTotp,
  type WebauthnChallenge,
  webauthnChallenges,
} from "@/db/schema";
import type { Envelope } from "@/lib/crypto/envelope";

// ─── TOTP ──────────────────────────────────────────────────────────────────

export async function findTotp(db: Queryable, options: { userId: string }): Promise<UserTotp | undefined> {
  const [row] = await db.select().from(userTotp).where(eq(userTotp.userId, options.userId)).limit(1);
  return row;
}

/** A new pending secret; a confirmed one is left alone (undefined then). */
export async function upsertPendingTotp(
  db: Queryable,
  options: { userId: string; secret: Envelope },
): Promise<UserTotp | undefined> {
  const [row] = await db
    .insert(userTotp)
    .values({ userId: options.userId, secret: options.secret })
    .onConflictDoUpdate({
      target: userTotp.userId,
      set: { secret: options.secret, createdAt: sql`now()`, lastUsedStep: null },
      setWhere: isNull(userTotp.confirmedAt),
    })
    .returning();
  return row;
}

export async function confirmTotp(db: Queryable, options: { userId: string; step: number }): Promise<boolean> {
  const rows = await db
    .update(userTotp)
    .set({ confirmedAt: sql`now()`, lastUsedStep: options.step })
    .where(and(eq(userTotp.userId, options.userId), isNull(userTotp.confirmedAt)))
    .returning({ userId: userTotp.userId });
  return rows.length === 1;
}

/** Records `step` as used if it is later than the last one used: false means a replay. */
export async function spendTotpStep(db: Queryable, options: { userId: string; step: number }): Promise<boolean> {
  const rows = await db
    .update(userTotp)
    .set({ lastUsedStep: options.step })
    .where(
      and(
        eq(userTotp.userId, options.userId),
        isNotNull(userTotp.confirmedAt),
        or(isNull(userTotp.lastUsedStep), lt(userTotp.lastUsedStep, options.step)),
      ),
    )
    .returning({ userId: userTotp.userId });
  return rows.length === 1;
}

export async function deleteTotp(db: Queryable, options: { userId: string }): Promise<boolean> {
  const rows = await db.delete(userTotp).where(eq(userTotp.userId, options.userId)).returning({ id: userTotp.userId });
  return rows.length === 1;
}

// ─── Recovery codes ────────────────────────────────────────────────────────

export async function replaceRecoveryCodes(
  db: Queryable,
  options: { userId: string; codes: { id: string; codeHash: string }[] },
): Promise<void> {
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, options.userId));
  if (options.codes.length > 0)
    await db.insert(recoveryCodes).values(options.codes.map((c) => ({ ...c, userId: options.userId })));
}

/** Spends the code with this hash: false when it is unknown or already used. */
export async function spendRecoveryCode(
  db: Queryable,
  options: { userId: string; codeHash: string },
): Promise<boolean> {
  const rows = await db
    .update(recoveryCodes)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(recoveryCodes.userId, options.userId),
        eq(recoveryCodes.codeHash, options.codeHash),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  return rows.length === 1;
}

export async function countUnusedRecoveryCodes(db: Queryable, options: { userId: string }): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, options.userId), isNull(recoveryCodes.usedAt)));
  return Number(row?.n ?? 0);
}

// ─── Passkeys ──────────────────────────────────────────────────────────────

export async function insertPasskey(
  db: Queryable,
  values: { id: string; userId: string; publicKey: string; counter: number; transports: string[] | null; name: string },
): Promise<Passkey> {
  const [row] = await db.insert(passkeys).values(values).returning();
  return row;
}

export async function listPasskeys(db: Queryable, options: { userId: string }): Promise<Passkey[]> {
  return db.select().from(passkeys).where(eq(passkeys.userId, options.userId)).orderBy(asc(passkeys.createdAt));
}

export async function findPasskey(db: Queryable, options: { id: string }): Promise<Passkey | undefined> {
  const [row] = await db.select().from(passkeys).where(eq(passkeys.id, options.id)).limit(1);
  return row;
}

export async function notePasskeyUse(db: Queryable, options: { id: string; counter: number }): Promise<void> {
  await db
    .update(passkeys)
    .set({ counter: options.counter, lastUsedAt: sql`now()` })
    .where(eq(passkeys.id, options.id));
}

export async function renamePasskey(
  db: Queryable,
  options: { userId: string; id: string; name: string },
): Promise<boolean> {
  const rows = await db
    .update(passkeys)
    .set({ name: options.name })
    .where(and(eq(passkeys.id, options.id), eq(passkeys.userId, options.userId)))
    .returning({ id: passkeys.id });
  return rows.length === 1;
}

export async function deletePasskey(db: Queryable, options: { userId: string; id: string }): Promise<boolean> {
  const rows = await db
    .delete(passkeys)
    .where(and(eq(passkeys.id, options.id), eq(passkeys.userId, options.userId)))
    .returning({ id: passkeys.id });
  return rows.length === 1;
}

// ─── WebAuthn challenges ───────────────────────────────────────────────────

export async function insertChallenge(
  db: Queryable,
  values: {
    challenge: string;
    purpose: WebauthnChallenge["purpose"];
    userId: string | null;
    ticketHash: string | null;
    expiresAt: Date;
  },
): Promise<void> {
  await db.insert(webauthnChallenges).values(values);
}

/**
 * Spends a live challenge issued for this purpose and this user or ticket. Undefined when
 * it is unknown, expired, already spent, or was issued to someone else.
 */
export async function consumeChallenge(
  db: Queryable,
  options: {
    challenge: string;
    purpose: WebauthnChallenge["purpose"];
    userId?: string | null;
    ticketHash?: string | null;
  },
): Promise<WebauthnChallenge | undefined> {
  const [row] = await db
    .update(webauthnChallenges)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(webauthnChallenges.challenge, options.challenge),
        eq(webauthnChallenges.purpose, options.purpose),
        options.userId ? eq(webauthnChallenges.userId, options.userId) : isNull(webauthnChallenges.userId),
        options.ticketHash
          ? eq(webauthnChallenges.ticketHash, options.ticketHash)
          : isNull(webauthnChallenges.ticketHash),
        isNull(webauthnChallenges.usedAt),
        gt(webauthnChallenges.expiresAt, sql`now()`),
      ),
    )
    .returning();
  return row;
}

// ─── Sign-in tickets ───────────────────────────────────────────────────────

export async function insertTicket(
  db: Queryable,
  values: { ticketHash: string; userId: string; method: string; expiresAt: Date },
): Promise<void> {
  await db.insert(signInTickets).values(values);
}

export async function findLiveTicket(
  db: Queryable,
  options: { ticketHash: string },
): Promise<SignInTicket | undefined> {
  const [row] = await db
    .select()
    .from(signInTickets)
    .where(
      and(
        eq(signInTickets.ticketHash, options.ticketHash),
        isNull(signInTickets.usedAt),
        gt(signInTickets.expiresAt, sql`now()`),
      ),
    )
    .limit(1);
  return row;
}

/** Spends a live ticket: false when it was spent, burnt or expired meanwhile. */
export async function spendTicket(db: Queryable, options: { ticketHash: string }): Promise<boolean> {
  const rows = await db
    .update(signInTickets)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(signInTickets.ticketHash, options.ticketHash),
        isNull(signInTickets.usedAt),
        gt(signInTickets.expiresAt, sql`now()`),
      ),
    )
    .returning({ h: signInTickets.ticketHash });
  return rows.length === 1;
}

/** Counts a wrong answer on the ticket; at `max` the ticket is spent. Returns the count. */
export async function addTicketFailure(db: Queryable, options: { ticketHash: string; max: number }): Promise<number> {
  const rows = await db
    .update(signInTickets)
    .set({
      failures: sql`${signInTickets.failures} + 1`,
      usedAt: sql`CASE WHEN ${signInTickets.failures} + 1 >= ${options.max} THEN now() ELSE ${signInTickets.usedAt} END`,
    })
    .where(eq(signInTickets.ticketHash, options.ticketHash))
    .returning({ failures: signInTickets.failures });
  return rows[0]?.failures ?? options.max;
}

// ─── Sweep ─────────────────────────────────────────────────────────────────

/** Expired WebAuthn challenges and sign-in tickets, up to `limit` of each: they work no more. */
export async function sweepTwoFactor(db: Queryable, options: { limit: number }): Promise<number> {
  const challenges = await db.execute(
    sql`DELETE FROM webauthn_challenges WHERE challenge IN (
      SELECT challenge FROM webauthn_challenges WHERE expires_at < now() LIMIT ${options.limit}) RETURNING 1`,
  );
  const tickets = await db.execute(
    sql`DELETE FROM sign_in_tickets WHERE ticket_hash IN (
      SELECT ticket_hash FROM sign_in_tickets WHERE expires_at < now() LIMIT ${options.limit}) RETURNING 1`,
  );
  const n = (r: unknown) => (r as { rows: unknown[] }).rows.length;
  return n(challenges) + n(tickets);
}
