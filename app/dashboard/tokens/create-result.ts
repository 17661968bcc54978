// What the create action answers. The one place the plaintext token travels: from the
// action's return value into the panel's state, and out of memory when the person
// presses Done. Never into a URL, a cookie, a log or a later page render.
import type { CreateTokenField } from "@/app/dashboard/tokens/create-input";
import type { McpSetup } from "@/app/dashboard/tokens/mcp-snippet";
import type { Scope } from "@/lib/scopes";

export type CreatedToken = {
  id: string;
  name: string;
  hint: string;
  token: string;
  snippet: string;
  /** the /mcp URL and client setups, each carrying the token */
  mcp: McpSetup;
  grants: { provider: string; name: string; scopes: Scope[] }[];
  expiresAt: Date | null;
};

export type CreateTokenResult =
  | { ok: true; created: CreatedToken }
  | {
      ok: false;
      error?: string;
      fieldErrors?: Partial<Record<CreateTokenField, string>>;
      /** where to confirm it's you first (step-up) */
      stepUp?: string;
    };
