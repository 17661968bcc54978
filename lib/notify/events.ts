// What a notification says (docs/dashboard.md#notifications): one readable sentence, the
// agent, the intent and a link to the page where the person acts — the approval page for
// approvals and held requests, never a link that approves by being opened. The payload is
// stored with each delivery and sent as the signed webhook's body, so it holds nothing
// secret: no token, no credential, no webhook URL. Pure.
import type { Approval } from "@/db/schema";
import { approvalSentence, providerName, readableAgentText } from "@/lib/approvals/describe";
import { approvalWebhookBody } from "@/lib/approvals/webhook";

export const NOTIFICATION_EVENTS = ["approval.requested", "held.requested", "all_scope.used", "token.leaked"] as const;
export type NotificationEventKind = (typeof NOTIFICATION_EVENTS)[number];

export type NotificationEvent =
  | { kind: "approval.requested"; approval: Approval; agent: string }
  | {
      /** a held request (a single request waiting for approval) */
      kind: "held.requested";
      approvalId: string;
      agent: string;
      provider: string;
      intent: string;
      /** the approval page's sentence for the request, e.g. "Delete the Trello card 5f2…" */
      sentence: string;
      method?: string;
      path?: string;
    }
  | {
      /** an operation token with scope `all` was issued (each is flagged in the audit log) */
      kind: "all_scope.used";
      agent: string;
      serviceTokenId: string;
      provider: string;
      intent: string;
      reason: string | null;
      jti: string;
    }
  | { kind: "token.leaked"; agent: string; serviceTokenId: string; hint: string }
  | { kind: "test" };

export type NotificationPayload = {
  type: NotificationEventKind | "test";
  /** the sentence and the link, readable as is */
  text: string;
  sentence: string;
  link: string;
  [detail: string]: unknown;
};

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The payload of one event; `url` is OKORO_URL. */
export function notificationPayload(event: NotificationEvent, url: string): NotificationPayload {
  switch (event.kind) {
    case "approval.requested": {
      const body = approvalWebhookBody(event.approval, event.agent, url);
      const link = body.approval.approval_url;
      const sentence = approvalSentence({
        agent: event.agent,
        provider: event.approval.provider,
        scope: event.approval.scope,
        intent: event.approval.intent,
      });
      return { ...body, type: "approval.requested", sentence, link };
    }
    case "held.requested": {
      const link = `${url}/dashboard/approvals/${encodeURIComponent(event.approvalId)}`;
      const agent = readableAgentText(event.agent);
      const sentence = `${agent} is holding a request for your approval: ${clip(readableAgentText(event.sentence), 300)} — “${readableAgentText(event.intent)}”`;
      return {
        type: "held.requested",
        text: `${sentence} — ${link}`,
        sentence,
        link,
        approval: {
          id: event.approvalId,
          agent,
          provider: event.provider,
          provider_name: providerName(event.provider),
          intent: readableAgentText(event.intent),
          method: event.method ?? null,
          path: event.path ? clip(readableAgentText(event.path), 300) : null,
          approval_url: link,
        },
      };
    }
    case "all_scope.used": {
      const link = `${url}/dashboard/audit`;
      const agent = readableAgentText(event.agent);
      const intent = readableAgentText(event.intent);
      const reason = event.reason ? readableAgentText(event.reason) : null;
      const sentence = `${agent} was given an all-scope token for ${providerName(event.provider)}: “${intent}”${reason ? ` (reason: “${clip(reason, 200)}”)` : ""}`;
      return {
        type: "all_scope.used",
        text: `${sentence} — ${link}`,
        sentence,
        link,
        token: {
          agent,
          service_token_id: event.serviceTokenId,
          provider: event.provider,
          provider_name: providerName(event.provider),
          intent,
          reason,
          jti: event.jti,
        },
      };
    }
    case "token.leaked": {
      const link = `${url}/dashboard/tokens`;
      const agent = readableAgentText(event.agent);
      const sentence = `The service token of ${agent} (${event.hint}) was reported as leaked and has been revoked.`;
      return {
        type: "token.leaked",
        text: `${sentence} — ${link}`,
        sentence,
        link,
        token: { agent, service_token_id: event.serviceTokenId, hint: event.hint },
      };
    }
    case "test": {
      const link = `${url}/dashboard/settings`;
      const sentence = "This is a test notification from okoro.";
      return { type: "test", text: `${sentence} — ${link}`, sentence, link };
    }
  }
}

/** Slack's mrkdwn control characters: agent text must not become a mention or a link. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const LINK_LABEL: Record<NotificationPayload["type"], string> = {
  "approval.requested": "Review the request",
  "held.requested": "Review the request",
  "all_scope.used": "Open the audit log",
  "token.leaked": "Open your tokens",
  test: "Open notification settings",
};

/** The Slack incoming-webhook body: `text` for notifications, a block for the channel. */
export function slackMessage(payload: NotificationPayload): { text: string; blocks: unknown[] } {
  const sentence = slackEscape(payload.sentence);
  // a link is only ever okoro's own page; `|` and `>` cannot occur in it unescaped
  const link = payload.link.replace(/[|<>]/g, encodeURIComponent);
  return {
    text: `${sentence} — ${link}`,
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: `${sentence}\n<${link}|${LINK_LABEL[payload.type]}>` },
      },
    ],
  };
}
