// The audit side of the database pipe (db/queries/pipe.ts): rows become the canonical
// pieces the pipe sends, and a member of a batch the database could not store becomes a
// 400 for its own caller (the rest of its batch committed).
import "server-only";
import type { Database } from "@/db/client";
import { dbPipe, type PipeAuthRequest, type PipeAuthResult, UnstorableEvent } from "@/db/queries/pipe";
import type { AuditEvent } from "@/db/schema";
import { canonicalPieces } from "@/lib/audit/chain";
import { OkoroError } from "@/lib/errors";

type Row = Omit<AuditEvent, "seq" | "prevHash" | "hash">;
type EventResult = { seq: number; hash: string; prev_hash: string };

function asRefusal(e: unknown): unknown {
  return e instanceof UnstorableEvent
    ? new OkoroError("invalid_request", "The request carries text that cannot be stored.")
    : e;
}

/** A proxied request's checks and its proxy.request event (user and chain filled in by the database). */
export async function pipeAuthorize(
  db: Database,
  request: Omit<PipeAuthRequest, "event"> & { event: Row },
): Promise<PipeAuthResult> {
  try {
    return await dbPipe(db).authorize({ ...request, event: canonicalPieces(request.event, { userPending: true }) });
  } catch (e) {
    throw asRefusal(e);
  }
}

/** One audit event, durable when the promise settles; `defer` lets it ride a later round trip. */
export async function pipeAppend(db: Database, row: Row, options: { defer?: boolean } = {}): Promise<EventResult> {
  try {
    return await dbPipe(db).append({ chain: row.chain, ...canonicalPieces(row) }, options);
  } catch (e) {
    throw asRefusal(e);
  }
}
