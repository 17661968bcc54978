// The audit viewer's query layer on every database driver: each filter, every sort with
// its keyset cursors (forward and back, through ties and rows without a value), text
// search that takes % and _ literally, counts, one event by id, and the overview's
// hourly activity buckets. Another user's rows are always in the table and never seen.
import { beforeAll, describe, expect, it } from "vitest";
import {
  auditActivity,
  countAuditEvents,
  decodeAuditCursor,
  encodeAuditCursor,
  getAuditEvent,
  listAuditAgents,
  listAuditEvents,
  pageAuditEvents,
  recentFlaggedEvents,
  type AuditCursor,
  type AuditFilter,
} from "@/db/queries/audit";
import type { AuditEvent } from "@/db/schema";
import { AUDIT_SORT_KEYS, type AuditSort } from "@/lib/audit/view-params";
import { seedRow, writeSeedRows, type SeedRow } from "@/test/audit-seed";
import { describeDatabases } from "@/test/databases";

const A = "usr_audit_a";
const B = "usr_audit_b";
const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

/**
 * User A's log, oldest first (seq = index + 1). Ties on purpose: several rows share a
 * status, a duration, an agent and a provider, and some have none of them.
 */
function rowsForA(): SeedRow[] {
  const r = (minutes: number, fields: Partial<SeedRow> & { event: string }) =>
    seedRow(A, { at: at(minutes), ...fields });
  return [
    r(0, { event: "auth.signin", outcome: "allowed" }),
    r(1, {
      event: "token.issued",
      agent: "alpha",
      provider: "github",
      scope: "read",
      intent: "list open pull requests",
      outcome: "allowed",
    }),
    r(2, {
      event: "proxy.request",
      agent: "alpha",
      provider: "github",
      scope: "read",
      requiredScope: "read",
      method: "GET",
      path: "/repos/acme/api/pulls",
      outcome: "allowed",
    }),
    r(3, {
      event: "proxy.response",
      agent: "alpha",
      provider: "github",
      scope: "read",
      method: "GET",
      path: "/repos/acme/api/pulls",
      status: 200,
      durationMs: 120,
      outcome: "allowed",
    }),
    r(4, {
      event: "proxy.denied",
      agent: "beta",
      provider: "notion",
      scope: "read",
      requiredScope: "delete",
      method: "DELETE",
      path: "/v1/blocks/1",
      status: 403,
      outcome: "denied",
      error: "insufficient_scope",
      intent: "check todo items",
      flags: ["intent_mismatch"],
      flagReason: 'Intent "check todo items" reads, but the request deletes.',
    }),
    r(5, {
      event: "token.issued",
      agent: "beta",
      provider: "trello",
      scope: "all",
      reason: "cleanup of the board",
      intent: "clean up 50% of the cards",
      outcome: "allowed",
      flags: ["all_scope"],
      flagReason: "A token with scope all was issued.",
    }),
    r(6, {
      event: "proxy.response",
      agent: "beta",
      provider: "trello",
      scope: "all",
      method: "PUT",
      path: "/1/cards/a_b",
      status: 200,
      durationMs: 120,
      outcome: "allowed",
      flags: ["all_scope"],
      flagReason: "A token with scope all was used.",
    }),
    r(7, {
      event: "proxy.response",
      agent: "gamma",
      provider: "slack",
      scope: "write",
      method: "POST",
      path: "/chat.postMessage",
      status: 500,
      durationMs: 3000,
      outcome: "error",
      error: "upstream_unreachable",
    }),
    r(8, {
      event: "token.denied",
      agent: "gamma",
      provider: "slack",
      scope: "delete",
      status: 403,
      outcome: "denied",
      error: "scope_not_granted",
      intent: "post 500 messages",
    }),
    r(9, {
      event: "proxy.response",
      agent: "alpha",
      provider: "github",
      scope: "read",
      method: "GET",
      path: "/repos/acme/axb",
      status: 200,
      durationMs: 45,
      outcome: "allowed",
    }),
    r(10, {
      event: "proxy.response",
      agent: "gamma",
      provider: "slack",
      scope: "write",
      method: "POST",
      path: "/chat.update",
      status: 404,
      durationMs: 120,
      outcome: "allowed",
    }),
    r(11, { event: "connection.created", provider: "github", outcome: "allowed" }),
    r(12, {
      event: "proxy.request",
      agent: "alpha",
      provider: "github",
      scope: "read",
      requiredScope: "read",
      method: "GET",
      path: "/search/issues",
      query: "q=back\\slash",
      outcome: "allowed",
      intent: "search for back\\slash",
    }),
    r(13, { event: "auth.signin_failed", outcome: "denied", error: "wrong_password" }),
  ];
}

