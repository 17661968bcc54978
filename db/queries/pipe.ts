// The database pipe: proxied-request authorizations and audit appends that arrive while a
// round trip is in flight are sent together in the next one, as one call of okoro_pipe()
// (db/functions/okoro_pipe.sql). One statement, one transaction, one commit
// for the whole batch; each caller's promise settles with its own outcome once it has
// committed. An event travels once, as the canonical JSON its hash covers (c1 + seq + c2):
// the database fills in seq (and the user), hashes it and stores the row built from it.
// On pg and Neon the call is a named statement, parsed and planned once per connection.
// The pieces come from lib/audit/pipe-events.ts, which also turns UnstorableEvent into the
// caller's 400: this module is SQL and batching only.
import "server-only";
import { sql } from "drizzle-orm";
import { namedStatementPool, type Database } from "@/db/client";

export type PipeAuthRequest = {
  tokenId: string;
  provider: string;
  jti: string;
  once: boolean;
  /** the operation token's exp (seconds): how long a consumed jti must be remembered */
  exp: number;
  /**
   * the proxy.request event as canonical JSON in pieces around its seq and its user
   * (lib/audit/chain.ts canonicalPieces): the database fills both in
   */
  event: { c1: string; c2: string; c3?: string };
};

/** An audit event as canonical JSON in pieces around its seq, on its chain. */
export type PipeEvent = { chain: string; c1: string; c2: string };

/**
 * A member of a batch whose text the database cannot store (a NUL, a lone surrogate):
 * it failed alone, the rest of its batch committed.
 */
export class UnstorableEvent extends Error {
  constructor() {
    super("the event carries text the database cannot store");
    this.name = "UnstorableEvent";
  }
}

export type LimitState = { limit: number; count: number; window_start: string; period?: "day" | "month" };

export type PipeAuthResult =
  | { outcome: "no_token" }
  | {
      outcome: "revoked" | "expired" | "user_disabled" | "not_connected" | "replayed";
      user_id: string;
      detail?: string | null;
    }
  | { outcome: "rate_limited" | "quota_exceeded"; user_id: string; rate: LimitState | null; quota?: LimitState | null }
  | {
      outcome: "ok";
      user_id: string;
      seq: number;
      hash: string;
      prev_hash: string;
      rate: LimitState | null;
      quota: LimitState | null;
      connection: {
        id: string;
        user_id: string;
        provider: string;
        method: string;
        status: string;
        credential: unknown;
        access_expires_at: string | null;
      };
    };

const MAX_BATCH = 256;
const DEFER_MS = 20;
/** service tokens whose user this process remembers (a cap, not a cache policy: when full, it starts again) */
const MAX_KNOWN_TOKENS = 10_000;
const PIPE_SQL = "SELECT okoro_pipe($1::jsonb, $2::jsonb) AS r";
/** invalid_sql_statement_name (the statement is missing), duplicate_prepared_statement */
const SESSION_LOST_STATEMENT = new Set(["26000", "42P05"]);

type Waiting<T> = { payload: Record<string, unknown>; resolve: (v: T) => void; reject: (e: unknown) => void };
type EventResult = { seq: number; hash: string; prev_hash: string };

class DbPipe {
  private auth: Waiting<PipeAuthResult>[] = [];
  private events: Waiting<EventResult>[] = [];
  private flushing = false;
  private deferTimer: NodeJS.Timeout | undefined;
  /**
   * service token → its user, learnt from earlier answers. A token never changes user, so
   * this is not a cache of anything that can go stale: it tells okoro_pipe() which chain a
   * request appends to without a lookup (the function checks it against the token it reads).
   */
  private readonly tokenUsers = new Map<string, string>();
  /** false once the database has shown it does not keep named statements per session */
  private named = true;
  /** called after each batch has committed (lib/audit/checkpoint.ts: is a checkpoint due?) */
  private committed: (() => void) | undefined;

  constructor(private readonly db: Database) {}

  /** One listener, told after every committed batch; it must be cheap and must not throw. */
  onCommitted(listener: (() => void) | undefined): void {
    this.committed = listener;
  }

  async authorize(request: PipeAuthRequest): Promise<PipeAuthResult> {
    const { c1, c2, c3 } = request.event;
    const result = await this.enqueue<PipeAuthResult>(this.auth, {
      token_id: request.tokenId,
      chain: this.tokenUsers.get(request.tokenId),
      provider: request.provider,
      jti: request.jti,
      once: request.once,
      exp: request.exp,
      c1,
      c2,
      c3,
    });
    if (result.outcome !== "no_token" && !this.tokenUsers.has(request.tokenId)) {
      if (this.tokenUsers.size >= MAX_KNOWN_TOKENS) this.tokenUsers.clear();
      this.tokenUsers.set(request.tokenId, result.user_id);
    }
    return result;
  }

