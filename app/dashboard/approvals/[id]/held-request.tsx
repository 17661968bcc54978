// The held request itself, exactly as okoro will send it (docs/dashboard.md#held-requests):
// method, full URL, and the body made readable.
import { Card, CardHeader } from "@/components/card";
import type { HeldDetails } from "@/lib/held/describe";

const OUTCOMES: Record<string, string> = {
  upstream_timeout: "okoro sent it once; the provider did not answer in time. It is not sent again.",
  upstream_unreachable: "okoro could not reach the provider, or the answer broke off. It is not sent again.",
  not_connected: "The provider is no longer connected, so it was not sent.",
  interrupted: "okoro stopped while sending it; whether the provider got it is unknown. It is not sent again.",
  audit_unavailable: "The audit log could not be written, so it was not sent.",
};

function stateLine(held: HeldDetails): string | null {
  if (held.state === "done")
    return `Sent once; the provider answered ${held.responseStatus}.${held.delivered ? " The agent has collected the answer." : " The agent collects the answer on its next check."}`;
  if (held.state === "failed") return OUTCOMES[held.outcome ?? ""] ?? "It could not be sent.";
  if (held.state === "executing") return "Being sent now.";
  return null;
}

export function HeldRequest({ held }: { held: HeldDetails }) {
  const line = stateLine(held);
  const pre =
    "max-h-96 overflow-auto whitespace-pre-wrap break-words rounded-lg bg-zinc-50 p-3 font-mono text-[13px] text-ink";
  return (
    <Card>
      <CardHeader title="The request, exactly as it will be sent" />
      <div className="space-y-4 px-5 py-4">
        <p className="text-sm text-ink" data-testid="held-sentence">
          {held.sentence}
        </p>
        <p className="break-all font-mono text-sm" data-testid="held-request-line">
          <span className="font-semibold" data-testid="held-method">
            {held.method}
          </span>{" "}
          <span data-testid="held-url">{held.url}</span>
        </p>
        <div data-testid="held-body">
          {held.body.kind === "empty" ? (
            <p className="text-sm text-ink-muted">No body.</p>
          ) : held.body.kind === "json" ? (
            <pre className={pre}>{held.body.text}</pre>
          ) : held.body.kind === "text" ? (
            <pre className={pre}>{held.body.text}</pre>
          ) : held.body.kind === "graphql" ? (
            <>
              <p className="text-sm font-medium text-ink-muted">GraphQL</p>
              <pre className={pre}>{held.body.query}</pre>
              {held.body.variables ? (
                <>
                  <p className="text-sm font-medium text-ink-muted">Variables</p>
                  <pre className={pre}>{held.body.variables}</pre>
                </>
              ) : null}
            </>
          ) : held.body.kind === "form" ? (
            <table className="w-full text-left text-sm">
              <thead>
                <tr>
                  <th className="py-1 pr-4 font-medium text-ink-muted">Field</th>
                  <th className="py-1 font-medium text-ink-muted">Value</th>
                </tr>
              </thead>
              <tbody>
                {held.body.fields.map(([name, value], i) => (
                  // fields may repeat: the position keeps them apart
                  // biome-ignore lint/suspicious/noArrayIndexKey: a form body is a fixed list
                  <tr key={i} className="border-t border-line">
                    <td className="py-1 pr-4 font-mono">{name}</td>
                    <td className="break-all py-1 font-mono">{value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="text-sm text-ink-muted">
              A binary body of {held.body.bytes} bytes{held.body.contentType ? ` (${held.body.contentType})` : ""}.
            </p>
          )}
        </div>
        <p className="break-all text-xs text-ink-subtle">
          Digest <code>{held.digest}</code>
        </p>
        {line ? <p className="text-sm text-ink">{line}</p> : null}
      </div>
    </Card>
  );
}
