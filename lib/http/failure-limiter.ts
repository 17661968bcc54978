// Limits unauthenticated failures — requests presenting a missing or bad token at the
// proxy, the exchange or any other door that takes a token — per client address: 100 a
// minute, then every request from that address is refused with 429 before anything is
// verified, until the minute ends. An IPv6 client counts by its /64, and requests without
// a usable address share one bucket (lib/http/address-bucket.ts).
//
// The counts live in this process's memory, not in the database. A refusal has to be
// decided before the token is verified, i.e. on every proxied request, and a database
// lookup there would add a round trip to the hot path; a Map lookup costs nothing, and
// nothing at all while no address has failed. The price is that each app instance keeps
// its own counts, so N instances let N × 100 failures a minute through — still a bound on
// what a flood costs each instance in verification and audit writes, which is what this
// limit is for. (The exchange also keeps its stricter database-backed limit on bad service
// tokens, shared by every instance; that one runs on the failure path only.)
//
// Past the limit, failures are counted rather than audited one by one: each address gets
// one summary per minute (`report`), so a flood cannot fill the audit log or queue behind
// the system chain's lock. Memory is bounded: at most `maxTracked` addresses are counted
// apart. When that many have failed within a minute, failures from further addresses are
// still summarized together (so their audit rows stay bounded) but such addresses are not
// refused — refusing them would let whoever holds many addresses shut out everyone new.
import { OkoroError } from "@/lib/errors";
import { addressBucket } from "@/lib/http/address-bucket";

export const FAILURE_LIMIT = 100;
export const FAILURE_WINDOW_MS = 60_000;
export const MAX_TRACKED_ADDRESSES = 20_000;
/** the bucket that failures from untracked addresses are summarized under */
export const OVERFLOW_BUCKET = "overflow";

export type FailureSummary = {
  /** the address bucket: an IPv4 address, an IPv6 /64, `unknown` or `overflow` */
  bucket: string;
  /** failures in the window that were not audited one by one (refused with 429, or past the limit) */
  count: number;
  limit: number;
  windowStart: Date;
};

export type FailureLimiter = {
  /**
   * Before verifying anything: the 429 for an address that is over its limit this minute
   * (and the refusal is counted into its summary), or null to go on.
   */
  refuse(address: string | null): OkoroError | null;
  /**
   * After an unauthenticated failure: true when the caller should audit it as usual; false
   * when it was past the limit and has been counted into the address's summary instead.
   */
  fail(address: string | null): boolean;
  /** reports the summaries of ended windows and forgets their addresses (a timer does it every window) */
  flush(): void;
  /** number of addresses counted apart (for tests) */
  readonly tracked: number;
  /** stops the timer */
  close(): void;
};

export type FailureLimiterOptions = {
  limit?: number;
  windowMs?: number;
  maxTracked?: number;
  now?: () => number;
  /** called once per address and window when some of its failures were not audited one by one */
  report: (summary: FailureSummary) => void;
};

type Entry = { window: number; failures: number; suppressed: number };

export function createFailureLimiter(options: FailureLimiterOptions): FailureLimiter {
  const limit = options.limit ?? FAILURE_LIMIT;
  const windowMs = options.windowMs ?? FAILURE_WINDOW_MS;
  const maxTracked = options.maxTracked ?? MAX_TRACKED_ADDRESSES;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  let overflow: Entry | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;

  const windowOf = (t: number) => t - (t % windowMs);

  const summarize = (bucket: string, entry: Entry) => {
    if (entry.suppressed === 0) return;
    try {
      options.report({ bucket, count: entry.suppressed, limit, windowStart: new Date(entry.window) });
    } catch (e) {
      console.error("[okoro] could not report unauthenticated failures:", (e as Error).message);
    }
  };

  /** an entry counting the current window, its previous window summarized */
  const current = (bucket: string, entry: Entry, window: number): Entry => {
    if (entry.window !== window) {
      summarize(bucket, entry);
      entry.window = window;
      entry.failures = 0;
      entry.suppressed = 0;
    }
    return entry;
  };

  const flush = () => {
    const window = windowOf(now());
    for (const [bucket, entry] of entries) {
      if (entry.window === window) continue;
      summarize(bucket, entry);
      entries.delete(bucket);
    }
    if (overflow && overflow.window !== window) {
      summarize(OVERFLOW_BUCKET, overflow);
      overflow = null;
    }
    if (entries.size === 0 && !overflow && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  const startTimer = () => {
    if (timer) return;
    timer = setInterval(flush, windowMs);
    timer.unref?.();
  };

  return {
    refuse(address) {
      // the proxied hot path: nothing to look up while no address has failed
      if (entries.size === 0) return null;
      const bucket = addressBucket(address);
      const entry = entries.get(bucket);
      if (!entry) return null;
      const t = now();
      const window = windowOf(t);
      if (entry.window !== window || entry.failures < limit) return null;
      entry.suppressed++;
      const retryAfter = Math.max(1, Math.ceil((window + windowMs - t) / 1000));
      return new OkoroError(
        "rate_limited",
        `Too many requests with invalid tokens from this address; retry after ${retryAfter} s.`,
        {
          headers: { "Retry-After": String(retryAfter) },
        },
      );
    },
    fail(address) {
      const bucket = addressBucket(address);
      const window = windowOf(now());
      let entry = entries.get(bucket);
      if (!entry) {
        if (entries.size >= maxTracked) flush();
        if (entries.size >= maxTracked) {
          overflow ??= { window, failures: 0, suppressed: 0 };
          entry = current(OVERFLOW_BUCKET, overflow, window);
        } else {
          entry = { window, failures: 0, suppressed: 0 };
          entries.set(bucket, entry);
          startTimer();
        }
      } else {
        entry = current(bucket, entry, window);
      }
      entry.failures++;
      if (entry.failures <= limit) return true;
      entry.suppressed++;
      return false;
    },
    flush,
    get tracked() {
      return entries.size;
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
