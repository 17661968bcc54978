// /dashboard/audit — the signed-in user's audit log (docs/audit.md#audit-log, docs/dashboard.md#dashboard): filtered, sorted and
// paged on the server with keyset cursors, every piece of state in the URL, a drawer per
// event, the chain's verification status and CSV / JSON Lines exports of the filter.
// The chain is verified off the critical path (ChainStatus fetches /api/audit/chain), and
// the match count streams in after the rows.
import type { Metadata } from "next";
import { AuditExplorer } from "@/app/dashboard/audit/audit-explorer";
import { ChainStatus } from "@/app/dashboard/audit/chain-status";
import { PageHeader } from "@/components/page-header";
import { AUDIT_EVENT_NAMES } from "@/lib/audit/chain";
import { auditAgents, auditLogHasEvents, auditPageData, providerNames } from "@/lib/audit/dashboard";
import { activeFilterCount, auditViewSearch, parseAuditView } from "@/lib/audit/view-params";
import { requireUser } from "@/lib/auth/session";
import { PROVIDER_IDS } from "@/lib/providers/catalog";

export const metadata: Metadata = { title: "Audit" };
export const dynamic = "force-dynamic";

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const view = parseAuditView(await searchParams);
  const user = await requireUser({ returnTo: `/dashboard/audit${auditViewSearch(view)}` });
  const [data, agents] = await Promise.all([auditPageData(user.id, view), auditAgents(user.id)]);
  // "nothing matches" and "nothing yet" need different words (and only the second needs a look)
  const logHasEvents =
    data.rows.length > 0 ||
    (activeFilterCount(view) > 0 || view.after || view.before ? await auditLogHasEvents(user.id) : false);
  const names = providerNames(PROVIDER_IDS);

  return (
    <div className="space-y-5">
      <PageHeader
        title="Audit"
        description="Every token issued and every call made by your agents, in a hash-chained log that shows if anything was changed or removed."
      />
      <ChainStatus />
      <AuditExplorer
        view={view}
        rows={data.rows}
        linked={data.linked}
        after={data.after}
        before={data.before}
        count={data.count}
        logHasEvents={logHasEvents}
        agents={agents}
        providers={PROVIDER_IDS.map((id) => ({ id, name: names[id] }))}
        events={[...AUDIT_EVENT_NAMES]}
        today={new Date().toISOString().slice(0, 10)}
      />
    </div>
  );
}
