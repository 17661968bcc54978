// While the audit log loads: its header, the filter row and the shape of a page of rows,
// so nothing jumps when the events arrive.
import { Card } from "@/components/card";
import { PageHeader } from "@/components/page-header";
import { Skeleton } from "@/components/skeleton";

export default function AuditLoading() {
  return (
    <div className="space-y-5" aria-busy="true">
      <PageHeader
        title="Audit"
        description="Every token issued and every call made by your agents, in a hash-chained log that shows if anything was changed or removed."
      />
      <p className="sr-only" role="status">
        Loading the audit log…
      </p>
      <Skeleton className="h-10 w-full rounded-lg" />
      <div className="flex flex-wrap gap-2">
        <Skeleton className="h-9 min-w-0 flex-[1_1_16rem] rounded-lg" />
        <Skeleton className="h-9 w-44 rounded-lg" />
        <Skeleton className="h-9 w-32 rounded-lg" />
      </div>
      <div className="hidden grid-cols-5 gap-2 md:grid">
        {Array.from({ length: 5 }, (_, i) => (
          <Skeleton key={i} className="h-9 rounded-lg" />
        ))}
      </div>
      <Skeleton className="h-4 w-40" />
      <Card className="divide-y divide-line overflow-hidden">
        <div className="hidden h-10 bg-zinc-50/70 md:block" />
        {Array.from({ length: 10 }, (_, i) => (
          <div key={i} className="flex items-center gap-4 px-4 py-3.5 sm:px-5">
            <Skeleton className="h-3.5 w-28" />
            <Skeleton className="h-3.5 w-24" />
            <Skeleton className="hidden h-3.5 w-24 md:block" />
            <Skeleton className="hidden h-3.5 flex-1 md:block" />
            <Skeleton className="ml-auto h-5 w-16 rounded-full" />
          </div>
        ))}
      </Card>
    </div>
  );
}
