// Signed checkpoints against someone who can rewrite the database as its owner: rows a
// checkpoint covered that were rewritten (every hash after them recomputed, the head
// moved) or removed fail verification; a checkpoint signed with another key fails; and
// checkpoints are made when due, on the request path and by the cron route.
import { asc, eq, sql } from "drizzle-orm";
import { expect, it } from "vitest";
import type { Database } from "@/db/client";
import { insertCheckpoint, latestCheckpoints } from "@/db/queries/checkpoints";
import { auditCheckpoints, auditEvents } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { eventHash, GENESIS_HASH } from "@/lib/audit/chain";
import {
  checkpointScheduler,
  checkpointSignatureValid,
  createCheckpointScheduler,
  makeCheckpoint,
  signCheckpoint,
} from "@/lib/audit/checkpoint";
import { runCheckpointCron } from "@/lib/audit/checkpoint-cron";
import { trustedCheckpoint, verifyChains } from "@/lib/audit/verify";
import { generateMasterKey, parseMasterKeys } from "@/lib/crypto/envelope";
import { createHarness } from "@/test/harness";
import { describeDatabases } from "@/test/databases";
import { useUpstream } from "@/test/use-upstream";

const KEYS = parseMasterKeys(generateMasterKey("k1"));
const OTHER_KEYS = parseMasterKeys(generateMasterKey("k1"));

async function appendMany(db: Database, chain: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await appendAudit(db, { event: "proxy.request", userId: chain, intent: `read item ${i}`, outcome: "allowed" });
}

/** What an owner can do: rewrite a row, recompute every hash after it and the head. */
async function rewriteAndRehash(db: Database, chain: string, seq: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
    await tx.execute(sql`UPDATE audit_events SET intent = 'delete everything' WHERE chain = ${chain} AND seq = ${seq}`);
    const rows = await tx.select().from(auditEvents).where(eq(auditEvents.chain, chain)).orderBy(asc(auditEvents.seq));
    let prev = GENESIS_HASH;
    for (const row of rows) {
      const hash = eventHash(prev, { ...row, prevHash: prev });
      await tx.execute(
        sql`UPDATE audit_events SET prev_hash = ${prev}, hash = ${hash} WHERE chain = ${chain} AND seq = ${row.seq}`,
      );
      prev = hash;
    }
    await tx.execute(sql`UPDATE audit_heads SET hash = ${prev} WHERE chain = ${chain}`);
    await tx.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
  });
}

/** ...or remove the newest rows and set the head back to the last one kept. */
async function removeTail(db: Database, chain: string, keep: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
    await tx.execute(sql`DELETE FROM audit_events WHERE chain = ${chain} AND seq > ${keep}`);
    await tx.execute(
      sql`UPDATE audit_heads h SET seq = e.seq, hash = e.hash FROM audit_events e WHERE h.chain = ${chain} AND e.chain = h.chain AND e.seq = ${keep}`,
    );
    await tx.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
  });
}

async function verifyAll(db: Database, keys = KEYS) {
  const { checkpoint, badSignatures } = await trustedCheckpoint(db, keys);
  return { results: await verifyChains(db, { checkpoint, masterKeys: keys }), badSignatures, checkpoint };
}

