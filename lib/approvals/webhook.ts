// The signed webhook's body for approvals and its signature. Sending it is a notification
// channel's job (lib/notify/deliver.ts, docs/dashboard.md#notifications): it never delays
// or fails the 202.
//
// Signature (verify it before trusting the body):
//   okoro-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
// where the per-user secret is
//   secret = hex HMAC-SHA256(AUTH_SECRET, "okoro/approval-webhook/v1/" + user id)
// Receivers should reject a `t` more than 5 minutes from their clock (replays) and
// compare in constant time — verifyWebhookSignature() below does both.
//
// The body also carries a top-level `text` line, so a Slack-style incoming-webhook URL
// shows something readable as is.
import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Approval } from "@/db/schema";
import { approvalSentence, providerName } from "@/lib/approvals/describe";

export const WEBHOOK_SIGNATURE_HEADER = "okoro-signature";
export const WEBHOOK_TIMEOUT_MS = 5_000;
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export function webhookSecret(authSecret: string, userId: string): string {
  return createHmac("sha256", authSecret).update(`okoro/approval-webhook/v1/${userId}`).digest("hex");
}

export function signWebhook(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

/** For receivers (and tests): the header matches the body and is fresh. */
export function verifyWebhookSignature(
  secret: string,
  header: string | null,
  body: string,
  now = Math.floor(Date.now() / 1000),
): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(",").map((kv) => kv.trim().split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(now - t) > WEBHOOK_TOLERANCE_SECONDS || !/^[0-9a-f]{64}$/.test(parts.v1 ?? ""))
    return false;
  const expected = Buffer.from(signWebhook(secret, body, t).split("v1=")[1], "hex");
  return timingSafeEqual(expected, Buffer.from(parts.v1, "hex"));
}

export function approvalWebhookBody(approval: Approval, agent: string, url: string) {
  return {
    type: "approval.requested",
    text: `${approvalSentence({ agent, provider: approval.provider, scope: approval.scope, intent: approval.intent })} — ${url}/dashboard/approvals/${approval.id}`,
    approval: {
      id: approval.id,
      agent,
      service_token_id: approval.serviceTokenId,
      provider: approval.provider,
      provider_name: providerName(approval.provider),
      scope: approval.scope,
      intent: approval.intent,
      reason: approval.reason,
      beyond_grant: approval.beyondGrant,
      ttl: approval.ttl,
      single_use: approval.singleUse,
      created_at: approval.createdAt.toISOString(),
      expires_at: approval.expiresAt.toISOString(),
      approval_url: `${url}/dashboard/approvals/${approval.id}`,
    },
  };
}
