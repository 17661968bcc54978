// A tidy stand-in for a dashboard section that is not built yet: what it will do, and
// where to go meanwhile.
import type { ReactNode } from "react";
import { ButtonLink } from "@/components/button";
import { Card } from "@/components/card";

export function ComingSoon({ what, points }: { what: string; points: ReactNode[] }) {
  return (
    <Card className="px-5 py-8 sm:px-8">
      <div className="mx-auto max-w-lg text-center">
        <span className="inline-flex items-center rounded-full border border-accent-200 bg-accent-50 px-2.5 py-0.5 text-xs font-medium text-accent-800">
          Coming soon
        </span>
        <h2 className="mt-3 text-base font-semibold text-ink">{what} is on its way</h2>
        <ul className="mt-4 space-y-2 text-left text-sm text-ink-muted">
          {points.map((point, i) => (
            <li key={i} className="flex gap-2.5">
              <svg
                viewBox="0 0 20 20"
                className="mt-0.5 size-4 shrink-0 text-accent-500"
                fill="currentColor"
                aria-hidden="true"
              >
                <path
                  fillRule="evenodd"
                  d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.6l7.3-7.3a1 1 0 0 1 1.4 0Z"
                  clipRule="evenodd"
                />
              </svg>
              <span>{point}</span>
            </li>
          ))}
        </ul>
        <div className="mt-6 flex flex-wrap justify-center gap-2">
          <ButtonLink href="/dashboard" variant="secondary" size="sm">
            Back to overview
          </ButtonLink>
          <ButtonLink href="/docs" variant="ghost" size="sm">
            Read the docs
          </ButtonLink>
        </div>
      </div>
    </Card>
  );
}
