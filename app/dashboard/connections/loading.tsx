// While the connections page loads: its header and the shape of the provider cards.
import { Card } from "@/components/card";
import { PageHeader } from "@/components/page-header";
import { Skeleton } from "@/components/skeleton";

export default function ConnectionsLoading() {
  return (
    <div className="space-y-8" aria-busy="true">
      <PageHeader title="Connections" description="The accounts okoro can use on your agents' behalf." />
      <p className="sr-only" role="status">
        Loading your connections…
      </p>
      <div className="space-y-3">
        <Skeleton className="h-5 w-32" />
        <ul className="grid gap-4 md:grid-cols-2 2xl:grid-cols-3">
          {Array.from({ length: 6 }, (_, i) => (
            <li key={i}>
              <Card className="space-y-4 p-4">
                <div className="flex items-start gap-3">
                  <Skeleton className="size-9 rounded-lg" />
                  <div className="flex-1 space-y-2">
                    <Skeleton className="h-4 w-24" />
                    <Skeleton className="h-3.5 w-4/5" />
                  </div>
                </div>
                <Skeleton className="h-8 w-36 rounded-lg" />
              </Card>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
