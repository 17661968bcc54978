import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getConnection, listConnections } from "@/db/queries/connections";
import { credentialHint, deleteConnection, getConnectionCredential, setConnection } from "@/lib/connect/connections";
import { auditEvents, connections, users } from "@/db/schema";
import { verifyChain } from "@/lib/audit/verify";
import { DecryptionError, generateMasterKey, parseMasterKeys } from "@/lib/crypto/envelope";
import { describeDatabases } from "@/test/databases";

const masterKeys = parseMasterKeys(generateMasterKey("test"));
const OPENAI_KEY = "sk-test-0123456789abcdefWXyz";

describe("credentialHint", () => {
  it("shows the last four characters of the main secret", () => {
    expect(credentialHint({ api_key: OPENAI_KEY })).toBe("…WXyz");
    expect(credentialHint({ access_token: "gho_abcdefghijklmnop9Yz1", refresh_token: "r" })).toBe("…9Yz1");
    expect(credentialHint({ token: "0123456789abcdefx9Yz", token_secret: "s" })).toBe("…x9Yz");
    expect(
      credentialHint({ token: "0123456789abcdefx9Yz", token_secret: "", api_key: "public-power-up-key-AAAA" }),
    ).toBe("…x9Yz");
  });

  it("shows nothing for secrets too short to hint at safely", () => {
    expect(credentialHint({ api_key: "short-key" })).toBeNull();
  });
});

