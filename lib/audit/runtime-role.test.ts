// The app's runtime role against its own audit log: as a login role that is a member of
// okoro_runtime (what DATABASE_URL is when DATABASE_OWNER_URL is set), changing, removing
// or truncating audit rows, disabling their triggers and moving a chain head all fail,
// while the app's own paths (an exchange and a proxied call through okoro_pipe(), a
// connection stored with its audit row in one transaction) still work.
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase, type Database, type DbHandle } from "@/db/client";
import { verifyChains } from "@/lib/audit/verify";
import { createHarness } from "@/test/harness";
import { describeDatabases } from "@/test/databases";
import { startNeonBridge } from "@/test/neon-bridge";
import { useUpstream } from "@/test/use-upstream";

/** The database's message for a statement that must fail. */
async function refusal(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (e) {
    const err = e as Error & { cause?: Error };
    return `${err.cause?.message ?? ""} ${err.message}`;
  }
  throw new Error("the statement succeeded");
}

describeDatabases("the runtime role may only append to and read the audit log", (owner, driver) => {
  const upstream = useUpstream();
  const role = `okoro_rt_${randomBytes(5).toString("hex")}`;
  let runtime: Database;
  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    const password = randomBytes(12).toString("hex");
    await owner().db.execute(sql.raw(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' IN ROLE okoro_runtime`));
    if (driver === "pglite") {
      // one embedded session: it becomes the runtime role for the rest of the suite
      await owner().db.execute(sql.raw(`SET ROLE ${role}`));
      runtime = owner().db;
      close = async () => void (await owner().db.execute(sql`RESET ROLE`));
      return;
    }
    const url = new URL(owner().url!);
    url.username = role;
    url.password = password;
    const bridge = driver === "neon" ? await startNeonBridge() : undefined;
    const handle: DbHandle = await openDatabase({ driver, url: url.toString(), neonWsProxy: bridge?.address, max: 4 });
    runtime = handle.db;
    close = async () => {
      await handle.close();
      await bridge?.close();
    };
  });

  afterAll(async () => {
    await close();
    await owner()
      .db.execute(sql.raw(`DROP ROLE IF EXISTS ${role}`))
      .catch(() => {});
  });

  it("runs as the runtime role", async () => {
    const r = (await runtime.execute(sql`SELECT current_user AS u`)) as unknown as { rows: { u: string }[] };
    expect(r.rows[0].u).toBe(role);
  });

  it("the app's paths work: connection (audited in its transaction), service token, exchange, proxied call", async () => {
    const h = await createHarness(runtime, upstream.url);
    await h.connect("github");
    const { token } = await h.createToken({ grants: { github: ["read"] } });
    const op = await h.operationToken(token, { provider: "github", scope: "read", intent: "list repositories" });
    const res = await h.call(op, "GET", "github/user");
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    // the proxy.response event is written after the response, through the pipe too
    await expect
      .poll(
        async () =>
          (
            (await runtime.execute(
              sql`SELECT count(*)::int AS n FROM audit_events WHERE chain = ${h.user.id} AND event = 'proxy.response'`,
            )) as unknown as { rows: { n: number }[] }
          ).rows[0].n,
      )
      .toBe(1);
    const checks = await verifyChains(runtime, { chain: h.user.id });
    expect(checks[0]).toMatchObject({ ok: true });
    expect(checks[0].verifiedThrough).toBeGreaterThanOrEqual(4);
  });

  it("cannot UPDATE, DELETE or TRUNCATE audit rows, nor disable their triggers", async () => {
    expect(await refusal(runtime.execute(sql`UPDATE audit_events SET intent = 'x'`))).toMatch(/permission denied/);
    expect(await refusal(runtime.execute(sql`DELETE FROM audit_events`))).toMatch(/permission denied/);
    expect(await refusal(runtime.execute(sql`TRUNCATE audit_events`))).toMatch(/permission denied/);
    expect(
      await refusal(runtime.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`)),
    ).toMatch(/must be owner/);
    expect(await refusal(runtime.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER ALL`))).toMatch(/must be owner/);
  });

  it("cannot move or add chain heads, nor change or remove checkpoints", async () => {
    expect(await refusal(runtime.execute(sql`UPDATE audit_heads SET seq = 0`))).toMatch(/permission denied/);
    expect(await refusal(runtime.execute(sql`DELETE FROM audit_heads`))).toMatch(/permission denied/);
    expect(
      await refusal(runtime.execute(sql`INSERT INTO audit_heads (chain, seq, hash) VALUES ('x', 9, 'y')`)),
    ).toMatch(/permission denied/);
    expect(await refusal(runtime.execute(sql`DELETE FROM audit_checkpoints`))).toMatch(/permission denied/);
    expect(await refusal(runtime.execute(sql`UPDATE audit_checkpoints SET kid = 'x'`))).toMatch(/permission denied/);
  });

  it("the owner's head function moves a head only forward, to a row in the log", async () => {
    const heads = (await runtime.execute(
      sql`SELECT chain, seq, hash FROM audit_heads WHERE seq > 1 LIMIT 1`,
    )) as unknown as { rows: { chain: string; seq: number; hash: string }[] };
    const h = heads.rows[0];
    expect(
      await refusal(
        runtime.execute(
          sql`SELECT okoro_audit_move_heads(${sql.param([h.chain])}::text[], ${sql.param([Number(h.seq) + 5])}::bigint[], ${sql.param(["f".repeat(64)])}::text[])`,
        ),
      ),
    ).toMatch(/could not move/);
    expect(
      await refusal(
        runtime.execute(
          sql`SELECT okoro_audit_move_heads(${sql.param([h.chain])}::text[], ${sql.param([1])}::bigint[], ${sql.param(["f".repeat(64)])}::text[])`,
        ),
      ),
    ).toMatch(/could not move/);
  });
});
