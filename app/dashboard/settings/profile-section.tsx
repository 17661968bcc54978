// Settings → Profile (docs/dashboard.md#profile): the name, and the e-mail address with
// whether it is confirmed and a way to change it (docs/dashboard.md#e-mail-change).
import { Badge } from "@/components/badge";
import { Card, CardHeader } from "@/components/card";
import { RelativeTime } from "@/components/relative-time";
import { CancelEmailChangeButton, EmailChange, NameForm } from "@/app/dashboard/settings/profile-forms";

export function ProfileSection({
  name,
  email,
  confirmed,
  pending,
  stepUpFresh,
  openChange,
  now,
}: {
  name: string | null;
  email: string;
  confirmed: boolean;
  pending: { newEmail: string; expiresAt: Date } | null;
  /** whether the session confirmed it is the person lately: the change form needs it */
  stepUpFresh: boolean;
  /** open the change form at once (back from confirming it is you) */
  openChange: boolean;
  now: number;
}) {
  return (
    <Card aria-labelledby="profile-title" data-testid="profile" id="profile">
      <CardHeader
        title={<span id="profile-title">Profile</span>}
        description="Your name, and the address okoro writes to and you sign in with."
      />
      <div className="divide-y divide-line">
        <div>
          <NameForm name={name ?? ""} />
        </div>
        <div className="space-y-3 px-5 py-4 text-sm" id="email" data-testid="email">
          <div className="min-w-0">
            <div className="font-medium text-ink">E-mail address</div>
            <div className="mt-1 flex flex-wrap items-center gap-2">
              <span className="break-all text-ink" data-testid="current-email">
                {email}
              </span>
              {confirmed ? (
                <Badge tone="success" dot>
                  Confirmed
                </Badge>
              ) : (
                <Badge tone="warning" dot>
                  Not confirmed
                </Badge>
              )}
            </div>
          </div>
          <EmailChange
            stepUpFresh={stepUpFresh}
            initiallyOpen={openChange}
            pendingNotice={
              pending ? (
                <div
                  className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-accent-200 bg-accent-50 px-3.5 py-2.5 text-accent-900"
                  data-testid="pending-email"
                >
                  <p className="min-w-0 flex-1">
                    We sent a link to <span className="break-all font-medium">{pending.newEmail}</span> — open it to
                    finish. Until then, your address stays {email}. The link expires{" "}
                    <RelativeTime date={pending.expiresAt} now={now} />.
                  </p>
                  <CancelEmailChangeButton />
                </div>
              ) : null
            }
          />
        </div>
      </div>
    </Card>
  );
}
