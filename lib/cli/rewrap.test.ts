import { eq } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { getConnectionCredential, setConnection } from "@/lib/connect/connections";
import { connections, notificationChannels, oauthStates, signingKeys, users } from "@/db/schema";
import { openChannelUrl, setChannel } from "@/lib/notify/channels";
import { rewrapAll } from "@/lib/cli/rewrap";
import { generateMasterKey, openJson, parseMasterKeys, rowAad, sealJson } from "@/lib/crypto/envelope";
import { describeDatabases } from "@/test/databases";

const OLD = generateMasterKey("old");
const NEW = generateMasterKey("new");
const old = parseMasterKeys(OLD);
const rotated = parseMasterKeys(`${NEW},${OLD}`);
const newOnly = parseMasterKeys(NEW);

describeDatabases("rewrapAll", (handle) => {
  const db = () => handle().db;
  const providers = ["anthropic", "github", "notion", "openai", "slack"];

  beforeAll(async () => {
    await db().insert(users).values({ id: "usr_r", email: "r@example.com" });
    for (const provider of providers) {
      await setConnection({
        db: db(),
        userId: "usr_r",
        provider,
        method: "paste",
        credential: { api_key: `key-for-${provider}-0000` },
        masterKeys: old,
      });
    }
    await db()
      .insert(signingKeys)
      .values({
        kid: "key_a",
        publicJwk: { kty: "OKP" },
        privateKey: sealJson({ d: "private" }, rowAad("signing_keys", "key_a"), old),
      });
    const expiresAt = new Date(Date.now() + 600_000);
    await db()
      .insert(oauthStates)
      .values([
        {
          stateHash: "h1",
          userId: "usr_r",
          provider: "github",
          secret: sealJson("verifier", rowAad("oauth_states", "h1"), old),
          expiresAt,
        },
        { stateHash: "h2", userId: "usr_r", provider: "github", secret: null, expiresAt },
      ]);
    await setChannel(db(), {
      userId: "usr_r",
      kind: "webhook",
      url: "https://hooks.example.com/okoro",
      masterKeys: old,
      rules: { privateNetwork: false },
    });
  });

  it("re-wraps every envelope across batch boundaries", async () => {
    const report = await rewrapAll({ db: db(), masterKeys: rotated, batchSize: 2 });
    expect(report.failures).toEqual([]);
    expect(report.tables).toEqual([
      { table: "connections", rewrapped: 5, current: 0, failed: 0 },
      { table: "signing_keys", rewrapped: 1, current: 0, failed: 0 },
      { table: "oauth_states", rewrapped: 1, current: 0, failed: 0 },
      { table: "notification_channels", rewrapped: 1, current: 0, failed: 0 },
    ]);
    for (const provider of providers) {
      expect(await getConnectionCredential({ db: db(), userId: "usr_r", provider, masterKeys: newOnly })).toEqual({
        api_key: `key-for-${provider}-0000`,
      });
    }
    const [key] = await db().select().from(signingKeys).where(eq(signingKeys.kid, "key_a"));
    expect(openJson(key.privateKey, rowAad("signing_keys", "key_a"), newOnly)).toEqual({ d: "private" });
    const [state] = await db().select().from(oauthStates).where(eq(oauthStates.stateHash, "h1"));
    expect(openJson(state.secret!, rowAad("oauth_states", "h1"), newOnly)).toBe("verifier");
    const [channel] = await db().select().from(notificationChannels).where(eq(notificationChannels.userId, "usr_r"));
    expect(openChannelUrl(channel!, newOnly)).toBe("https://hooks.example.com/okoro");
  });

  it("leaves current envelopes alone and reports the ones it cannot open", async () => {
    const [row] = await db().select().from(connections).where(eq(connections.provider, "slack"));
    await db()
      .update(connections)
      .set({ credential: { ...row.credential, kid: "gone" } })
      .where(eq(connections.id, row.id));
    const failures: string[] = [];
    const report = await rewrapAll({
      db: db(),
      masterKeys: rotated,
      batchSize: 3,
      onFailure: (f) => failures.push(f.id),
    });
    expect(report.rewrapped).toBe(0);
    expect(report.current).toBe(7);
    expect(report.failures).toEqual([{ table: "connections", id: row.id, error: 'unknown master key id "gone"' }]);
    expect(failures).toEqual([row.id]);
  });
});
