// What the create-token form sends, and its validation into createServiceToken's input
// with one message per field the person can act on. The form is a client component, so
// everything here is treated as untrusted; createServiceToken validates again (the CLI
// shares that check), this module's job is the field-level wording.
import { z } from "zod";
import type { NewServiceToken } from "@/lib/tokens/service-tokens";
import { SCOPES, type Scope } from "@/lib/scopes";
import { AGENT_NAME_PATTERN } from "@/lib/tokens/agent-name";

export const MAX_TTL_MIN = 10;
export const MAX_TTL_MAX = 900;
export const EXPIRY_CHOICES = ["none", "1", "7", "30", "90", "date"] as const;
export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number];

/** The form's fields as the browser has them (numbers still as typed). */
export type CreateTokenPayload = {
  name: string;
  /** provider id → ticked scopes */
  grants: Record<string, string[]>;
  maxTtl: string;
  expiry: ExpiryChoice;
  /** with expiry "date": the moment it ends (ISO), worked out in the person's own time zone */
  expiresAt?: string;
  rateLimit: string;
  quota: string;
  quotaPeriod: "day" | "month";
  approvalScopes: string[];
  /** scopes whose every proxied request waits for the person (docs/agent-api.md#held-requests) */
  holdScopes?: string[];
};

export type CreateTokenField =
  | "name"
  | "grants"
  | "maxTtl"
  | "expiry"
  | "rateLimit"
  | "quota"
  | "approvalScopes"
  | "holdScopes";
export type CreateTokenInput = Omit<NewServiceToken, "userId" | "ip" | "userAgent">;
export type CreateTokenParse =
  | { ok: true; input: CreateTokenInput }
  | { ok: false; fieldErrors: Partial<Record<CreateTokenField, string>> };

// the same rule as validateNewServiceToken (db/queries/service-tokens.ts), said for a form
const DAY_MS = 86_400_000;
const MAX_EXPIRY_MS = 10 * 366 * DAY_MS;

const scope = z.enum(SCOPES);

/** "" → null; otherwise a whole number in [min, max] or an error message. */
function wholeNumber(
  value: unknown,
  min: number,
  max: number,
  what: string,
): { value: number | null } | { error: string } {
  const text = typeof value === "string" ? value.trim() : "";
  if (text === "") return { value: null };
  if (!/^\d+$/.test(text)) return { error: `Enter ${what} as a whole number, or leave it empty.` };
  const n = Number(text);
  if (n < min || n > max)
    return { error: `Enter ${what} between ${min.toLocaleString("en-US")} and ${max.toLocaleString("en-US")}.` };
  return { value: n };
}

/** Ticked scopes as stored: catalog order, no repeats; `all` alone, since it covers the rest. */
export function normalizeScopes(scopes: readonly Scope[]): Scope[] {
  if (scopes.includes("all")) return ["all"];
  return SCOPES.filter((s) => scopes.includes(s));
}

export function parseCreateToken(
  payload: unknown,
  options: { now: Date; knownProvider: (id: string) => boolean },
): CreateTokenParse {
  const p = (typeof payload === "object" && payload !== null ? payload : {}) as Partial<
    Record<keyof CreateTokenPayload, unknown>
  >;
  const fieldErrors: Partial<Record<CreateTokenField, string>> = {};

  const name = typeof p.name === "string" ? p.name.trim() : "";
  if (name === "") fieldErrors.name = "Name the agent this token is for, e.g. research-agent.";
  else if (!AGENT_NAME_PATTERN.test(name))
    fieldErrors.name =
      "Use up to 64 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit.";

  const grants: Record<string, Scope[]> = {};
  const rawGrants =
    typeof p.grants === "object" && p.grants !== null && !Array.isArray(p.grants)
      ? (p.grants as Record<string, unknown>)
      : {};
  for (const [provider, scopes] of Object.entries(rawGrants)) {
    const parsed = z.array(scope).safeParse(scopes);
    if (!options.knownProvider(provider) || !parsed.success) {
      fieldErrors.grants = "One of the grants is not valid. Reload the page and try again.";
      break;
    }
    if (parsed.data.length > 0) grants[provider] = normalizeScopes(parsed.data);
  }
  if (!fieldErrors.grants && Object.keys(grants).length === 0)
    fieldErrors.grants = "Tick at least one scope, for at least one provider.";

  const ttl = wholeNumber(p.maxTtl, MAX_TTL_MIN, MAX_TTL_MAX, "the longest lifetime in seconds");
  if ("error" in ttl) fieldErrors.maxTtl = ttl.error;

  let expiresAt: Date | null = null;
  const expiry = EXPIRY_CHOICES.includes(p.expiry as ExpiryChoice) ? (p.expiry as ExpiryChoice) : undefined;
  if (!expiry) fieldErrors.expiry = "Choose when the token expires.";
  else if (expiry === "date") {
    const at = typeof p.expiresAt === "string" && p.expiresAt ? new Date(p.expiresAt) : undefined;
    if (!at || Number.isNaN(at.getTime())) fieldErrors.expiry = "Pick the date the token stops working.";
    else if (at.getTime() <= options.now.getTime() + 60_000) fieldErrors.expiry = "Pick a date in the future.";
    else if (at.getTime() > options.now.getTime() + MAX_EXPIRY_MS)
      fieldErrors.expiry = "Pick a date within the next ten years.";
    else expiresAt = at;
  } else if (expiry !== "none") {
    expiresAt = new Date(options.now.getTime() + Number(expiry) * DAY_MS);
  }

  const rate = wholeNumber(p.rateLimit, 1, 1_000_000, "the requests per minute");
  if ("error" in rate) fieldErrors.rateLimit = rate.error;
  const quota = wholeNumber(p.quota, 1, 1_000_000_000, "the quota");
  if ("error" in quota) fieldErrors.quota = quota.error;
  const quotaPeriod = p.quotaPeriod === "month" ? "month" : p.quotaPeriod === "day" ? "day" : undefined;
  if (!fieldErrors.quota && "value" in quota && quota.value !== null && !quotaPeriod)
    fieldErrors.quota = "Choose per day or per month.";

  const approval = z.array(scope).safeParse(p.approvalScopes ?? []);
  if (!approval.success)
    fieldErrors.approvalScopes = "One of the approval scopes is not valid. Reload the page and try again.";

  const hold = z.array(scope).safeParse(p.holdScopes ?? []);
  if (!hold.success) fieldErrors.holdScopes = "One of the held scopes is not valid. Reload the page and try again.";

  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };
  const quotaValue = "value" in quota ? quota.value : null;
  return {
    ok: true,
    input: {
      name,
      grants,
      maxTtl: ("value" in ttl && ttl.value) || MAX_TTL_MAX,
      expiresAt,
      rateLimit: "value" in rate ? rate.value : null,
      quota: quotaValue,
      quotaPeriod: quotaValue ? (quotaPeriod ?? null) : null,
      approvalScopes: SCOPES.filter((s) => approval.data!.includes(s)),
      holdScopes: SCOPES.filter((s) => hold.data!.includes(s)),
    },
  };
}