describeDatabases("audit checkpoints", (db) => {
  it("signs with a key derived from the master key; another key's signature does not verify", async () => {
    const c = signCheckpoint({ usr_a: [3, "ab".repeat(32)] }, KEYS);
    expect(checkpointSignatureValid(c, KEYS)).toBe(true);
    expect(checkpointSignatureValid(c, OTHER_KEYS)).toBe(false);
    expect(checkpointSignatureValid({ ...c, heads: { usr_a: [2, "ab".repeat(32)] } }, KEYS)).toBe(false);
    // after a rotation the old key still vouches for what it signed
    const rotated = parseMasterKeys(`${generateMasterKey("k2")},k1:${KEYS.keys.get("k1")!.toString("base64")}`);
    expect(checkpointSignatureValid(c, rotated)).toBe(true);
  });

  it("untouched: verifies; a row rewritten with every hash and the head recomputed: fails naming the seq range", async () => {
    const chain = "usr_rewrite";
    await appendMany(db().db, chain, 2);
    await makeCheckpoint(db().db, KEYS, { force: true });
    await appendMany(db().db, chain, 3);
    await makeCheckpoint(db().db, KEYS, { force: true });
    const clean = await verifyAll(db().db);
    expect(clean.results.find((r) => r.chain === chain)).toMatchObject({ ok: true, verifiedThrough: 5 });

    await rewriteAndRehash(db().db, chain, 4);
    // the chain alone cannot tell: this is the attack
    expect((await verifyChains(db().db, { chain }))[0].ok).toBe(true);
    const after = await verifyAll(db().db);
    const bad = after.results.find((r) => r.chain === chain)!;
    expect(bad.ok).toBe(false);
    // the older checkpoint (through seq 2) still matches: the rewrite is in 3–5
    expect(bad.firstBadSeq).toBe(3);
    expect(bad.problem).toMatch(/rewritten/);
  });

  it("the newest rows removed and the head set back: fails naming the first removed seq", async () => {
    const chain = "usr_tail";
    await appendMany(db().db, chain, 5);
    await makeCheckpoint(db().db, KEYS, { force: true });
    await removeTail(db().db, chain, 3);
    expect((await verifyChains(db().db, { chain }))[0].ok).toBe(true);
    const bad = (await verifyAll(db().db)).results.find((r) => r.chain === chain)!;
    expect(bad).toMatchObject({ ok: false, firstBadSeq: 4 });
    expect(bad.problem).toMatch(/removed/);
  });

  it("a checkpoint signed with another key fails", async () => {
    const forged = signCheckpoint({}, OTHER_KEYS, new Date(Date.now() + 1000));
    await insertCheckpoint(db().db, forged);
    const { badSignatures } = await verifyAll(db().db);
    expect(badSignatures.map((c) => c.id)).toContain(forged.id);
  });

  it("is made when due after the pipe commits, not before, and never on the caller's time", async () => {
    let clock = Date.now() + 3_600_000;
    const scheduler = createCheckpointScheduler(db().db, KEYS, { now: () => clock, intervalMs: 60_000 });
    const count = async () => (await db().db.select({ n: sql<number>`count(*)::int` }).from(auditCheckpoints))[0].n;
    const before = await count();
    await appendMany(db().db, "usr_due", 1);
    scheduler.poke();
    expect(scheduler.pending()).toBeUndefined();
    clock += 60_000;
    scheduler.poke();
    expect(scheduler.pending()).toBeDefined();
    await scheduler.pending();
    expect(await count()).toBe(before + 1);
    const [latest] = await latestCheckpoints(db().db);
    expect(latest.heads.usr_due?.[0]).toBe(1);
  });
});

describeDatabases("audit checkpoints on the request path and the cron route", (db) => {
  const upstream = useUpstream();

  it("a proxied request that finds a checkpoint due makes one after its audit row commits", async () => {
    let clock = Date.now();
    // the database's scheduler, with a clock the test moves (the harness's proxy uses it)
    const scheduler = checkpointScheduler(db().db, KEYS, { now: () => clock });
    const h = await createHarness(db().db, upstream.url);
    await h.connect("github");
    const { token } = await h.createToken({ grants: { github: ["read"] } });
    const op = await h.operationToken(token, { provider: "github", scope: "read", intent: "list repositories" });
    expect((await h.call(op, "GET", "github/user")).status).toBe(200);
    expect(scheduler.pending()).toBeUndefined();
    expect(await latestCheckpoints(db().db)).toHaveLength(0);

    clock += 61_000;
    expect((await h.call(op, "GET", "github/user")).status).toBe(200);
    await scheduler.pending();
    const [made] = await latestCheckpoints(db().db);
    expect(made).toBeDefined();
    expect(made.heads[h.user.id][0]).toBeGreaterThanOrEqual(3);
  });

  it("the cron route needs CRON_SECRET, and makes a checkpoint only when one is due", async () => {
    const env = { cronSecret: "a-cron-secret-of-some-length", masterKeys: KEYS };
    const req = (auth?: string) =>
      new Request("http://okoro.test/api/cron/checkpoint", { headers: auth ? { authorization: auth } : {} });
    await expect(runCheckpointCron(req(), { db: db().db, env })).rejects.toMatchObject({ code: "invalid_token" });
    await expect(runCheckpointCron(req("Bearer wrong"), { db: db().db, env })).rejects.toMatchObject({
      code: "invalid_token",
    });
    await expect(
      runCheckpointCron(req(`Bearer ${env.cronSecret}`), { db: db().db, env: { ...env, cronSecret: undefined } }),
    ).rejects.toMatchObject({ code: "invalid_token" });

    await appendMany(db().db, "usr_cron", 1);
    const at = new Date(Date.now() + 3_600_000);
    expect(await runCheckpointCron(req(`Bearer ${env.cronSecret}`), { db: db().db, env, now: at })).toMatchObject({
      made: true,
    });
    expect(
      await runCheckpointCron(req(`Bearer ${env.cronSecret}`), {
        db: db().db,
        env,
        now: new Date(at.getTime() + 10_000),
      }),
    ).toEqual({ made: false });
    await appendMany(db().db, "usr_cron", 1);
    expect(
      await runCheckpointCron(req(`Bearer ${env.cronSecret}`), {
        db: db().db,
        env,
        now: new Date(at.getTime() + 60_000),
      }),
    ).toMatchObject({ made: true });
  });
});