const SORT_VALUE: Record<Exclude<AuditSort["key"], "time">, (e: AuditEvent) => string | number | null> = {
  status: (e) => e.status,
  duration: (e) => e.durationMs,
  agent: (e) => e.agent,
  provider: (e) => e.provider,
};

/** The order the viewer promises: values in the sort direction, ties by seq in the same direction, rows without a value last. */
function expectedOrder(rows: AuditEvent[], sort: AuditSort): number[] {
  const sign = sort.dir === "asc" ? 1 : -1;
  const value = sort.key === "time" ? () => 0 : SORT_VALUE[sort.key];
  return [...rows]
    .sort((x, y) => {
      const a = value(x);
      const b = value(y);
      if (a === null && b !== null) return 1;
      if (b === null && a !== null) return -1;
      if (a !== null && b !== null && a !== b) return (a < b ? -1 : 1) * sign;
      return (x.seq - y.seq) * sign;
    })
    .map((e) => e.seq);
}

describeDatabases("audit queries", (getDb) => {
  let all: AuditEvent[];
  const db = () => getDb().db;
  const seqs = async (filter: Omit<AuditFilter, "userId">) =>
    (await pageAuditEvents(db(), { userId: A, ...filter }, { limit: 1000 })).rows.map((r) => r.seq);

  beforeAll(async () => {
    await writeSeedRows(db(), rowsForA());
    // another user with look-alike rows: none of them may ever show up in A's queries
    await writeSeedRows(db(), [
      seedRow(B, {
        at: at(2),
        event: "proxy.request",
        agent: "alpha",
        provider: "github",
        scope: "read",
        path: "/repos/acme/api/pulls",
        outcome: "allowed",
        intent: "list open pull requests",
      }),
      seedRow(B, {
        at: at(5),
        event: "token.issued",
        agent: "beta",
        provider: "trello",
        scope: "all",
        outcome: "allowed",
        flags: ["all_scope"],
        flagReason: "x",
        intent: "clean up 50% of the cards",
      }),
    ]);
    all = (await pageAuditEvents(db(), { userId: A }, { limit: 1000 })).rows;
  });

  describe("filters", () => {
    it("no filter: the user's whole chain, newest first, and nothing of anyone else's", async () => {
      expect(all.map((e) => e.seq)).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
      expect(all.every((e) => e.userId === A)).toBe(true);
    });

    it("agent, provider, scope, event, outcome", async () => {
      expect(await seqs({ agent: "alpha" })).toEqual([13, 10, 4, 3, 2]);
      expect(await seqs({ provider: "slack" })).toEqual([11, 9, 8]);
      expect(await seqs({ scope: "all" })).toEqual([7, 6]);
      expect(await seqs({ event: "proxy.response" })).toEqual([11, 10, 8, 7, 4]);
      expect(await seqs({ outcome: "denied" })).toEqual([14, 9, 5]);
      expect(await seqs({ outcome: "error" })).toEqual([8]);
      expect(await seqs({ agent: "gamma", outcome: "allowed" })).toEqual([11]);
      expect(await seqs({ agent: "nobody" })).toEqual([]);
    });

    it("flagged only", async () => {
      expect(await seqs({ flagged: true })).toEqual([7, 6, 5]);
      expect(await seqs({ flagged: true, agent: "beta", event: "proxy.denied" })).toEqual([5]);
    });

    it("time range: since and until are inclusive", async () => {
      expect(await seqs({ since: at(10) })).toEqual([14, 13, 12, 11]);
      expect(await seqs({ until: at(2) })).toEqual([3, 2, 1]);
      expect(await seqs({ since: at(3), until: at(5) })).toEqual([6, 5, 4]);
    });

    it("text: case-insensitive substring over intent and path", async () => {
      expect(await seqs({ text: "PULL" })).toEqual([4, 3, 2]);
      expect(await seqs({ text: "chat." })).toEqual([11, 8]);
      expect(await seqs({ text: "todo" })).toEqual([5]);
    });

    it("text: % and _ and \\ match themselves, not as wildcards", async () => {
      // "50%" must not match "500 messages"; "a_b" must not match "axb"
      expect(await seqs({ text: "50%" })).toEqual([6]);
      expect(await seqs({ text: "%" })).toEqual([6]);
      expect(await seqs({ text: "a_b" })).toEqual([7]);
      expect(await seqs({ text: "_" })).toEqual([7]);
      expect(await seqs({ text: "back\\slash" })).toEqual([13]);
      expect(await seqs({ text: "\\" })).toEqual([13]);
    });
  });

  describe("sorting with keyset cursors", () => {
    const sorts: AuditSort[] = AUDIT_SORT_KEYS.flatMap((key) =>
      (["asc", "desc"] as const).map((dir) => ({ key, dir })),
    );

    it.each(sorts.map((s) => [`${s.key} ${s.dir}`, s] as const))(
      "%s: pages forward and back cover every row once, in order",
      async (_, sort) => {
        const expected = expectedOrder(all, sort);
        for (const limit of [1, 3, 5]) {
          // forward, page by page
          const pages: number[][] = [];
          let after: AuditCursor | undefined;
          let prev: AuditCursor | null = null;
          for (let guard = 0; guard < 50; guard++) {
            // cursors travel through URLs: round-trip each one
            const page = await pageAuditEvents(db(), { userId: A }, { sort, limit, after });
            if (pages.length > 0) expect(page.prev).not.toBeNull();
            else expect(page.prev).toBeNull();
            pages.push(page.rows.map((r) => r.seq));
            prev = page.prev;
            if (!page.next) break;
            after = decodeAuditCursor(encodeAuditCursor(page.next), sort);
          }
          expect(pages.flat()).toEqual(expected);
          expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);

          // and back from the last page: each "previous" is the page before it
          let before = prev ?? undefined;
          for (let i = pages.length - 2; i >= 0 && before; i--) {
            const page = await pageAuditEvents(
              db(),
              { userId: A },
              { sort, limit, before: decodeAuditCursor(encodeAuditCursor(before), sort) },
            );
            expect(page.rows.map((r) => r.seq)).toEqual(pages[i]);
            before = page.prev ?? undefined;
            if (i === 0) expect(page.prev).toBeNull();
          }
        }
      },
    );

    it("a filter and a sort together keep to the filter on every page", async () => {
      const sort: AuditSort = { key: "duration", dir: "desc" };
      const first = await pageAuditEvents(db(), { userId: A, agent: "alpha" }, { sort, limit: 2 });
      const second = await pageAuditEvents(db(), { userId: A, agent: "alpha" }, { sort, limit: 2, after: first.next! });
      const third = await pageAuditEvents(db(), { userId: A, agent: "alpha" }, { sort, limit: 2, after: second.next! });
      expect([...first.rows, ...second.rows, ...third.rows].map((r) => r.seq)).toEqual([4, 10, 13, 3, 2]);
      expect(third.next).toBeNull();
    });

    it("rows appended after the first page do not shift or repeat rows on the next (time sort)", async () => {
      const first = await pageAuditEvents(db(), { userId: A, event: "proxy.response" }, { limit: 2 });
      await writeSeedRows(db(), [seedRow(A, { at: at(20), event: "proxy.response", status: 201, path: "/late" })]);
      const second = await pageAuditEvents(
        db(),
        { userId: A, event: "proxy.response" },
        { limit: 2, after: first.next! },
      );
      expect(first.rows.map((r) => r.seq)).toEqual([11, 10]);
      expect(second.rows.map((r) => r.seq)).toEqual([8, 7]);
    });

    it("a malformed or mismatched cursor is ignored, not an error", () => {
      const sort: AuditSort = { key: "status", dir: "desc" };
      expect(decodeAuditCursor("not base64 json", sort)).toBeUndefined();
      expect(decodeAuditCursor(encodeAuditCursor({ v: "alpha", s: 3 }), sort)).toBeUndefined();
      expect(decodeAuditCursor(encodeAuditCursor({ v: 200, s: 0 }), sort)).toBeUndefined();
      expect(decodeAuditCursor(encodeAuditCursor({ v: 200, s: 3 }), { key: "time", dir: "desc" })).toBeUndefined();
      expect(decodeAuditCursor(encodeAuditCursor({ v: null, s: 3 }), sort)).toEqual({ v: null, s: 3 });
      expect(decodeAuditCursor(Buffer.from("[1,2,3]").toString("base64url"), sort)).toBeUndefined();
    });

    it("listAuditEvents (the CLI's) still pages newest first by seq", async () => {
      const first = await listAuditEvents(db(), { userId: A, provider: "github" }, { limit: 2 });
      const second = await listAuditEvents(
        db(),
        { userId: A, provider: "github" },
        { limit: 2, before: first.nextBefore! },
      );
      expect([...first.rows, ...second.rows].map((r) => r.seq)).toEqual([13, 12, 10, 4]);
    });
  });

  describe("counts, lookups, choices", () => {
    it("counts matches, up to a cap", async () => {
      expect(await countAuditEvents(db(), { userId: A, agent: "alpha" })).toEqual({ count: 5, capped: false });
      expect(await countAuditEvents(db(), { userId: A }, { cap: 4 })).toEqual({ count: 4, capped: true });
      expect(await countAuditEvents(db(), { userId: A, text: "nothing like this" })).toEqual({
        count: 0,
        capped: false,
      });
    });

    it("finds an event by id only in its owner's chain", async () => {
      const mine = all[3];
      expect((await getAuditEvent(db(), { userId: A, id: mine.id }))?.seq).toBe(mine.seq);
      expect(await getAuditEvent(db(), { userId: B, id: mine.id })).toBeUndefined();
    });

    it("lists the agents in a user's log, sorted", async () => {
      expect(await listAuditAgents(db(), A)).toEqual(["alpha", "beta", "gamma"]);
      expect(await listAuditAgents(db(), "usr_nobody")).toEqual([]);
    });

    it("the most recent flagged events", async () => {
      expect((await recentFlaggedEvents(db(), { userId: A, limit: 2 })).map((e) => e.seq)).toEqual([7, 6]);
    });
  });

  describe("activity buckets", () => {
    const C = "usr_audit_activity";
    // "now" is 14:20 UTC: the buckets are 15:00 the day before … 14:00 today (partial)
    const now = new Date(Date.UTC(2026, 2, 1, 14, 20));
    const h = (hoursAgo: number, minute = 5) => new Date(Date.UTC(2026, 2, 1, 14 - hoursAgo, minute));

    beforeAll(async () => {
      const r = (when: Date, fields: Partial<SeedRow> & { event: string }) => seedRow(C, { at: when, ...fields });
      await writeSeedRows(db(), [
        r(new Date(Date.UTC(2026, 1, 28, 14, 59)), { event: "proxy.request", outcome: "allowed" }), // before the window
        r(h(23, 0), { event: "proxy.request", outcome: "allowed" }), // first bucket, on the hour
        r(h(23, 59), { event: "token.issued", outcome: "allowed" }),
        r(h(10), { event: "proxy.denied", outcome: "denied" }),
        r(h(10), { event: "token.denied", outcome: "denied" }),
        r(h(10), {
          event: "token_replayed",
          outcome: "denied",
          flags: ["replay"],
          flagReason: "A single-use token was used again.",
        }),
        r(h(10), { event: "proxy.request", outcome: "allowed", flags: ["all_scope"], flagReason: "scope all" }),
        r(h(10), { event: "proxy.response", outcome: "allowed", status: 200 }), // the second half of a request: not counted
        r(h(10), { event: "proxy.response", outcome: "error", status: 502 }),
        r(h(10), { event: "auth.signin", outcome: "allowed" }), // not agent activity
        r(h(10), { event: "connection.created", outcome: "allowed" }),
        r(h(0, 19), { event: "proxy.request", outcome: "allowed" }), // current, partial hour
        r(new Date(Date.UTC(2026, 2, 1, 15, 0)), { event: "proxy.request", outcome: "allowed" }), // after now's hour
      ]);
    });

    it("24 hourly buckets, oldest first, zeros included", async () => {
      const buckets = await auditActivity(db(), { userId: C, now });
      expect(buckets).toHaveLength(24);
      expect(buckets[0].start.toISOString()).toBe("2026-02-28T15:00:00.000Z");
      expect(buckets[23].start.toISOString()).toBe("2026-03-01T14:00:00.000Z");
      const total = (b: (typeof buckets)[number]) => b.allowed + b.denied + b.flagged;
      expect(buckets.map(total)).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    });

    it("splits a bucket into allowed, denied and flagged (flagged wins), and counts exchanges", async () => {
      const buckets = await auditActivity(db(), { userId: C, now });
      expect(buckets[0]).toMatchObject({ allowed: 2, denied: 0, flagged: 0, exchanges: 1 });
      expect(buckets[13]).toMatchObject({ allowed: 0, denied: 2, flagged: 2, exchanges: 1 });
      expect(buckets[23]).toMatchObject({ allowed: 1, denied: 0, flagged: 0, exchanges: 0 });
    });

    it("only the user's own events", async () => {
      const buckets = await auditActivity(db(), { userId: "usr_nobody", now });
      expect(buckets.every((b) => b.allowed + b.denied + b.flagged === 0)).toBe(true);
    });
  });
});
