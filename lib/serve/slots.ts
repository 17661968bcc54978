// Every value this process keeps on globalThis, named and typed in one place. Next.js may
// load a module once per route bundle (and again on dev reloads), so anything that must be
// one per process — the database, the proxy handler, limiters, timers — lives in a slot
// rather than a module variable. scripts/start.mjs is plain JavaScript and cannot import
// this file: it spells the names in START_SCRIPT_SLOTS itself, and a test holds the two equal.
import type { DbHandle } from "@/db/client";
import type { ChainCache } from "@/lib/audit/dashboard";
import type { RoundTripCounter } from "@/lib/bench/round-trips";
import type { FailureLimiter } from "@/lib/http/failure-limiter";
import type { McpRuntime } from "@/lib/mcp/runtime";
import type { ProxyHandler } from "@/lib/proxy/handler";
import type { AgentListener } from "@/lib/serve/start-hook";
import type { SweepState } from "@/lib/sweep";

export const SLOT_NAMES = {
  /** true: scripts/start.mjs writes the socket's address into x-okoro-peer-address itself */
  peerAddressHeader: "okoro.peer-address-header",
  /** true: this process runs under scripts/start.mjs, which wants an agent listener */
  startServer: "okoro.start-server",
  /** the listener scripts/start.mjs offers every request to before Next routes it */
  agentListener: "okoro.agent-listener",
  /** the process's database; scripts/start.mjs closes it on shutdown */
  db: "okoro.db",
  proxy: "okoro.proxy",
  mcp: "okoro.mcp",
  failureLimiter: "okoro.failure-limiter",
  chainCache: "okoro.audit.chain-cache",
  sweep: "okoro.sweep",
  checkpointsPending: "okoro.audit.checkpoints-pending",
  checkpointTimer: "okoro.audit.checkpoint-timer",
  notificationTimer: "okoro.notify.timer",
  dbRoundTrips: "okoro.bench.db-round-trips",
} as const;

export type SlotName = keyof typeof SLOT_NAMES;

type SlotValues = {
  peerAddressHeader: boolean;
  startServer: boolean;
  agentListener: AgentListener;
  db: Promise<DbHandle>;
  proxy: Promise<ProxyHandler>;
  mcp: Promise<McpRuntime>;
  failureLimiter: FailureLimiter;
  chainCache: ChainCache;
  sweep: SweepState;
  checkpointsPending: Set<Promise<unknown>>;
  checkpointTimer: boolean;
  notificationTimer: boolean;
  dbRoundTrips: RoundTripCounter;
};

/** The slots scripts/start.mjs reads or writes by name. */
export const START_SCRIPT_SLOTS: readonly SlotName[] = ["peerAddressHeader", "startServer", "agentListener", "db"];

const KEYS = Object.fromEntries(Object.entries(SLOT_NAMES).map(([k, name]) => [k, Symbol.for(name)])) as Record<
  SlotName,
  symbol
>;
const slots = globalThis as unknown as Record<symbol, unknown>;

export function getSlot<K extends SlotName>(name: K): SlotValues[K] | undefined {
  return slots[KEYS[name]] as SlotValues[K] | undefined;
}

export function setSlot<K extends SlotName>(name: K, value: SlotValues[K] | undefined): void {
  slots[KEYS[name]] = value;
}

/** The slot's value, made and kept on first use. */
export function slotOnce<K extends SlotName>(name: K, make: () => SlotValues[K]): SlotValues[K] {
  const key = KEYS[name];
  return (slots[key] ??= make()) as SlotValues[K];
}

/**
 * A promise kept in a slot until it rejects: a process whose database was down at first
 * use tries again on the next call instead of remembering the failure.
 */
export function promiseSlot<K extends "db" | "proxy" | "mcp">(name: K, make: () => SlotValues[K]): SlotValues[K] {
  const key = KEYS[name];
  let value = slots[key] as SlotValues[K] | undefined;
  if (value === undefined) {
    value = make();
    slots[key] = value;
    value.catch(() => {
      if (slots[key] === value) slots[key] = undefined;
    });
  }
  return value;
}
