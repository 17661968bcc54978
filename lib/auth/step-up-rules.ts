// Which dashboard actions need step-up (docs/dashboard.md#step-up), as plain rules that
// the actions and their tests share.
import type { Grants } from "@/db/schema";

/** A token that may delete, or do anything, needs a recent confirmation to create. */
export function grantsNeedStepUp(grants: Grants): boolean {
  return Object.values(grants).some((scopes) => scopes.includes("all") || scopes.includes("delete"));
}
