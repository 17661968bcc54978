// The canonical text every audit hash covers has three producers that must agree to the
// byte: the generic canonicalJson (sorted keys), the fast canonicalEventJson the hot path
// uses, and canonicalPieces, which okoro_pipe() reassembles around seq and user_id.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AuditEvent } from "@/db/schema";
import {
  AUDIT_EVENT_NAMES,
  canonicalEvent,
  canonicalEventJson,
  canonicalJson,
  canonicalPieces,
  eventHash,
  GENESIS_HASH,
} from "@/lib/audit/chain";

const text = fc.option(fc.string({ unit: "binary", maxLength: 40 }), { nil: null });
const int = fc.option(fc.integer({ min: 0, max: 2 ** 31 }), { nil: null });

const arbitraryEvent = fc.record({
  chain: fc.string({ minLength: 1, maxLength: 20 }),
  seq: fc.integer({ min: 1, max: 2 ** 40 }),
  id: fc.string({ minLength: 1, maxLength: 30 }),
  at: fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }),
  event: fc.constantFrom(...AUDIT_EVENT_NAMES),
  userId: fc.option(fc.string({ minLength: 1, maxLength: 30 }), { nil: null }),
  agent: text,
  serviceTokenId: text,
  jti: text,
  provider: text,
  scope: text,
  requiredScope: text,
  intent: text,
  reason: text,
  method: text,
  path: text,
  query: text,
  status: int,
  durationMs: int,
  bytesIn: int,
  bytesOut: int,
  outcome: fc.constantFrom("allowed", "denied", "error", null),
  error: text,
  flags: fc.array(fc.string({ unit: "binary", maxLength: 20 }), { maxLength: 4 }),
  flagReason: text,
  ip: text,
  userAgent: text,
  requestId: text,
  via: text,
  tool: text,
  count: int,
  prevHash: fc.constant(GENESIS_HASH),
  hash: fc.constant(""),
}) as fc.Arbitrary<AuditEvent>;

describe("canonical audit text", () => {
  it("the fast path equals the generic sorted-key JSON for any event", () => {
    fc.assert(
      fc.property(arbitraryEvent, (e) => {
        expect(canonicalEventJson(e)).toBe(canonicalJson(canonicalEvent(e)));
      }),
      { numRuns: 500 },
    );
  });

  it("canonicalPieces around seq (and a pending user_id) reassemble into the canonical text", () => {
    fc.assert(
      fc.property(arbitraryEvent, (e) => {
        const full = canonicalJson(canonicalEvent(e));
        const { c1, c2 } = canonicalPieces(e);
        expect(`${c1}${e.seq}${c2}`).toBe(full);
        if (e.userId !== null) {
          const pending = canonicalPieces(e, { userPending: true });
          expect(`${pending.c1}${e.seq}${pending.c2}${JSON.stringify(e.userId)}${pending.c3}`).toBe(full);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("the fields added later (count, tool, via) are hashed only when set, so older rows keep their hashes", () => {
    const base = { ...fc.sample(arbitraryEvent, { numRuns: 1, seed: 11 })[0], count: null, tool: null, via: null };
    const text = canonicalEventJson(base);
    expect(text).not.toMatch(/"count"|"tool"|"via"/);
    const mcp = { ...base, via: "mcp", tool: "github_list_repos", count: 3 };
    const full = canonicalEventJson(mcp);
    expect(full).toBe(canonicalJson(canonicalEvent(mcp)));
    expect(full).toMatch(/"count":3,.*"tool":"github_list_repos",.*"user_id":.*,"via":"mcp"}$/);
    expect(eventHash(GENESIS_HASH, mcp)).not.toBe(eventHash(GENESIS_HASH, base));
    if (mcp.userId !== null) {
      const pending = canonicalPieces(mcp, { userPending: true });
      expect(pending.c3).toBe(',"via":"mcp"}');
      expect(`${pending.c1}${mcp.seq}${pending.c2}${JSON.stringify(mcp.userId)}${pending.c3}`).toBe(full);
    }
  });

  it("a hash changes when any covered field changes", () => {
    const base = fc.sample(arbitraryEvent, { numRuns: 1, seed: 7 })[0];
    const hash = eventHash(GENESIS_HASH, base);
    expect(eventHash(GENESIS_HASH, { ...base, intent: `${base.intent ?? ""}x` })).not.toBe(hash);
    expect(eventHash(GENESIS_HASH, { ...base, flags: [...base.flags, "x"] })).not.toBe(hash);
    expect(eventHash(GENESIS_HASH, { ...base, seq: base.seq + 1 })).not.toBe(hash);
  });
});
