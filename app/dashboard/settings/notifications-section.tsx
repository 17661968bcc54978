// Notifications (docs/dashboard.md#notifications): a Slack incoming webhook and/or the
// signed webhook, shown only as hints, and what was sent lately — status, attempts, the
// next retry and the last error.
import { Badge, type BadgeTone } from "@/components/badge";
import { Card, CardBody, CardHeader } from "@/components/card";
import { RelativeTime } from "@/components/relative-time";
import type { ChannelView } from "@/lib/notify/channels";
import type { DeliveryRow } from "@/lib/notify/settings";
import { ChannelButtons, ChannelForm } from "@/app/dashboard/settings/notification-forms";

const CHANNELS = [
  {
    kind: "slack",
    name: "Slack",
    label: "Slack incoming-webhook URL",
    placeholder: "https://hooks.slack.com/services/T…/B…/…",
    hint: "Create one under your Slack app's Incoming Webhooks and pick a channel.",
  },
  {
    kind: "webhook",
    name: "Signed webhook",
    label: "Webhook URL",
    placeholder: "https://example.com/okoro-webhook",
    hint: "okoro POSTs JSON signed with HMAC-SHA256 in the okoro-signature header.",
  },
] as const;

const STATUS: Record<DeliveryRow["status"], { tone: BadgeTone; label: string }> = {
  delivered: { tone: "success", label: "Delivered" },
  pending: { tone: "warning", label: "Retrying" },
  failed: { tone: "danger", label: "Failed" },
};

export function NotificationsSection({
  channels,
  deliveries,
  signingSecret,
  now,
}: {
  channels: ChannelView[];
  deliveries: DeliveryRow[];
  signingSecret: string | null;
  now: number;
}) {
  return (
    <Card aria-labelledby="notifications-title" data-testid="notifications">
      <CardHeader
        title={<span id="notifications-title">Notifications</span>}
        description="Hear about approval requests, held requests, all-scope tokens and leaked tokens where you already are."
      />
      <CardBody className="space-y-6">
        {CHANNELS.map((c) => {
          const set = channels.find((x) => x.kind === c.kind);
          return (
            <div key={c.kind} className="space-y-3" data-testid={`channel-${c.kind}`}>
              <div className="flex flex-wrap items-center justify-between gap-2">
                <div className="min-w-0">
                  <div className="flex items-center gap-2 text-sm font-medium text-ink">
                    {c.name}
                    {set ? (
                      <Badge tone="success" dot>
                        On
                      </Badge>
                    ) : (
                      <Badge>Not set</Badge>
                    )}
                  </div>
                  {set ? <div className="mt-0.5 break-all font-mono text-xs text-ink-muted">{set.urlHint}</div> : null}
                </div>
                {set ? <ChannelButtons kind={c.kind} name={c.name} /> : null}
              </div>
              <ChannelForm
                kind={c.kind}
                label={c.label}
                placeholder={c.placeholder}
                hint={c.hint}
                isSet={Boolean(set)}
              />
              {c.kind === "webhook" && signingSecret ? (
                <details className="text-sm text-ink-muted">
                  <summary className="cursor-pointer">Signing secret</summary>
                  <p className="mt-1">
                    Verify each request: <code>okoro-signature: t=…,v1=…</code> is HMAC-SHA256 of{" "}
                    <code>{"<t>.<body>"}</code> with this secret.
                  </p>
                  <code className="mt-1 block break-all rounded bg-zinc-50 px-2 py-1 font-mono text-xs text-ink">
                    {signingSecret}
                  </code>
                </details>
              ) : null}
            </div>
          );
        })}
        <div>
          <h3 className="text-sm font-medium text-ink">Recent deliveries</h3>
          {deliveries.length === 0 ? (
            <p className="mt-1 text-sm text-ink-muted">Nothing sent yet.</p>
          ) : (
            <ul className="mt-2 divide-y divide-line rounded-lg border border-line" data-testid="deliveries">
              {deliveries.map((d) => (
                <li key={d.id} className="flex flex-wrap items-start justify-between gap-2 px-3 py-2 text-sm">
                  <div className="min-w-0">
                    <div className="break-words text-ink">{d.sentence}</div>
                    <div className="mt-0.5 text-xs text-ink-muted">
                      {d.kind === "slack" ? "Slack" : "Webhook"} · {d.event} ·{" "}
                      <RelativeTime date={d.createdAt} now={now} /> · {d.attempts}{" "}
                      {d.attempts === 1 ? "attempt" : "attempts"}
                      {d.nextAttemptAt ? (
                        <>
                          {" "}
                          · next try <RelativeTime date={d.nextAttemptAt} now={now} />
                        </>
                      ) : null}
                      {d.lastError ? <> · last error: {d.lastError}</> : null}
                    </div>
                  </div>
                  <Badge tone={STATUS[d.status].tone} dot>
                    {STATUS[d.status].label}
                  </Badge>
                </li>
              ))}
            </ul>
          )}
        </div>
      </CardBody>
    </Card>
  );
}
