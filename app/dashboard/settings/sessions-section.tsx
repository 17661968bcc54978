// Where the account is signed in (docs/dashboard.md#sessions): device, address, when,
// and a way to end any of them.
import { Badge } from "@/components/badge";
import { Card, CardHeader } from "@/components/card";
import { RelativeTime } from "@/components/relative-time";
import { describeDevice, type UserSession } from "@/lib/auth/sessions";
import { RevokeSessionButton, SignOutEverywhereButton } from "@/app/dashboard/settings/sessions-list";

const METHOD: Record<string, string> = { password: "Password", github: "GitHub", google: "Google", passkey: "Passkey" };

export function SessionsSection({
  sessions,
  currentId,
  now,
}: {
  sessions: UserSession[];
  currentId: string;
  now: number;
}) {
  const others = sessions.filter((s) => s.id !== currentId).length;
  return (
    <Card aria-labelledby="sessions-title" data-testid="sessions">
      <CardHeader
        title={<span id="sessions-title">Sessions</span>}
        description="Where your account is signed in. Signing a session out takes effect at its next request."
        action={<SignOutEverywhereButton others={others} />}
      />
      <ul className="divide-y divide-line">
        {sessions.map((s) => {
          const device = describeDevice(s.userAgent);
          return (
            <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3 text-sm">
              <div className="min-w-0">
                <div className="flex items-center gap-2 font-medium text-ink">
                  {device}
                  {s.id === currentId ? <Badge tone="success">This device</Badge> : null}
                </div>
                <div className="mt-0.5 text-xs text-ink-muted">
                  {METHOD[s.method] ?? s.method} · {s.ip ?? "unknown address"} · signed in{" "}
                  <RelativeTime date={s.createdAt} now={now} /> · last seen{" "}
                  <RelativeTime date={s.lastSeenAt} now={now} />
                </div>
              </div>
              {s.id === currentId ? null : <RevokeSessionButton sessionId={s.id} device={device} />}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
