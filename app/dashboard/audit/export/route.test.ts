// The audit export as a browser meets it: signed out it sends to sign-in (and back to
// the same filters); signed in it streams the user's own events — and only those — as
// CSV or JSON Lines, filtered like the viewer, newest first, with a download filename.
// The session is stubbed (next-auth needs a request scope); the database and the route
// are real.
import { beforeAll, beforeEach, expect, it, vi } from "vitest";
import { GET } from "@/app/dashboard/audit/export/route";
import type { User } from "@/db/schema";
import { AUDIT_FIELDS } from "@/lib/audit/format";
import { exportFilename } from "@/lib/audit/export";
import { seedRow, writeSeedRows, type SeedRow } from "@/test/audit-seed";
import { describeDatabases } from "@/test/databases";

const session = vi.hoisted(() => ({ user: null as User | null, db: undefined as unknown }));
vi.mock("@/lib/auth/session", () => ({ currentUser: async () => session.user }));
vi.mock("@/lib/serve/database", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  getDb: async () => session.db,
}));

const ME = "usr_export_me";
const OTHER = "usr_export_other";
const BASE = "http://okoro.test/dashboard/audit/export";

const get = (query: string) => GET(new Request(`${BASE}?${query}`));

function parseCsv(text: string): string[][] {
  // enough CSV for these rows: quoted cells may hold commas, quotes ("") and newlines
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else if (c !== "\r") cell += c;
  }
  return rows;
}

describeDatabases("audit export route", (getDb) => {
  beforeAll(async () => {
    session.db = getDb().db;
    const t0 = Date.UTC(2026, 4, 1);
    const mine: SeedRow[] = Array.from({ length: 2500 }, (_, i) =>
      seedRow(ME, {
        at: new Date(t0 + i * 1000),
        event: i % 2 === 0 ? "proxy.request" : "proxy.response",
        agent: i % 3 === 0 ? "exporter" : "other-agent",
        provider: "github",
        path: `/repos/acme/${i}`,
        outcome: "allowed",
        flags: i === 7 ? ["intent_mismatch"] : [],
        flagReason: i === 7 ? 'Intent "=HYPERLINK(1)" reads, but the request deletes.' : null,
        // a spreadsheet must not run this as a formula; a comma and a quote must survive
        intent: i === 7 ? '=HYPERLINK("http://evil.example","click"), then "more"' : `read item ${i}`,
      }),
    );
    await writeSeedRows(getDb().db, mine);
    await writeSeedRows(getDb().db, [
      seedRow(OTHER, {
        at: new Date(t0),
        event: "proxy.request",
        agent: "exporter",
        path: "/secret/of/someone/else",
        outcome: "allowed",
      }),
    ]);
  });

  beforeEach(() => {
    session.user = { id: ME } as User;
  });

  it("signed out: back to sign-in, then to the viewer with the same filters", async () => {
    session.user = null;
    const res = await get("format=csv&agent=exporter&flagged=1");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(
      `/sign-in?next=${encodeURIComponent("/dashboard/audit?agent=exporter&flagged=1")}`,
    );
    expect(await res.text()).toBe("");
  });

  it("an unknown format is a 400", async () => {
    const res = await get("format=xlsx");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_request" });
  });

  it("CSV: a download of every matching event, newest first, formulas defused", async () => {
    const res = await get("format=csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="okoro-audit-\d{8}-\d{4}\.csv"$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const rows = parseCsv(await res.text());
    expect(rows[0]).toEqual([...AUDIT_FIELDS]);
    const data = rows.slice(1);
    // more than one page of the stream (1000 events a page), nothing lost or repeated
    expect(data).toHaveLength(2500);
    const seq = AUDIT_FIELDS.indexOf("seq");
    expect(data.map((r) => Number(r[seq]))).toEqual(Array.from({ length: 2500 }, (_, i) => 2500 - i));
    const userId = AUDIT_FIELDS.indexOf("user_id");
    expect(data.every((r) => r[userId] === ME)).toBe(true);
    const flagged = data.find((r) => r[seq] === "8")!;
    expect(flagged[AUDIT_FIELDS.indexOf("intent")]).toBe(`'=HYPERLINK("http://evil.example","click"), then "more"`);
    expect(flagged[AUDIT_FIELDS.indexOf("flags")]).toBe("intent_mismatch");
  });

  it("JSON Lines with the viewer's filters", async () => {
    const res = await get("format=jsonl&agent=exporter&q=item%2012");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/filename="okoro-audit-\d{8}-\d{4}\.jsonl"/);
    const lines = (await res.text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // agent "exporter" is every third event; "item 12" matches 12, 120–129 and 1200–1299
    const expected = Array.from({ length: 2500 }, (_, i) => i)
      .filter((i) => i % 3 === 0 && `read item ${i}`.includes("item 12"))
      .map((i) => i + 1)
      .reverse();
    expect(lines.map((l) => l.seq)).toEqual(expected);
    expect(Object.keys(lines[0])).toEqual([...AUDIT_FIELDS]);
    expect(lines.every((l) => l.agent === "exporter" && l.user_id === ME)).toBe(true);
  });

  it("flagged only, and sort or cursor parameters change nothing", async () => {
    const res = await get("format=jsonl&flagged=1&sort=duration&dir=asc&after=WzEsMl0");
    const lines = (await res.text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.seq)).toEqual([8]);
    expect(lines[0]).toMatchObject({
      flags: ["intent_mismatch"],
      flag_reason: 'Intent "=HYPERLINK(1)" reads, but the request deletes.',
    });
  });

  it("another user's events never leave, whatever the URL says", async () => {
    const res = await get("format=jsonl&user_id=usr_export_other&chain=usr_export_other&q=secret");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it("an empty result is a valid file: the CSV header alone", async () => {
    const res = await get("format=csv&q=no%20such%20thing");
    expect(parseCsv(await res.text())).toEqual([[...AUDIT_FIELDS]]);
  });

  it("names the file after the moment, in UTC", () => {
    expect(exportFilename("csv", new Date(Date.UTC(2026, 10, 23, 2, 15, 59)))).toBe("okoro-audit-20261123-0215.csv");
  });
});
