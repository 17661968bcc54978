// The approval webhook's signature scheme on its own (URL rules: lib/notify/notify.test.ts).
import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhookSignature, webhookSecret, WEBHOOK_TOLERANCE_SECONDS } from "@/lib/approvals/webhook";

describe("approval webhook signatures", () => {
  const secret = webhookSecret("a".repeat(43), "usr_alice");
  const body = JSON.stringify({ type: "approval.requested", approval: { id: "apr_1" } });

  it("derives one secret per user from AUTH_SECRET", () => {
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(webhookSecret("a".repeat(43), "usr_bob")).not.toBe(secret);
    expect(webhookSecret("b".repeat(43), "usr_alice")).not.toBe(secret);
  });

  it("signs t.body with HMAC-SHA256 and verifies it", () => {
    const header = signWebhook(secret, body, 1_700_000_000);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, header, body, 1_700_000_010)).toBe(true);
  });

  it("rejects a changed body, another secret, a stale or future timestamp, and garbage", () => {
    const t = 1_700_000_000;
    const header = signWebhook(secret, body, t);
    expect(verifyWebhookSignature(secret, header, body + " ", t)).toBe(false);
    expect(verifyWebhookSignature(webhookSecret("a".repeat(43), "usr_bob"), header, body, t)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, t + WEBHOOK_TOLERANCE_SECONDS + 1)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, t - WEBHOOK_TOLERANCE_SECONDS - 1)).toBe(false);
    expect(verifyWebhookSignature(secret, header.replace(`t=${t}`, `t=${t + 1}`), body, t)).toBe(false);
    for (const bad of [null, "", "t=abc,v1=00", `t=${t}`, `v1=${"0".repeat(64)}`, `t=${t},v1=${"z".repeat(64)}`]) {
      expect(verifyWebhookSignature(secret, bad, body, t)).toBe(false);
    }
  });
});
