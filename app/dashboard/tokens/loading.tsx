// While the tokens page loads: its header and the shape of the table.
import { PageHeader } from "@/components/page-header";
import { Skeleton } from "@/components/skeleton";

export default function TokensLoading() {
  return (
    <div className="space-y-6" aria-busy="true">
      <PageHeader title="Service tokens" description="One token per agent. It is the only secret the agent holds." />
      <p className="sr-only" role="status">
        Loading your service tokens…
      </p>
      <div className="space-y-3">
        <Skeleton className="h-5 w-28" />
        <div className="overflow-hidden rounded-card border border-line bg-surface shadow-card">
          <div className="border-b border-line bg-zinc-50/70 px-5 py-3">
            <Skeleton className="h-3 w-2/3" />
          </div>
          {Array.from({ length: 4 }, (_, i) => (
            <div key={i} className="flex items-start gap-6 border-b border-line px-5 py-4 last:border-b-0">
              <div className="w-32 space-y-2">
                <Skeleton className="h-4 w-24" />
                <Skeleton className="h-3 w-28" />
              </div>
              <Skeleton className="h-5 w-16 rounded-full" />
              <div className="hidden flex-1 space-y-2 sm:block">
                <Skeleton className="h-3.5 w-40" />
                <Skeleton className="h-3.5 w-28" />
              </div>
              <Skeleton className="hidden h-3.5 w-20 md:block" />
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
