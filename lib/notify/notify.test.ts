// Notifications end to end on every database driver: a Slack-shaped receiver and a signed
// webhook on 127.0.0.1 stand in for Slack and the person's server. Retries with backoff,
// delivery exactly once with several deliverers, the URL sealed at rest, the SSRF rules,
// and the agent never waiting for a receiver.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRecentDeliveries, sweepNotificationDeliveries } from "@/db/queries/notifications";
import { notificationChannels, notificationDeliveries } from "@/db/schema";
import { createApprovalGate } from "@/lib/approvals/gate";
import { verifyWebhookSignature, webhookSecret, WEBHOOK_SIGNATURE_HEADER } from "@/lib/approvals/webhook";
import { loadEnv } from "@/lib/env";
import { handleExchange } from "@/lib/exchange";
import { postPublic, PublicFetchError } from "@/lib/http/public-fetch";
import { reportLeak } from "@/lib/leaks";
import { checkChannelUrl, channelUrlHint, listChannels, removeChannel, setChannel } from "@/lib/notify/channels";
import { runNotificationsCron } from "@/lib/notify/cron";
import { backoffMs, deliverDue, NOTIFICATIONS_PER_10_MIN, notifyUser } from "@/lib/notify/deliver";
import { slackMessage, notificationPayload } from "@/lib/notify/events";
import { describeDatabases } from "@/test/databases";
import { createHarness, OKORO_URL, testEnvSource, type Harness } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();

type Hit = { path: string; headers: http.IncomingHttpHeaders; body: string };