  /**
   * `defer`: the caller does not wait on it (e.g. proxy.response, written after the
   * response): it rides along with the next round trip, or goes on its own within
   * DEFER_MS — so a steady stream of requests costs one round trip each, not two.
   */
  append(event: PipeEvent, options: { defer?: boolean } = {}): Promise<EventResult> {
    return this.enqueue(this.events, { chain: event.chain, c1: event.c1, c2: event.c2 }, options.defer);
  }

  private enqueue<T>(queue: Waiting<T>[], payload: Record<string, unknown>, defer = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ payload, resolve, reject });
      if (this.flushing) return;
      if (!defer) void this.flush();
      else this.deferTimer ??= setTimeout(() => void this.flush(), DEFER_MS);
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    clearTimeout(this.deferTimer);
    this.deferTimer = undefined;
    // requests arriving in this same turn of the event loop join the batch
    await new Promise((r) => setImmediate(r));
    while (this.auth.length > 0 || this.events.length > 0) {
      const auth = this.auth.splice(0, MAX_BATCH);
      const events = this.events.splice(0, MAX_BATCH);
      await this.settle(auth, events);
    }
    this.flushing = false;
  }

  /**
   * One call for the whole batch. When the database refuses the data of a batch (one
   * member it cannot store), the call rolled back and wrote nothing, so the batch is split
   * in halves, each tried on its own, until the member at fault stands alone: it is
   * refused as an invalid request, and everyone else's request goes through. Any other
   * failure (the database unreachable, the function raising) fails the whole batch.
   */
  private async settle(auth: Waiting<PipeAuthResult>[], events: Waiting<EventResult>[]): Promise<void> {
    try {
      const out = await this.call(
        JSON.stringify(auth.map((w) => w.payload)),
        JSON.stringify(events.map((w) => w.payload)),
      );
      auth.forEach((w, i) => w.resolve(out.auth[i]));
      events.forEach((w, i) => w.resolve(out.events[i]));
      this.committed?.();
      return;
    } catch (e) {
      const size = auth.length + events.length;
      if (isDataError(e) && size > 1) {
        // halves in batch order (requests, then events), so a chain's events keep their order
        const half = Math.ceil(size / 2);
        await this.settle(auth.slice(0, half), events.slice(0, Math.max(0, half - auth.length)));
        await this.settle(auth.slice(half), events.slice(Math.max(0, half - auth.length)));
        return;
      }
      // nothing of the batch was written; what it was told about tokens is learnt again
      this.tokenUsers.clear();
      const error = isDataError(e) ? new UnstorableEvent() : e;
      for (const w of [...auth, ...events]) w.reject(error);
    }
  }

  private async call(auth: string, events: string): Promise<{ auth: PipeAuthResult[]; events: EventResult[] }> {
    const raw = (await this.query(auth, events)).rows[0].r;
    return (typeof raw === "string" ? JSON.parse(raw) : raw) as { auth: PipeAuthResult[]; events: EventResult[] };
  }

  private async query(auth: string, events: string): Promise<{ rows: Record<string, unknown>[] }> {
    const pool = this.named ? namedStatementPool(this.db) : null;
    if (!pool)
      return (await this.db.execute(sql`SELECT okoro_pipe(${auth}::jsonb, ${events}::jsonb) AS r`)) as unknown as {
        rows: Record<string, unknown>[];
      };
    try {
      return await pool.query({ name: "okoro_pipe", text: PIPE_SQL, values: [auth, events] });
    } catch (e) {
      // A pooler in transaction mode (PgBouncer without prepared-statement support) gives
      // each call whichever server session is free, where the statement is missing or
      // already exists. That error comes before anything ran: go on without a name.
      if (!SESSION_LOST_STATEMENT.has((e as { code?: string }).code ?? "")) throw e;
      this.named = false;
      console.warn(
        "[okoro] the database does not keep prepared statements per connection (a transaction-mode pooler?); the proxy's pipe goes on unprepared",
      );
      return this.query(auth, events);
    }
  }
}

/**
 * SQLSTATE class 22, data exception: the database could not take a value of the payload (a
 * NUL or a lone surrogate in JSON text, a number out of range). Drivers put the code on the
 * error itself; a wrapper (drizzle's query error) keeps the driver's error as its cause.
 */
function isDataError(e: unknown): boolean {
  for (
    let cause = e, depth = 0;
    cause && typeof cause === "object" && depth < 4;
    cause = (cause as { cause?: unknown }).cause, depth++
  ) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && code.length === 5) return code.startsWith("22");
  }
  return false;
}

const pipes = new WeakMap<Database, DbPipe>();

export function dbPipe(db: Database): DbPipe {
  let pipe = pipes.get(db);
  if (!pipe) {
    pipe = new DbPipe(db);
    pipes.set(db, pipe);
  }
  return pipe;
}
