// okoro_pipe() (db/functions/okoro_pipe.sql) and the app's side of it: the chains a batch appends to come
// from the payload (`chain` on a proxied request once the app has learnt its token's user),
// a chain's first event creates its head next to heads that exist, and a `chain` that is
// not the token's user fails the whole batch without writing anything.
import { randomBytes } from "node:crypto";
import { count, eq, sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { auditEvents, connections, serviceTokens } from "@/db/schema";
import { createUser } from "@/lib/users";
import { dbPipe } from "@/db/queries/pipe";
import { appendAudit, auditRow } from "@/lib/audit/append";
import { pipeAppend, pipeAuthorize } from "@/lib/audit/pipe-events";
import { canonicalPieces } from "@/lib/audit/chain";
import { OkoroError } from "@/lib/errors";
import { verifyChains } from "@/lib/audit/verify";
import { newId } from "@/lib/ids";
import type { Database } from "@/db/client";
import { describeDatabases } from "@/test/databases";

async function tokenWithConnection(db: Database, email: string): Promise<{ userId: string; tokenId: string }> {
  const user = await createUser(db, { email });
  const tokenId = newId("tok");
  await db.insert(serviceTokens).values({
    id: tokenId,
    userId: user.id,
    name: "pipe-test",
    tokenHash: `hash-${tokenId}`,
    hint: "svc_…test",
    grants: { openai: ["read"] },
    maxTtl: 900,
  });
  // the function hands the envelope back untouched; it never decrypts it
  await db.insert(connections).values({
    id: newId("con"),
    userId: user.id,
    provider: "openai",
    method: "paste",
    credential: { v: 1, kid: "k", wrapped_key: "w", nonce: "n", ciphertext: "c" } as never,
  });
  return { userId: user.id, tokenId };
}

function request(tokenId: string, path: string) {
  return {
    tokenId,
    provider: "openai",
    jti: randomBytes(16).toString("hex"),
    once: false,
    exp: Math.floor(Date.now() / 1000) + 600,
    event: auditRow({
      event: "proxy.request",
      userId: null,
      serviceTokenId: tokenId,
      provider: "openai",
      scope: "read",
      method: "GET",
      path,
      outcome: "allowed",
    }),
  };
}

async function auditCount(db: Database, chain: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.chain, chain));
  return row.n;
}

