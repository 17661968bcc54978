// `okoro token …` and `okoro audit …` as a person runs them (the real binary, a child
// process) against a database this test process owns — the embedded one is then reached
// through its socket, exactly as while `npm run dev` runs.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DbHandle } from "@/db/client";
import { freshPostgresDatabase, runOkoro } from "@/lib/cli/testing";
import { TEST_DATABASE_URL } from "@/test/databases";
import { createHarness, testEnvSource, type Harness } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();

type Backend = {
  name: string;
  open: () => Promise<{ handle: DbHandle; env: Record<string, string>; cleanup: () => Promise<void> }>;
};
const backends: Backend[] = [
  {
    name: "pglite",
    open: async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "okoro-agentcli-"));
      const pgliteDir = path.join(dir, "pglite");
      const handle = await openDatabase({ driver: "pglite", pgliteDir, migrate: true });
      return {
        handle,
        env: { DATABASE_URL: `pglite:${pgliteDir}` },
        cleanup: async () => {
          await handle.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];
if (TEST_DATABASE_URL) {
  backends.push({
    name: "pg",
    open: async () => {
      const server = await freshPostgresDatabase(TEST_DATABASE_URL!);
      const handle = await openDatabase({ driver: "pg", url: server.url, migrate: true });
      return {
        handle,
        env: { DATABASE_URL: server.url },
        cleanup: async () => {
          await handle.close();
          await server.drop();
        },
      };
    },
  });
}

describe.each(backends)("token and audit commands [$name]", (backend) => {
  let db: Awaited<ReturnType<Backend["open"]>>;
  let h: Harness;
  let env: Record<string, string>;
  const email = () => h.user.email;
  const okoro = (args: string[]) => runOkoro(args, { env });

  beforeAll(async () => {
    db = await backend.open();
    h = await createHarness(db.handle.db, upstream.url);
    await h.connect("github");
    // the same configuration (master key included) as the harness, pointed at this database
    env = {
      ...testEnvSource(upstream.url),
      ...db.env,
      NODE_ENV: "development",
      OKORO_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "okoro-agentcli-data-")),
    };
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("token create prints the token once; list never shows it", async () => {
    const created = await okoro([
      "token",
      "create",
      "--user",
      email(),
      "--name",
      "cli-agent",
      "--grant",
      "github:read",
      "--grant",
      "trello:read,update",
      "--rate",
      "60",
      "--quota",
      "1000/day",
      "--approval",
      "update",
      "--hold",
      "read",
      "--expires-in",
      "30d",
      "--json",
    ]);
    expect(created.code, created.stderr).toBe(0);
    const json = JSON.parse(created.stdout);
    expect(json.token).toMatch(/^svc_[0-9A-Za-z]{38}$/);
    expect(json).toMatchObject({
      name: "cli-agent",
      grants: { github: ["read"], trello: ["read", "update"] },
      rate_limit: 60,
      quota: "1000/day",
      approval_scopes: ["update"],
      hold_scopes: ["read"],
      max_ttl: 900,
      status: "active",
    });
    const list = await okoro(["token", "list", "--user", email(), "--json"]);
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(json.token);
    expect(JSON.parse(list.stdout).map((t: { id: string }) => t.id)).toContain(json.id);
  });

  it("token create --hold refuses a scope that is not one", async () => {
    const bad = await okoro([
      "token",
      "create",
      "--user",
      email(),
      "--name",
      "x",
      "--grant",
      "github:read",
      "--hold",
      "sometimes",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--hold");
  });

  it("refuses bad grants with a clear message and exit 2", async () => {
    const bad = await okoro(["token", "create", "--user", email(), "--name", "x", "--grant", "github:admin"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("not a scope");
    const unknown = await okoro(["token", "create", "--user", email(), "--name", "x", "--grant", "myspace:read"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown provider");
  });

  it("token revoke bites on the very next proxied request", async () => {
    const created = JSON.parse(
      (await okoro(["token", "create", "--user", email(), "--name", "revokee", "--grant", "github:read", "--json"]))
        .stdout,
    );
    const op = await h.operationToken(created.token, { provider: "github", scope: "read", intent: "list issues" });
    expect((await h.call(op, "GET", "github/user")).status).toBe(200);
    const revoked = await okoro(["token", "revoke", created.id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = await h.call(op, "GET", "github/user");
    expect(after.status).toBe(401);
    expect(upstream.received).toHaveLength(1);
    expect((await okoro(["token", "revoke", "tok_doesnotexist"])).code).toBe(1);
  });

  it("audit list, export and verify; a tampered row makes verify exit 1 naming its seq", async () => {
    const list = await okoro(["audit", "list", "--user", email(), "--json", "--limit", "5"]);
    expect(list.code, list.stderr).toBe(0);
    const events = JSON.parse(list.stdout);
    expect(events.length).toBeGreaterThan(0);
    expect(events[0]).toHaveProperty("seq");
    expect(events[0]).toHaveProperty("flags");
    expect(events[0].seq).toBeGreaterThan(events[events.length - 1].seq);

    const csv = await okoro(["audit", "export", "--user", email(), "--format", "csv"]);
    expect(csv.stdout.split("\n")[0]).toContain("seq,id,at,user_id,event");
    const jsonl = await okoro(["audit", "export", "--user", email(), "--format", "jsonl", "--event", "proxy.request"]);
    const lines = jsonl.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.every((e) => e.event === "proxy.request")).toBe(true);

    expect((await okoro(["audit", "verify"])).code).toBe(0);
    const target = events[events.length - 1].seq;
    await db.handle.db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
      await tx.execute(
        sql`UPDATE audit_events SET intent = 'something else' WHERE chain = ${h.user.id} AND seq = ${target}`,
      );
      await tx.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
    });
    const verify = await okoro(["audit", "verify", "--user", email()]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`first bad seq ${target}`);
  });
  it("audit checkpoint signs the heads; a rewrite with every hash and the head recomputed makes verify exit 1", async () => {
    // a user of its own: the test before this one broke the first user's chain on purpose
    const u = await createHarness(db.handle.db, upstream.url);
    await u.connect("github");
    await u.createToken({ grants: { github: ["read"] } });
    const made = await okoro(["audit", "checkpoint", "--create", "--json"]);
    expect(made.code, made.stderr).toBe(0);
    const checkpoint = JSON.parse(made.stdout);
    expect(checkpoint).toMatchObject({ signature_ok: true });
    expect(checkpoint.heads[u.user.id][0]).toBeGreaterThan(1);
    expect((await okoro(["audit", "verify", "--user", u.user.email])).code).toBe(0);
    const [seq] = checkpoint.heads[u.user.id];
    // what an owner can do: rewrite the first row, re-hash the chain, move the head
    const { eventHash, GENESIS_HASH } = await import("@/lib/audit/chain");
    const { auditEvents } = await import("@/db/schema");
    const { asc, eq } = await import("drizzle-orm");
    await db.handle.db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
      await tx.execute(sql`UPDATE audit_events SET intent = 'something else' WHERE chain = ${u.user.id} AND seq = 1`);
      let prev = GENESIS_HASH;
      for (const row of await tx
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.chain, u.user.id))
        .orderBy(asc(auditEvents.seq))) {
        const hash = eventHash(prev, { ...row, prevHash: prev });
        await tx.execute(
          sql`UPDATE audit_events SET prev_hash = ${prev}, hash = ${hash} WHERE chain = ${u.user.id} AND seq = ${row.seq}`,
        );
        prev = hash;
      }
      await tx.execute(sql`UPDATE audit_heads SET hash = ${prev} WHERE chain = ${u.user.id}`);
      await tx.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
    });
    const verify = await okoro(["audit", "verify", "--user", u.user.email]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain("first bad seq 1");
    expect(verify.stdout).toContain(`seq ${seq} no longer has the hash the checkpoint signed`);
  });
});
