// Two-factor authentication in settings (docs/dashboard.md#two-factor-authentication):
// the authenticator app with its recovery codes, and passkeys.
import { Badge } from "@/components/badge";
import { Card, CardHeader } from "@/components/card";
import { RelativeTime } from "@/components/relative-time";
import { twoFactorStatus } from "@/lib/auth/two-factor";
import { getDb } from "@/lib/serve/database";
import {
  AddPasskeyButton,
  PasskeyRowActions,
  RecoveryCodesButton,
  RemoveTotpButton,
  TotpSetup,
} from "@/app/dashboard/settings/two-factor-client";

export async function TwoFactorSection({ userId, now }: { userId: string; now: number }) {
  const status = await twoFactorStatus(await getDb(), userId);
  return (
    <Card aria-labelledby="two-factor-title" data-testid="two-factor">
      <CardHeader
        title={
          <span id="two-factor-title" className="inline-flex items-center gap-2">
            Two-factor authentication
            {status.enrolled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
          </span>
        }
        description="A second step after your password: a code from an authenticator app, or a passkey. Sensitive actions ask for it too."
      />
      <div className="divide-y divide-line">
        <div className="space-y-3 px-5 py-4 text-sm" data-testid="totp">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <div>
              <div className="font-medium text-ink">Authenticator app</div>
              <div className="mt-0.5 text-xs text-ink-muted">
                {status.totp
                  ? `On · ${status.recoveryCodesLeft} of 10 recovery codes left`
                  : "Codes from an app such as 1Password, Google Authenticator or Authy."}
              </div>
            </div>
            {status.totp ? (
              <div className="flex gap-2">
                <RecoveryCodesButton />
                <RemoveTotpButton />
              </div>
            ) : null}
          </div>
          {status.totp ? null : <TotpSetup />}
        </div>
        <div className="space-y-3 px-5 py-4 text-sm" data-testid="passkeys">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <div>
              <div className="font-medium text-ink">Passkeys</div>
              <div className="mt-0.5 text-xs text-ink-muted">
                Your device&apos;s fingerprint, face or screen lock, or a security key.
              </div>
            </div>
            <AddPasskeyButton />
          </div>
          {status.passkeys.length > 0 ? (
            <ul className="divide-y divide-line rounded-lg border border-line">
              {status.passkeys.map((k) => (
                <li key={k.id} className="flex flex-wrap items-center justify-between gap-3 px-3 py-2">
                  <div className="min-w-0">
                    <div className="font-medium text-ink">{k.name}</div>
                    <div className="text-xs text-ink-muted">
                      added <RelativeTime date={k.createdAt} now={now} />
                      {k.lastUsedAt ? (
                        <>
                          {" "}
                          · last used <RelativeTime date={k.lastUsedAt} now={now} />
                        </>
                      ) : null}
                    </div>
                  </div>
                  <PasskeyRowActions id={k.id} name={k.name} />
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </div>
    </Card>
  );
}