/** A local receiver: answers each request with the next status in `plan` (then the last one). */
async function startReceiver(plan: (number | "hang")[] = [200]) {
  const hits: Hit[] = [];
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer(async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    hits.push({ path: req.url ?? "", headers: req.headers, body });
    const next = plan.length > 1 ? plan.shift()! : plan[0]!;
    if (next === "hang") hanging.push(res);
    else res.writeHead(next, { "content-type": "text/plain" }).end(next < 300 ? "ok" : "no");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    hits,
    base,
    release: () => {
      for (const res of hanging.splice(0)) res.writeHead(200).end("ok");
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(fn: () => Promise<T | undefined | false>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("timed out waiting");
    await sleep(25);
  }
}

describe("channel URL rules (SSRF)", () => {
  const open = { privateNetwork: true };
  const closed = { privateNetwork: false };
  it("takes Slack only at hooks.slack.com over https", () => {
    expect(checkChannelUrl("slack", "https://hooks.slack.com/services/T0/B0/abc", closed).host).toBe("hooks.slack.com");
    for (const bad of [
      "https://example.com/services/T0/B0/abc",
      "https://hooks.slack.com.evil.example/services/T0/B0/abc",
      "http://hooks.slack.com/services/T0/B0/abc",
      "https://hooks.slack.com:8443/services/T0/B0/abc",
      "https://hooks.slack.com/api/chat.postMessage",
      "https://user:pw@hooks.slack.com/services/T0/B0/abc",
    ]) {
      expect(() => checkChannelUrl("slack", bad, closed), bad).toThrow();
      // the private-network setting lets a local stand-in through, not another public host
      if (!bad.startsWith("https://hooks.slack.com/services"))
        expect(() => checkChannelUrl("slack", bad, open)).toThrow();
    }
    expect(checkChannelUrl("slack", "http://127.0.0.1:9/services/x", open).port).toBe("9");
  });

  it("takes webhooks over https to public hosts; http and private hosts only with the setting", () => {
    expect(checkChannelUrl("webhook", "https://hooks.example.com/okoro?x=1", closed).href).toBe(
      "https://hooks.example.com/okoro?x=1",
    );
    for (const bad of [
      "http://hooks.example.com/okoro",
      "https://127.0.0.1/x",
      "https://localhost/x",
      "https://169.254.169.254/latest/meta-data",
      "https://[::1]/x",
      "https://10.0.0.8/x",
      "ftp://hooks.example.com/x",
      "javascript:alert(1)",
      "not a url",
      "",
      `https://hooks.example.com/${"a".repeat(2100)}`,
    ]) {
      expect(() => checkChannelUrl("webhook", bad, closed), bad).toThrow();
    }
    expect(checkChannelUrl("webhook", "http://127.0.0.1:9/x", open).protocol).toBe("http:");
  });

  it("is off in production unless OKORO_NOTIFY_PRIVATE_NETWORK=1, on in development", () => {
    const prod = {
      ...testEnvSource("http://127.0.0.1:1"),
      NODE_ENV: "production",
      OKORO_URL: "https://okoro.example",
      DATABASE_URL: "postgres://x@127.0.0.1/x",
    };
    expect(loadEnv(prod).notifyPrivateNetwork).toBe(false);
    expect(loadEnv({ ...prod, OKORO_NOTIFY_PRIVATE_NETWORK: "1" }).notifyPrivateNetwork).toBe(true);
    expect(loadEnv(testEnvSource("http://127.0.0.1:1")).notifyPrivateNetwork).toBe(true);
    expect(() => loadEnv({ ...prod, OKORO_NOTIFY_PRIVATE_NETWORK: "maybe" })).toThrow(/OKORO_NOTIFY_PRIVATE_NETWORK/);
  });

  it("refuses a host that resolves to a private address at delivery, whatever the URL says", async () => {
    const err = await postPublic("https://hooks.example.com/x", {
      body: "{}",
      headers: {},
      timeoutMs: 2000,
      resolve: async () => [{ address: "169.254.169.254", family: 4 }],
    }).catch((e) => e);
    expect(err).toBeInstanceOf(PublicFetchError);
    expect((err as PublicFetchError).reason).toBe("private_address");
  });

  it("masks the URL it shows back", () => {
    const hint = channelUrlHint(new URL("https://hooks.slack.com/services/T0123/B0456/SECRETsecret"));
    expect(hint.startsWith("https://hooks.slack.com/")).toBe(true);
    expect(hint).not.toContain("SECRET");
  });

  it("escapes agent text so it cannot mention @channel or add links in Slack", () => {
    const message = slackMessage(
      notificationPayload(
        {
          kind: "all_scope.used",
          agent: "<!channel> bot",
          serviceTokenId: "tok_x",
          provider: "github",
          intent: "see <https://evil.example|your bank> & more",
          reason: null,
          jti: "j",
        },
        OKORO_URL,
      ),
    );
    const text = JSON.stringify(message);
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<https://evil.example");
    expect(text).toContain("&lt;!channel&gt;");
  });

  it("says what a held request is and links to its approval page", () => {
    const payload = notificationPayload(
      {
        kind: "held.requested",
        approvalId: "apr_held1",
        agent: "cleanup-bot",
        provider: "trello",
        intent: "clean up archived cards",
        sentence: "Delete the Trello card 5f2…",
        method: "DELETE",
        path: "/1/cards/5f2",
      },
      OKORO_URL,
    );
    expect(payload.type).toBe("held.requested");
    expect(payload.link).toBe(`${OKORO_URL}/dashboard/approvals/apr_held1`);
    expect(payload.sentence).toContain("Delete the Trello card 5f2");
    expect(payload.sentence).toContain("cleanup-bot");
    expect(JSON.stringify(slackMessage(payload))).not.toMatch(/approve\?|\/approve\b/);
  });

  it("backs off 30 s, 2 min, 10 min, 1 h, 6 h, then gives up", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n))).toEqual([
      30_000,
      120_000,
      600_000,
      3_600_000,
      21_600_000,
      null,
    ]);
  });
});

