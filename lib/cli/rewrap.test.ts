import { eq } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { getConnectionCredential, setConnection } from "@/lib/connect/connections";
import {
  connections,
  heldRequests,
  notificationChannels,
  oauthStates,
  signingKeys,
  userTotp,
  users,
} from "@/db/schema";
import { decideApproval } from "@/lib/approvals/decide";
import { startTotpEnrolment } from "@/lib/auth/two-factor";
import { heldRequestAad, heldResponseAad } from "@/lib/held/hold";
import { openChannelUrl, setChannel } from "@/lib/notify/channels";
import { rewrapAll } from "@/lib/cli/rewrap";
import { generateMasterKey, open, openJson, parseMasterKeys, rowAad, sealJson } from "@/lib/crypto/envelope";
import { describeDatabases } from "@/test/databases";
import { createHarness } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const OLD = generateMasterKey("old");
const NEW = generateMasterKey("new");
const old = parseMasterKeys(OLD);
const rotated = parseMasterKeys(`${NEW},${OLD}`);
const newOnly = parseMasterKeys(NEW);

const upstream = useUpstream();

describeDatabases("rewrapAll", (handle) => {
  const db = () => handle().db;
  const providers = ["anthropic", "github", "notion", "openai", "slack"];
  let heldId: string;
  let totpUser: string;

  beforeAll(async () => {
    // an authenticator-app secret and a held request with its answer, sealed with the old key
    const h = await createHarness(db(), upstream.url, { OKORO_MASTER_KEYS: OLD });
    await h.connect("github");
    const { token } = await h.createToken({ name: "held", grants: { github: ["delete"] }, holdScopes: ["delete"] });
    const op = await h.operationToken(token, { provider: "github", scope: "delete", intent: "remove a stale branch" });
    const held = (await (await h.call(op, "DELETE", "github/repos/o/r/git/refs/heads/stale")).json()) as {
      approval_id: string;
    };
    heldId = held.approval_id;
    await decideApproval(db(), {
      id: heldId,
      decision: "approve",
      userId: h.user.id,
      steppedUp: true,
      execute: { env: h.env },
    });
    totpUser = h.user.id;
    await startTotpEnrolment(db(), { userId: totpUser, email: h.user.email });

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
        // retired: the harness's exchange made the current key
        retiredAt: new Date(),
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
      { table: "connections", column: "credential", rewrapped: 6, current: 0, failed: 0 },
      { table: "signing_keys", column: "private_key", rewrapped: 2, current: 0, failed: 0 },
      { table: "oauth_states", column: "secret", rewrapped: 1, current: 0, failed: 0 },
      { table: "notification_channels", column: "url", rewrapped: 1, current: 0, failed: 0 },
      { table: "user_totp", column: "secret", rewrapped: 1, current: 0, failed: 0 },
      { table: "held_requests", column: "request", rewrapped: 1, current: 0, failed: 0 },
      { table: "held_requests", column: "response", rewrapped: 1, current: 0, failed: 0 },
    ]);
    const [held] = await db().select().from(heldRequests).where(eq(heldRequests.id, heldId));
    expect(held.request.kid).toBe("new");
    expect(
      openJson<{ headers: unknown }>(held.request, heldRequestAad(heldId, held.userId, "github"), newOnly),
    ).toHaveProperty("headers");
    expect(
      openJson<{ body: string }>(held.response!, heldResponseAad(heldId, held.userId, "github"), newOnly),
    ).toHaveProperty("body");
    const [totp] = await db().select().from(userTotp).where(eq(userTotp.userId, totpUser));
    expect(open(totp.secret, rowAad("user_totp", totpUser, totpUser), newOnly).toString("utf8")).toMatch(
      /^[A-Z2-7]{32}$/,
    );
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
    expect(report.current).toBe(12);
    expect(report.failures).toEqual([
      { table: "connections", column: "credential", id: row.id, error: 'unknown master key id "gone"' },
    ]);
    expect(failures).toEqual([row.id]);
  });
});
