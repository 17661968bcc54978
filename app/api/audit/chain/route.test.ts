// The chain status the viewer and the overview show: verified through the head, the
// first bad seq once a row is altered behind the trigger's back, and nothing for a
// signed-out caller. The session is stubbed; the database and verification are real.
import { sql } from "drizzle-orm";
import { beforeAll, beforeEach, expect, it, vi } from "vitest";
import { GET } from "@/app/api/audit/chain/route";
import type { User } from "@/db/schema";
import { seedRow, writeSeedRows } from "@/test/audit-seed";
import { describeDatabases } from "@/test/databases";

const session = vi.hoisted(() => ({ user: null as User | null, db: undefined as unknown }));
vi.mock("@/lib/auth/session", () => ({ currentUser: async () => session.user }));
vi.mock("@/lib/serve/database", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  getDb: async () => session.db,
}));

const get = (fresh = false) => GET(new Request(`http://okoro.test/api/audit/chain${fresh ? "?fresh=1" : ""}`));

describeDatabases("audit chain status route", (getDb) => {
  // one user per driver: results are cached per user in the process
  let me: string;
  beforeAll(async () => {
    me = `usr_chain_${getDb().driver}`;
    session.db = getDb().db;
    await writeSeedRows(
      getDb().db,
      Array.from({ length: 12 }, (_, i) =>
        seedRow(me, {
          at: new Date(Date.UTC(2026, 0, 1, 0, i)),
          event: "proxy.request",
          path: `/p/${i}`,
          outcome: "allowed",
        }),
      ),
    );
  });
  beforeEach(() => {
    session.user = { id: me } as User;
  });

  it("signed out: 401, no verification", async () => {
    session.user = null;
    const res = await get();
    expect(res.status).toBe(401);
  });

  it("an intact chain verifies through its head", async () => {
    const res = await get(true);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ ok: true, verifiedThrough: 12 });
    expect(body).not.toHaveProperty("chain");
    expect(typeof body.tookMs).toBe("number");
  });

  it("an altered row breaks the chain at its seq (fresh=1 skips the minute's cache)", async () => {
    await getDb().db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
      await tx.execute(sql`UPDATE audit_events SET path = '/p/rewritten' WHERE chain = ${me} AND seq = 5`);
      await tx.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
    });
    // within the minute a plain request is answered from the last verification
    expect(await (await get()).json()).toMatchObject({ ok: true, verifiedThrough: 12 });
    const body = (await (await get(true)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ ok: false, verifiedThrough: 4, firstBadSeq: 5 });
    expect(String(body.problem)).toMatch(/seq 5/);
  });
});