describeDatabases("notifications", (getDb, driver) => {
  const db = () => getDb().db;
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const fast = { backoffBaseMs: 400 };

  beforeAll(async () => {
    h = await createHarness(db(), upstream.url);
  });
  afterAll(async () => {
    await h?.close();
  });

  const slackUrl = (base: string) => `${base}/services/T000/B000/sekret${driver}`;

  it("retries a Slack post that first fails, with backoff, and delivers it once", async () => {
    receiver = await startReceiver([500, 200]);
    try {
      await setChannel(db(), {
        userId: h.user.id,
        kind: "slack",
        url: slackUrl(receiver.base),
        masterKeys: h.env.masterKeys,
        rules: { privateNetwork: true },
      });
      const { ids, sent } = await notifyUser(db(), h.user.id, { kind: "test" }, { ...fast, env: h.env });
      expect(ids).toHaveLength(1);
      await sent;
      let [d] = await listRecentDeliveries(db(), h.user.id, 1);
      expect(d).toMatchObject({ status: "pending", attempts: 1, lastError: "answered 500", lastStatus: 500 });
      // not due before its backoff: nothing is sent
      expect(await deliverDue(db(), { ...fast, env: h.env })).toEqual({ delivered: 0, failed: 0 });
      await sleep(450);
      expect(await deliverDue(db(), { ...fast, env: h.env })).toEqual({ delivered: 1, failed: 0 });
      expect(await deliverDue(db(), { ...fast, env: h.env })).toEqual({ delivered: 0, failed: 0 });
      [d] = await listRecentDeliveries(db(), h.user.id, 1);
      expect(d).toMatchObject({ status: "delivered", attempts: 2, lastError: null });
      expect(receiver.hits).toHaveLength(2);
      const body = JSON.parse(receiver.hits[1]!.body);
      expect(body.text).toContain("This is a test notification");
      expect(body.blocks[0].text.text).toContain(`<${OKORO_URL}/dashboard/settings|`);
    } finally {
      await receiver.close();
    }
  });

  it("keeps the URL sealed at rest and shows only a hint", async () => {
    const [row] = await db().select().from(notificationChannels).where(eq(notificationChannels.userId, h.user.id));
    const raw = JSON.stringify(row);
    expect(raw).not.toContain(`sekret${driver}`);
    expect(raw).not.toContain("/services/T000");
    const [view] = await listChannels(db(), h.user.id);
    expect(view!.urlHint).not.toContain("sekret");
    // a sealed URL copied to another user's row does not open: delivery fails, nothing is sent
  });

  it("posts each new approval with the sentence and the approval page, never an approve link", async () => {
    receiver = await startReceiver([200]);
    try {
      await setChannel(db(), {
        userId: h.user.id,
        kind: "slack",
        url: slackUrl(receiver.base),
        masterKeys: h.env.masterKeys,
        rules: { privateNetwork: true },
      });
      await setChannel(db(), {
        userId: h.user.id,
        kind: "webhook",
        url: `${receiver.base}/hook?k=1`,
        masterKeys: h.env.masterKeys,
        rules: { privateNetwork: true },
      });
      await h.connect("trello");
      const t = await h.createToken({ name: "notify-agent", grants: { trello: ["read"] } });
      const deferred: Promise<unknown>[] = [];
      const gate = createApprovalGate({ defer: (task) => void deferred.push(task()) });
      const res = await handleExchange(
        new Request(`${OKORO_URL}/api/token`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${t.token}` },
          body: JSON.stringify({
            provider: "trello",
            scope: "delete",
            intent: "clean up <!here> cards",
            request_approval: true,
          }),
        }),
        { db: db(), url: OKORO_URL, ip: "127.0.0.1", userAgent: "vitest" },
        gate,
      );
      expect(res.status).toBe(202);
      const { approval_id: id } = (await res.json()) as { approval_id: string };
      await Promise.all(deferred);
      expect(receiver.hits).toHaveLength(2);
      const slack = receiver.hits.find((x) => x.path.startsWith("/services/"))!;
      const hook = receiver.hits.find((x) => x.path.startsWith("/hook"))!;
      const page = `${OKORO_URL}/dashboard/approvals/${id}`;
      for (const hit of [slack, hook]) {
        expect(hit.body).toContain(page);
        expect(hit.body).not.toMatch(/approve\?|\/approve\b|decision=/i);
        expect(hit.body).not.toContain(t.token);
        expect(hit.body).not.toContain("sekret");
      }
      expect(JSON.parse(slack.body).text).toContain("notify-agent wants to delete on Trello");
      expect(slack.body).not.toContain("<!here>");
      // the signed webhook: same signature as before, over the exact body
      const secret = webhookSecret(h.env.authSecret, h.user.id);
      expect(verifyWebhookSignature(secret, hook.headers[WEBHOOK_SIGNATURE_HEADER] as string, hook.body)).toBe(true);
      expect(JSON.parse(hook.body)).toMatchObject({
        type: "approval.requested",
        approval: { id, agent: "notify-agent", approval_url: page },
      });
      expect(hook.headers["okoro-delivery"]).toMatch(/^ntd_/);
    } finally {
      await receiver.close();
    }
  });

  it("never makes the caller wait for a receiver that hangs", async () => {
    receiver = await startReceiver(["hang"]);
    try {
      await setChannel(db(), {
        userId: h.user.id,
        kind: "slack",
        url: slackUrl(receiver.base),
        masterKeys: h.env.masterKeys,
        rules: { privateNetwork: true },
      });
      let settled = false;
      const started = Date.now();
      const { sent } = await notifyUser(
        db(),
        h.user.id,
        { kind: "test" },
        { env: h.env, timeoutMs: 10_000, only: "slack" },
      );
      void sent.then(() => {
        settled = true;
      });
      await until(async () => receiver.hits.length === 1);
      expect(settled).toBe(false);
      expect(Date.now() - started).toBeLessThan(5_000);
      receiver.release();
      await sent;
      const [d] = await listRecentDeliveries(db(), h.user.id, 1);
      expect(d!.status).toBe("delivered");
    } finally {
      await receiver.close();
    }
  });

  it("delivers once when several deliverers run at the same time", async () => {
    receiver = await startReceiver([500, 500, 500, 500, 500, 200]);
    const other = await createHarness(db(), upstream.url);
    try {
      await setChannel(db(), {
        userId: other.user.id,
        kind: "slack",
        url: slackUrl(receiver.base),
        masterKeys: h.env.masterKeys,
        rules: { privateNetwork: true },
      });
      const sends = [];
      for (let i = 0; i < 5; i++)
        sends.push((await notifyUser(db(), other.user.id, { kind: "test" }, { backoffBaseMs: 1, env: h.env })).sent);
      await Promise.all(sends);
      expect(receiver.hits).toHaveLength(5);
      await sleep(20);
      const results = await Promise.all(
        Array.from({ length: 4 }, () => deliverDue(db(), { backoffBaseMs: 1, env: h.env })),
      );
      expect(results.reduce((n, r) => n + r.delivered, 0)).toBe(5);
      expect(receiver.hits).toHaveLength(10);
      const rows = await listRecentDeliveries(db(), other.user.id, 10);
      expect(rows.map((r) => [r.status, r.attempts])).toEqual(Array(5).fill(["delivered", 2]));
    } finally {
      await other.close();
      await receiver.close();
    }
  });

  it("gives up on a private address when the setting is off, with a reason and no URL", async () => {
    const other = await createHarness(db(), upstream.url);
    try {
      await setChannel(db(), {
        userId: other.user.id,
        kind: "webhook",
        url: "http://127.0.0.1:9/private",
        masterKeys: h.env.masterKeys,
        rules: { privateNetwork: true },
      });
      const env = { ...h.env, notifyPrivateNetwork: false };
      await (await notifyUser(db(), other.user.id, { kind: "test" }, { env })).sent;
      const [d] = await listRecentDeliveries(db(), other.user.id, 1);
      expect(d).toMatchObject({ status: "pending", attempts: 1, lastError: "the URL is not allowed" });
      expect(JSON.stringify(d)).not.toContain("127.0.0.1");
    } finally {
      await other.close();
    }
  });

  it("posts for an all-scope token and for a leaked token", async () => {
    const other = await createHarness(db(), upstream.url);
    receiver = await startReceiver([200]);
    try {
      await setChannel(db(), {
        userId: other.user.id,
        kind: "slack",
        url: slackUrl(receiver.base),
        masterKeys: h.env.masterKeys,
        rules: { privateNetwork: true },
      });
      await other.connect("github");
      const t = await other.createToken({ name: "wide-agent", grants: { github: ["all"] } });
      const res = await other.exchange(t.token, {
        provider: "github",
        scope: "all",
        intent: "migrate the repository settings",
        reason: "several kinds of change at once",
      });
      expect(res.status).toBe(200);
      await until(async () => receiver.hits.length === 1);
      expect(JSON.parse(receiver.hits[0]!.body).text).toContain("wide-agent was given an all-scope token for GitHub");

      await reportLeak({ db: db(), token: t.token, ip: "127.0.0.1", userAgent: "vitest" });
      await until(async () => receiver.hits.length === 2);
      const leak = JSON.parse(receiver.hits[1]!.body).text as string;
      expect(leak).toContain("was reported as leaked and has been revoked");
      expect(leak).not.toContain(t.token);
    } finally {
      await other.close();
      await receiver.close();
    }
  });

  it("caps how many notifications one user gets, and scopes channels to their owner", async () => {
    const other = await createHarness(db(), upstream.url);
    receiver = await startReceiver([200]);
    try {
      await setChannel(db(), {
        userId: other.user.id,
        kind: "slack",
        url: slackUrl(receiver.base),
        masterKeys: h.env.masterKeys,
        rules: { privateNetwork: true },
      });
      // the cap's windows are aligned to whole 10 minutes: do not straddle a boundary
      const left = 600_000 - (Date.now() % 600_000);
      if (left < 30_000) await new Promise((r) => setTimeout(r, left + 200));
      let recorded = 0;
      for (let i = 0; i < NOTIFICATIONS_PER_10_MIN + 3; i++) {
        const r = await notifyUser(db(), other.user.id, { kind: "test" }, { env: h.env, keepAlive: () => {} });
        recorded += r.ids.length;
        await r.sent;
      }
      expect(recorded).toBe(NOTIFICATIONS_PER_10_MIN);
      // another user removing "slack" removes their own, not this one
      expect(await removeChannel(db(), h.user.id, "slack")).toBe(true);
      expect((await listChannels(db(), other.user.id)).map((c) => c.kind)).toEqual(["slack"]);
      expect(await removeChannel(db(), other.user.id, "bogus" as "slack")).toBe(false);
    } finally {
      await other.close();
      await receiver.close();
    }
  });

  it("sweeps finished deliveries after 30 days, never pending ones", async () => {
    const before = await listRecentDeliveries(db(), h.user.id, 100);
    await db()
      .update(notificationDeliveries)
      .set({ updatedAt: sql`now() - interval '31 days'` })
      .where(eq(notificationDeliveries.userId, h.user.id));
    const finished = before.filter((d) => d.status !== "pending").length;
    expect(finished).toBeGreaterThan(0);
    expect(await sweepNotificationDeliveries(db(), { limit: 1000, days: 30 })).toBeGreaterThanOrEqual(finished);
    const after = await listRecentDeliveries(db(), h.user.id, 100);
    expect(after.every((d) => d.status === "pending")).toBe(true);
  });

  it("answers the cron route only with the cron secret", async () => {
    const env = { ...h.env, cronSecret: "cron-secret-0123456789" };
    const call = (auth?: string) =>
      runNotificationsCron(
        new Request(`${OKORO_URL}/api/cron/notifications`, { headers: auth ? { authorization: auth } : {} }),
        { db: db(), env },
      );
    await expect(call()).rejects.toMatchObject({ code: "invalid_token" });
    await expect(call("Bearer wrong-secret-0123456789")).rejects.toMatchObject({ code: "invalid_token" });
    await expect(call("Bearer cron-secret-0123456789")).resolves.toMatchObject({ failed: expect.any(Number) });
  });
});
