// Appending to the audit log.
//
// Appends must be serialized per chain (so a chain never forks) and durable before the
// caller goes on ("no audit, no call"). appendAudit goes through the database pipe
// (db/queries/pipe.ts): concurrent appends — and proxied-request authorizations — share
// one call of okoro_pipe(), which locks the chain heads in sorted order, computes the
// hashes and commits once; each caller's promise resolves once that has committed.
// appendAuditInTx writes inside a transaction the caller holds, computing the same
// hashes here (lib/audit/chain.ts) so both paths extend the same chains.
import "server-only";
import type { Database, Queryable } from "@/db/client";
import { pipeAppend } from "@/lib/audit/pipe-events";
import { insertAuditEvents, lockChainHeads, moveChainHeads } from "@/db/queries/audit-write";
import type { AuditEvent } from "@/db/schema";
import { eventHash, GENESIS_HASH, SYSTEM_CHAIN, type AuditEventName } from "@/lib/audit/chain";
import { storableText } from "@/lib/audit/redact";
import { newId } from "@/lib/ids";

export type AuditInput = {
  event: AuditEventName;
  userId: string | null;
  agent?: string | null;
  serviceTokenId?: string | null;
  jti?: string | null;
  provider?: string | null;
  scope?: string | null;
  requiredScope?: string | null;
  intent?: string | null;
  reason?: string | null;
  method?: string | null;
  path?: string | null;
  query?: string | null;
  status?: number | null;
  durationMs?: number | null;
  bytesIn?: number | null;
  bytesOut?: number | null;
  outcome?: "allowed" | "denied" | "error" | null;
  error?: string | null;
  flags?: string[];
  flagReason?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  /** "mcp" for a call that came through the MCP endpoint */
  via?: string | null;
  /** the MCP tool that made the call */
  tool?: string | null;
  /** how many refusals an aggregated event stands for */
  count?: number | null;
  /** defaults to now; set only when replaying history in tests */
  at?: Date;
};

const MAX_TEXT = 2048;
/** ids, codes, scopes and event names are ours, but a refusal may quote what an agent sent */
const MAX_SHORT = 256;

export type AuditRow = Omit<AuditEvent, "seq" | "prevHash" | "hash">;

// Every text column goes through here: much of it is agent text (intent, reason, provider
// as typed, path, query, user agent), and one NUL or lone surrogate would make the database
// refuse the write, and with it every other event of the same batch.
function clip(v: string | null | undefined, max = MAX_TEXT): string | null {
  if (v === undefined || v === null) return null;
  return storableText(v, max);
}

/**
 * The row an input becomes (ids, text made storable and bounded, millisecond time); seq and
 * hashes come later. The one way into the log, so no caller can forget to clean agent text.
 */
export function auditRow(input: AuditInput): AuditRow {
  return {
    chain: input.userId ?? SYSTEM_CHAIN,
    id: newId("evt"),
    // millisecond precision: what the hash covers must survive the round trip
    at: new Date(Math.floor((input.at ?? new Date()).getTime())),
    userId: input.userId,
    event: input.event,
    agent: clip(input.agent, 256),
    serviceTokenId: clip(input.serviceTokenId, MAX_SHORT),
    jti: clip(input.jti, MAX_SHORT),
    provider: clip(input.provider, 64),
    scope: clip(input.scope, MAX_SHORT),
    requiredScope: clip(input.requiredScope, MAX_SHORT),
    intent: clip(input.intent, 512),
    reason: clip(input.reason, 1024),
    method: clip(input.method, 16),
    path: clip(input.path),
    query: clip(input.query),
    status: input.status ?? null,
    durationMs: input.durationMs === undefined || input.durationMs === null ? null : Math.round(input.durationMs),
    bytesIn: input.bytesIn ?? null,
    bytesOut: input.bytesOut ?? null,
    outcome: input.outcome ?? null,
    error: clip(input.error, MAX_SHORT),
    flags: input.flags?.map((f) => storableText(f, MAX_SHORT)) ?? [],
    flagReason: clip(input.flagReason, 1024),
    ip: clip(input.ip, 64),
    userAgent: clip(input.userAgent, 512),
    requestId: clip(input.requestId, MAX_SHORT),
    via: clip(input.via, 16),
    tool: clip(input.tool, 128),
    count: input.count ?? null,
  };
}

/** Writes rows to their chains inside an open transaction; returns them complete. */
export async function writeAuditRows(tx: Queryable, rows: AuditRow[]): Promise<AuditEvent[]> {
  const chains = [...new Set(rows.map((r) => r.chain))].sort();
  // The heads are locked (and created) by a function that runs as the database owner: the
  // app's own role may read them but not write them. Concurrent writers of the same chain
  // (in this process or any other) wait here until this transaction ends.
  const heads = await lockChainHeads(tx, chains);
  const state = new Map(heads.map((h) => [h.chain, { seq: h.seq, hash: h.hash || GENESIS_HASH }]));
  const complete: AuditEvent[] = rows.map((row) => {
    const head = state.get(row.chain)!;
    const event = { ...row, seq: head.seq + 1, prevHash: head.hash, hash: "" } as AuditEvent;
    event.hash = eventHash(event.prevHash, event);
    head.seq = event.seq;
    head.hash = event.hash;
    return event;
  });
  await insertAuditEvents(tx, complete);
  // the owner's function moves each head only forward, to a row that is now in the log
  await moveChainHeads(
    tx,
    [...state].map(([chain, h]) => ({ chain, seq: h.seq, hash: h.hash })),
  );
  return complete;
}

/**
 * Appends one event. Resolves with the stored row once it is durable; rejects when the
 * log cannot be written (callers that guard an action must then not perform it).
 * Concurrent appends share one round trip and one commit (db/queries/pipe.ts).
 */
export async function appendAudit(
  db: Database,
  input: AuditInput,
  options: { defer?: boolean } = {},
): Promise<AuditEvent> {
  const row = auditRow(input);
  const { seq, hash, prev_hash } = await pipeAppend(db, row, options);
  return { ...row, seq, hash, prevHash: prev_hash };
}

/** Appends inside a transaction the caller already holds (the event commits with it). */
export async function appendAuditInTx(tx: Queryable, input: AuditInput): Promise<AuditEvent> {
  const [event] = await writeAuditRows(tx, [auditRow(input)]);
  return event;
}
