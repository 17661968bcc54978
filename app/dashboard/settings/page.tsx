// Account settings (docs/dashboard.md#settings): who you are, how you sign in, where you
// are signed in, how okoro reaches you, and leaving.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { currentSession } from "@/lib/auth/session";
import { getDb } from "@/lib/serve/database";
import { SessionsSection } from "@/app/dashboard/settings/sessions-section";
import { NotificationsSection } from "@/app/dashboard/settings/notifications-section";
import { notificationSettings } from "@/lib/notify/settings";
import { TwoFactorSection } from "@/app/dashboard/settings/two-factor-section";
import { PasswordSection } from "@/app/dashboard/settings/password-section";
import { DeleteAccountSection } from "@/app/dashboard/settings/delete-account-section";
import { ProfileSection } from "@/app/dashboard/settings/profile-section";
import { pendingEmailChange } from "@/lib/auth/email-change";
import { isRecentlyVerified, listSessions } from "@/lib/auth/sessions";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const current = await currentSession();
  if (!current) redirect("/sign-in?next=/dashboard/settings");
  const db = await getDb();
  const sessions = await listSessions(db, current.user.id);
  const now = Date.now();
  const { user } = current;

  return (
    <div className="space-y-6">
      <PageHeader title="Settings" description="Your account, how you sign in, and where you are signed in." />
      <ProfileSection
        name={user.name}
        email={user.email}
        confirmed={!user.emailUnverified}
        pending={await pendingEmailChange(db, user.id)}
        stepUpFresh={isRecentlyVerified(current.session, now)}
        openChange={(await searchParams).change_email === "1"}
        now={now}
      />
      <PasswordSection />
      <TwoFactorSection userId={current.user.id} now={now} />
      <SessionsSection sessions={sessions} currentId={current.session.id} now={now} />
      <NotificationsSection {...(await notificationSettings(await getDb(), current.user.id))} now={now} />
      <DeleteAccountSection email={current.user.email} />
    </div>
  );
}