describeDatabases(
  "the database pipe",
  (getDb, driver) => {
    it("a token's first and later requests land on its user's chain, in order", async () => {
      const db = getDb().db;
      const { userId, tokenId } = await tokenWithConnection(db, "pipe-order@example.com");
      const before = await auditCount(db, userId);
      const first = await pipeAuthorize(db, request(tokenId, "/v1/first"));
      // the later ones go with the user the first answer named, several to a batch
      const later = await Promise.all([1, 2, 3].map((i) => pipeAuthorize(db, request(tokenId, `/v1/later-${i}`))));
      for (const r of [first, ...later]) expect(r).toMatchObject({ outcome: "ok", user_id: userId });
      const seqs = [first, ...later].map((r) => (r.outcome === "ok" ? r.seq : 0));
      expect(seqs).toEqual([before + 1, before + 2, before + 3, before + 4]);
      expect(await auditCount(db, userId)).toBe(before + 4);
      expect((await verifyChains(db)).every((c) => c.ok)).toBe(true);
    });

    it("fields hashed only when set (via, tool, count) are stored and verify, for requests and events", async () => {
      const db = getDb().db;
      const { userId, tokenId } = await tokenWithConnection(db, "pipe-via@example.com");
      const r = request(tokenId, "/v1/models");
      Object.assign(r.event, { via: "mcp", tool: "openai_list_models" });
      const [authorized, aggregated] = await Promise.all([
        pipeAuthorize(db, r),
        appendAudit(db, { event: "proxy.denied", userId: null, error: "rate_limited", count: 42 }),
      ]);
      expect(authorized).toMatchObject({ outcome: "ok", user_id: userId });
      const [row] = await db.select().from(auditEvents).where(eq(auditEvents.id, r.event.id));
      expect(row).toMatchObject({ via: "mcp", tool: "openai_list_models", count: null, userId });
      const [counted] = await db.select().from(auditEvents).where(eq(auditEvents.id, aggregated.id));
      expect(counted).toMatchObject({ count: 42, via: null, tool: null });
      expect((await verifyChains(db)).every((c) => c.ok)).toBe(true);
    });

    it("one batch can start new chains next to ones that exist", async () => {
      const db = getDb().db;
      const { userId, tokenId } = await tokenWithConnection(db, "pipe-mixed@example.com");
      await pipeAuthorize(db, request(tokenId, "/v1/warm"));
      const fresh = [newId("usr"), newId("usr")];
      const results = await Promise.all([
        pipeAuthorize(db, request(tokenId, "/v1/with-new-chains")),
        ...fresh.map((chain) => appendAudit(db, { event: "auth.signin", userId: chain })),
      ]);
      expect(results[0]).toMatchObject({ outcome: "ok", user_id: userId });
      for (const [i, chain] of fresh.entries()) {
        expect(results[i + 1]).toMatchObject({ chain, seq: 1 });
        expect(await auditCount(db, chain)).toBe(1);
      }
      expect((await verifyChains(db)).every((c) => c.ok)).toBe(true);
    });

    it("refuses a batch whose request names another user's chain, and writes nothing of it", async () => {
      const db = getDb().db;
      const mine = await tokenWithConnection(db, "pipe-mine@example.com");
      const other = await tokenWithConnection(db, "pipe-other@example.com");
      const before = [await auditCount(db, mine.userId), await auditCount(db, other.userId)];
      const payload = (chain?: string) => {
        const r = request(mine.tokenId, "/v1/misdirected");
        const { c1, c2, c3 } = canonicalPieces(r.event, { userPending: true });
        return JSON.stringify([
          {
            token_id: r.tokenId,
            ...(chain && { chain }),
            provider: r.provider,
            jti: r.jti,
            once: false,
            exp: r.exp,
            c1,
            c2,
            c3,
          },
        ]);
      };
      const events = JSON.stringify([
        { chain: other.userId, ...canonicalPieces(auditRow({ event: "auth.signin", userId: other.userId })) },
      ]);
      const error = await db.execute(sql`SELECT okoro_pipe(${payload(other.userId)}::jsonb, ${events}::jsonb)`).then(
        () => null,
        (e: Error) => e,
      );
      // drizzle wraps the driver's error; PostgreSQL's message is its cause
      expect(String((error?.cause as Error | undefined)?.message ?? error)).toMatch(/not its token's user/);
      expect([await auditCount(db, mine.userId), await auditCount(db, other.userId)]).toEqual(before);

      // the same request with its own chain, or with none (looked up), goes through
      const right = await db.execute(sql`SELECT okoro_pipe(${payload(mine.userId)}::jsonb, '[]'::jsonb) AS r`);
      const none = await db.execute(sql`SELECT okoro_pipe(${payload()}::jsonb, '[]'::jsonb) AS r`);
      for (const result of [right, none]) {
        const raw = (result as unknown as { rows: { r: unknown }[] }).rows[0].r;
        const out = (typeof raw === "string" ? JSON.parse(raw) : raw) as {
          auth: { outcome: string; user_id: string }[];
        };
        expect(out.auth[0]).toMatchObject({ outcome: "ok", user_id: mine.userId });
      }
      expect(await auditCount(db, mine.userId)).toBe(before[0] + 2);
      expect((await verifyChains(db)).every((c) => c.ok)).toBe(true);
    });

    it("a member the database cannot store fails alone with invalid_request; the rest of its batch commits", async () => {
      const db = getDb().db;
      const { userId, tokenId } = await tokenWithConnection(db, "pipe-poison@example.com");
      const other = newId("usr");
      const before = await auditCount(db, userId);
      // past auditRow's cleaning: a NUL and a lone surrogate, which PostgreSQL's JSON refuses
      const poisoned = (intent: string) => ({ ...auditRow({ event: "auth.signin", userId: other }), intent });
      // one turn of the event loop: one batch
      const outcomes = await Promise.allSettled([
        pipeAuthorize(db, request(tokenId, "/v1/a")),
        pipeAppend(db, poisoned("nul \u0000 here")),
        ...[1, 2, 3].map((i) => pipeAuthorize(db, request(tokenId, `/v1/b${i}`))),
        pipeAppend(db, auditRow({ event: "auth.signin", userId: other })),
        pipeAppend(db, poisoned("lone \ud800 surrogate")),
        pipeAppend(db, auditRow({ event: "auth.signin", userId: other })),
      ]);
      const bad = [1, 6];
      for (const [i, outcome] of outcomes.entries()) {
        if (bad.includes(i)) {
          expect(outcome.status).toBe("rejected");
          expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(OkoroError);
          expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: "invalid_request", status: 400 });
        } else {
          expect(outcome.status).toBe("fulfilled");
        }
      }
      expect(outcomes.slice(2, 5).map((o) => (o as PromiseFulfilledResult<{ outcome: string }>).value.outcome)).toEqual(
        ["ok", "ok", "ok"],
      );
      expect(await auditCount(db, userId)).toBe(before + 4);
      expect(await auditCount(db, other)).toBe(2);
      expect((await verifyChains(db)).every((c) => c.ok)).toBe(true);
    });

    it("any other failure still fails the whole batch: only a data error is split", async () => {
      const db = getDb().db;
      const { tokenId } = await tokenWithConnection(db, "pipe-misdirected@example.com");
      const other = await tokenWithConnection(db, "pipe-misdirected-other@example.com");
      // a request sent with another user's chain makes okoro_pipe() raise (not a data error)
      const pipe = dbPipe(db) as unknown as { tokenUsers: Map<string, string> };
      pipe.tokenUsers.set(tokenId, other.userId);
      const outcomes = await Promise.allSettled([
        pipeAuthorize(db, request(tokenId, "/v1/misdirected")),
        pipeAppend(db, auditRow({ event: "auth.signin", userId: other.userId })),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
      expect((outcomes[1] as PromiseRejectedResult).reason).not.toBeInstanceOf(OkoroError);
    });

    it("goes on when the connection has lost the prepared statement (as behind a transaction-mode pooler)", async () => {
      const db = getDb().db;
      const { userId, tokenId } = await tokenWithConnection(db, "pipe-pooler@example.com");
      await pipeAuthorize(db, request(tokenId, "/v1/prepared"));
      // one connection in this pool: the statement the pipe prepared on it is dropped, as if
      // a pooler had handed the next call another server session
      await db.execute(sql`DEALLOCATE ALL`);
      const warn = console.warn;
      const warnings: string[] = [];
      console.warn = (...args: unknown[]) => void warnings.push(args.join(" "));
      try {
        const again = await pipeAuthorize(db, request(tokenId, "/v1/unprepared"));
        expect(again).toMatchObject({ outcome: "ok", user_id: userId });
      } finally {
        console.warn = warn;
      }
      // PGlite never names the statement, so there is nothing to lose there
      expect(warnings.length).toBe(driver === "pglite" ? 0 : 1);
      expect((await verifyChains(db)).every((c) => c.ok)).toBe(true);
    });
  },
  { max: 1 },
);
