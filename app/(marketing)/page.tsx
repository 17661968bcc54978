// The landing page: what okoro is and why, in one screen, and the way in.
import Link from "next/link";
import { ButtonLink } from "@/components/button";

const FEATURES = [
  {
    title: "Agents never hold real credentials",
    body: "Connect GitHub, Gmail, Notion, Slack and others once. Keys and OAuth tokens stay encrypted inside okoro; agents get a single service token that is worthless anywhere else.",
    icon: "M12 15v2m-6 4h12a2 2 0 0 0 2-2v-6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v6a2 2 0 0 0 2 2Zm10-10V7a4 4 0 0 0-8 0v4h8Z",
  },
  {
    title: "Scoped, short-lived tokens",
    body: "Before each job the agent asks for a token for one provider and one scope — read, write, update or delete — with a stated intent. It expires in minutes.",
    icon: "M12 8v4l3 3m6-3a9 9 0 1 1-18 0 9 9 0 0 1 18 0Z",
  },
  {
    title: "Every call audited, tamper-evident",
    body: "Each request through the proxy is logged with who, what and why, in a hash chain that shows any edit. Calls that don't match their intent are flagged.",
    icon: "M9 12l2 2 4-4m5.618-4.016A11.955 11.955 0 0 1 12 2.944a11.955 11.955 0 0 1-8.618 3.04A12.02 12.02 0 0 0 3 9c0 5.591 3.824 10.29 9 11.622 5.176-1.332 9-6.03 9-11.622 0-1.042-.133-2.052-.382-3.016Z",
  },
];

export default function LandingPage() {
  return (
    <main>
      <section className="mx-auto grid max-w-6xl items-center gap-10 px-5 pb-12 pt-8 sm:px-8 sm:pt-14 lg:grid-cols-[1.05fr_1fr] lg:gap-12 lg:pb-16">
        <div>
          <p className="inline-flex items-center gap-2 rounded-full border border-line bg-surface px-3 py-1 text-xs font-medium text-ink-muted shadow-card">
            <span className="size-1.5 rounded-full bg-accent-500" aria-hidden="true" />
            Credential proxy for AI agents
          </p>
          <h1 className="mt-5 text-balance text-4xl font-semibold leading-[1.1] tracking-tight text-ink sm:text-5xl">
            Give your agents access, not your keys.
          </h1>
          <p className="mt-5 max-w-xl text-base leading-7 text-ink-muted sm:text-lg sm:leading-8">
            okoro holds the credentials for your SaaS accounts. Your agents get short-lived tokens scoped to one job,
            call APIs through okoro&apos;s proxy, and every call is written to an audit log nobody can quietly rewrite.
          </p>
          <div className="mt-8 flex flex-wrap items-center gap-3">
            <ButtonLink href="/sign-up" size="lg">
              Create an account
            </ButtonLink>
            <ButtonLink href="/sign-in" variant="secondary" size="lg">
              Sign in
            </ButtonLink>
            <Link
              href="/docs"
              className="rounded-md px-2 py-2 text-sm font-medium text-accent-700 hover:text-accent-800 hover:underline"
            >
              Read the docs <span aria-hidden="true">→</span>
            </Link>
          </div>
        </div>

        <figure className="min-w-0 overflow-hidden rounded-card border border-zinc-800 bg-zinc-950 shadow-xl shadow-zinc-900/10">
          <div className="flex items-center gap-1.5 border-b border-white/10 px-4 py-2.5" aria-hidden="true">
            <span className="size-2.5 rounded-full bg-white/15" />
            <span className="size-2.5 rounded-full bg-white/15" />
            <span className="size-2.5 rounded-full bg-white/15" />
          </div>
          <pre
            className="overflow-x-auto px-4 py-4 text-[12.5px] leading-6 text-zinc-300 sm:px-5"
            tabIndex={0}
            aria-label="Example: an agent calling GitHub through okoro"
          >
            <code>
              <span className="text-zinc-500"># the agent holds one token, nothing else</span>
              {"\n"}
              <span className="text-accent-300">$</span> export OKORO_SERVICE_TOKEN=svc_…{"\n\n"}
              <span className="text-zinc-500"># ask for 5 minutes of read access, and say why</span>
              {"\n"}
              <span className="text-accent-300">$</span> curl -X POST https://okoro.example/api/token \{"\n"}
              {"    "}-H &quot;Authorization: Bearer $OKORO_SERVICE_TOKEN&quot; \{"\n"}
              {"    "}-d &apos;{"{"}&quot;provider&quot;:&quot;github&quot;,&quot;scope&quot;:&quot;read&quot;,{"\n"}
              {"         "}&quot;intent&quot;:&quot;list open issues&quot;{"}"}&apos;{"\n\n"}
              <span className="text-zinc-500"># call GitHub through okoro; the real key is added on the way out</span>
              {"\n"}
              <span className="text-accent-300">$</span> curl https://okoro.example/p/github/repos/acme/app/issues \
              {"\n"}
              {"    "}-H &quot;Authorization: Bearer $ACCESS_TOKEN&quot;
            </code>
          </pre>
          <figcaption className="border-t border-white/10 px-4 py-2.5 text-xs text-zinc-400 sm:px-5">
            A <span className="text-zinc-200">delete</span> with this token is refused — and the attempt is logged.
          </figcaption>
        </figure>
      </section>

      <section aria-labelledby="why" className="border-t border-line bg-surface">
        <div className="mx-auto max-w-6xl px-5 py-12 sm:px-8 lg:py-14">
          <h2 id="why" className="sr-only">
            Why okoro
          </h2>
          <ul className="grid gap-8 md:grid-cols-3">
            {FEATURES.map((f) => (
              <li key={f.title}>
                <div className="grid size-9 place-items-center rounded-lg bg-accent-50 text-accent-700 ring-1 ring-accent-100">
                  <svg
                    viewBox="0 0 24 24"
                    fill="none"
                    stroke="currentColor"
                    strokeWidth="1.7"
                    strokeLinecap="round"
                    strokeLinejoin="round"
                    className="size-5"
                    aria-hidden="true"
                  >
                    <path d={f.icon} />
                  </svg>
                </div>
                <h3 className="mt-4 text-[15px] font-semibold text-ink">{f.title}</h3>
                <p className="mt-1.5 text-sm leading-6 text-ink-muted">{f.body}</p>
              </li>
            ))}
          </ul>
        </div>
      </section>
    </main>
  );
}
