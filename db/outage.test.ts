// The database going away under a running proxy (PostgreSQL behind a forwarder the test
// cuts): proxied calls answer 503 audit_unavailable within 5 s and forward nothing, and
// once the database is reachable again calls succeed within 20 s, with no restart. A
// server that is down (connections reset) is the easy case; a silent one (a dead route:
// connections open, nothing answered) is the one where a pool without timeouts waits for
// good (db/client.ts). Skipped without TEST_DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DbHandle } from "@/db/client";
import { openTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "@/test/databases";
import { createHarness, type Harness } from "@/test/harness";
import { startTcpForwarder, type TcpForwarder } from "@/test/tcp-forwarder";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();

describe.runIf(TEST_DATABASE_URL)("database outage [pg]", () => {
  let server: TestDatabase;
  let forwarder: TcpForwarder;
  let handle: DbHandle;
  let h: Harness;
  let op: string;
  let svc: string;

  beforeAll(async () => {
    server = await openTestDatabase("pg");
    const target = new URL(server.url!);
    forwarder = await startTcpForwarder({ host: target.hostname, port: Number(target.port || 5432) });
    handle = await openDatabase({ driver: "pg", url: forwarder.url(server.url!), max: 10 });
    h = await createHarness(handle.db, upstream.url);
    await h.connect("github");
    const { token } = await h.createToken({ grants: { github: ["read"] } });
    svc = token;
    op = await h.operationToken(token, { provider: "github", scope: "read", intent: "list issues" });
  });
  afterAll(async () => {
    await h?.close();
    await forwarder?.close();
    await handle?.close();
    await server?.cleanup();
  });

  for (const mode of ["reset", "silent"] as const) {
    it(`cut (${mode}): 503 audit_unavailable within 5 s, nothing forwarded; restored: calls succeed within 20 s`, async () => {
      expect((await h.call(op, "GET", "github/user")).status).toBe(200);
      upstream.reset();

      forwarder.cut(mode);
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 5 }, () => h.call(op, "GET", "github/user")));
      const took = Date.now() - started;
      for (const res of answers) {
        expect(res.status).toBe(503);
        expect(res.headers.get("okoro-error")).toBe("audit_unavailable");
      }
      expect(took).toBeLessThan(5_000);
      expect(upstream.received).toHaveLength(0);
      // the exchange needs the database too: 503 unavailable (retry later), not a 500
      const exchangeStarted = Date.now();
      const exchanged = await h.exchange(svc, { provider: "github", scope: "read", intent: "list issues" });
      expect(exchanged.status).toBe(503);
      expect(((await exchanged.json()) as { error: string }).error).toBe("unavailable");
      expect(Date.now() - exchangeStarted).toBeLessThan(5_000);

      forwarder.restore();
      const restored = Date.now();
      let status = 0;
      while (Date.now() - restored < 20_000) {
        status = (await h.call(op, "GET", "github/user")).status;
        if (status === 200) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(200);
      expect(Date.now() - restored).toBeLessThan(20_000);
      expect(upstream.received.length).toBeGreaterThan(0);
    }, 60_000);
  }
});
