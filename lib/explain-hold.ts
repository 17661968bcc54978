// Whether the proxy would hold a request for a person's approval of that exact request
// (docs/agent-api.md#explain, docs/agent-api.md#held-requests): the same rule the proxy
// applies, read from the service token's hold scopes.
import type { ServiceToken } from "@/db/schema";
import { isHeld } from "@/lib/held/hold";
import type { RequestScope } from "@/lib/scopes";

export function wouldHold(args: {
  token: ServiceToken;
  tokenScope: string | null;
  requiredScope: RequestScope;
}): boolean {
  return isHeld(args.token.holdScopes ?? [], args.tokenScope ?? args.requiredScope, args.requiredScope);
}
