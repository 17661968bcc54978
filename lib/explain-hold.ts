// Whether the proxy would hold a request for a person's approval of that exact request
// (docs/agent-api.md#explain). Held requests are wired in by their own change: until then
// no request is ever held, so explain answers `would_hold: false`.
import type { ServiceToken } from "@/db/schema";
import type { RequestScope } from "@/lib/scopes";

export function wouldHold(_args: { token: ServiceToken; provider: string; requiredScope: RequestScope }): boolean {
  // held requests wire it: true when requiredScope is in the token's hold_scopes
  return false;
}