describeDatabases("connections queries", (handle) => {
  const db = () => handle().db;

  beforeAll(async () => {
    await db()
      .insert(users)
      .values([
        { id: "usr_alice", email: "alice@example.com" },
        { id: "usr_bob", email: "bob@example.com" },
      ]);
  });

  it("round-trips a credential, encrypted at rest", async () => {
    const row = await setConnection({
      db: db(),
      userId: "usr_alice",
      provider: "openai",
      method: "paste",
      credential: { api_key: OPENAI_KEY },
      masterKeys,
    });
    expect(row).toMatchObject({
      userId: "usr_alice",
      provider: "openai",
      method: "paste",
      status: "active",
      credentialHint: "…WXyz",
    });
    expect(row).not.toHaveProperty("credential");

    const [stored] = await db().select().from(connections).where(eq(connections.id, row.id));
    expect(stored.credential.kid).toBe("test");
    expect(JSON.stringify(stored.credential)).not.toContain(OPENAI_KEY);

    const credential = await getConnectionCredential({ db: db(), userId: "usr_alice", provider: "openai", masterKeys });
    expect(credential).toEqual({ api_key: OPENAI_KEY });
  });

  it("returns null for a provider the user has not connected", async () => {
    expect(await getConnectionCredential({ db: db(), userId: "usr_alice", provider: "github", masterKeys })).toBeNull();
    expect(await getConnection({ db: db(), userId: "usr_bob", provider: "openai" })).toBeNull();
  });

  it("replaces the credential on reconnect and keeps the row id", async () => {
    const first = await setConnection({
      db: db(),
      userId: "usr_alice",
      provider: "gmail",
      method: "oauth2",
      credential: { access_token: "ya29.first-access-token", refresh_token: "1//first", expires_at: 1_900_000_000 },
      accountName: "alice@gmail.com",
      masterKeys,
    });
    expect(first.accessExpiresAt?.getTime()).toBe(1_900_000_000_000);
    await db()
      .update(connections)
      .set({ status: "error", statusDetail: "refresh failed" })
      .where(eq(connections.id, first.id));

    const second = await setConnection({
      db: db(),
      userId: "usr_alice",
      provider: "gmail",
      method: "oauth2",
      credential: { access_token: "ya29.second-access-token", refresh_token: "1//second" },
      masterKeys,
    });
    expect(second.id).toBe(first.id);
    expect(second).toMatchObject({
      status: "active",
      statusDetail: null,
      accountName: null,
      accessExpiresAt: null,
      credentialHint: "…oken",
    });
    expect(second.createdAt.getTime()).toBe(first.createdAt.getTime());
    const rows = await db()
      .select()
      .from(connections)
      .where(and(eq(connections.userId, "usr_alice"), eq(connections.provider, "gmail")));
    expect(rows).toHaveLength(1);
    expect(await getConnectionCredential({ db: db(), userId: "usr_alice", provider: "gmail", masterKeys })).toEqual({
      access_token: "ya29.second-access-token",
      refresh_token: "1//second",
    });
  });

  it("keeps one row when the same pair is set concurrently", async () => {
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        setConnection({
          db: db(),
          userId: "usr_bob",
          provider: "anthropic",
          method: "paste",
          credential: { api_key: `sk-ant-concurrent-${n}-xxxx` },
          masterKeys,
        }),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const credential = (await getConnectionCredential({
      db: db(),
      userId: "usr_bob",
      provider: "anthropic",
      masterKeys,
    })) as { api_key: string };
    expect(credential.api_key).toMatch(/^sk-ant-concurrent-\d-xxxx$/);
  });

  it("fails closed when a ciphertext is moved to another row", async () => {
    const alice = await setConnection({
      db: db(),
      userId: "usr_alice",
      provider: "notion",
      method: "paste",
      credential: { api_key: "secret_alice_notion_0001" },
      masterKeys,
    });
    await setConnection({
      db: db(),
      userId: "usr_bob",
      provider: "notion",
      method: "paste",
      credential: { api_key: "secret_bob_notion_00002" },
      masterKeys,
    });
    const [stolen] = await db()
      .select({ credential: connections.credential })
      .from(connections)
      .where(eq(connections.id, alice.id));
    await db()
      .update(connections)
      .set({ credential: stolen.credential })
      .where(and(eq(connections.userId, "usr_bob"), eq(connections.provider, "notion")));
    await expect(
      getConnectionCredential({ db: db(), userId: "usr_bob", provider: "notion", masterKeys }),
    ).rejects.toBeInstanceOf(DecryptionError);
    // the original still opens
    expect(await getConnectionCredential({ db: db(), userId: "usr_alice", provider: "notion", masterKeys })).toEqual({
      api_key: "secret_alice_notion_0001",
    });
  });

  it("fails closed when the master key is not the one it was sealed with", async () => {
    const other = parseMasterKeys(generateMasterKey("other"));
    await expect(
      getConnectionCredential({ db: db(), userId: "usr_alice", provider: "openai", masterKeys: other }),
    ).rejects.toBeInstanceOf(DecryptionError);
  });

  it("lists a user's connections without the credential", async () => {
    const list = await listConnections({ db: db(), userId: "usr_alice" });
    expect(list.map((c) => c.provider)).toEqual(["gmail", "notion", "openai"]);
    for (const c of list) expect(c).not.toHaveProperty("credential");
    const text = JSON.stringify(list);
    for (const secret of [OPENAI_KEY, "ya29.second-access-token", "1//second", "secret_alice_notion_0001"])
      expect(text).not.toContain(secret);
    expect(await listConnections({ db: db(), userId: "usr_nobody" })).toEqual([]);
  });

  it("deletes a connection and says when there was none", async () => {
    expect(await deleteConnection({ db: db(), userId: "usr_alice", provider: "openai" })).toBe(true);
    expect(await getConnectionCredential({ db: db(), userId: "usr_alice", provider: "openai", masterKeys })).toBeNull();
    expect(await deleteConnection({ db: db(), userId: "usr_alice", provider: "openai" })).toBe(false);
  });

  it("audits every change on the user's chain, without secrets", async () => {
    const events = await db().select().from(auditEvents).where(eq(auditEvents.userId, "usr_alice"));
    const names = events.map((e) => `${e.event}:${e.provider}`);
    expect(names.filter((n) => n === "connection.created:gmail")).toHaveLength(2);
    expect(names).toContain("connection.created:openai");
    expect(names.filter((n) => n === "connection.deleted:openai")).toHaveLength(1);
    expect(events.every((e) => e.outcome === "allowed")).toBe(true);
    expect(JSON.stringify(events)).not.toContain(OPENAI_KEY);
    expect((await verifyChain(db(), "usr_alice")).ok).toBe(true);
  });
});
