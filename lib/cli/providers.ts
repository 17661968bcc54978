// `--provider P` for commands: a catalog id (lib/providers/catalog.ts), or a clear error
// listing the ids there are.
import { getProvider, PROVIDER_IDS } from "@/lib/providers/catalog";
import type { ProviderSpec } from "@/lib/providers/types";
import { UsageError } from "@/lib/cli/command";

export function requireProvider(id: string): ProviderSpec {
  const normalized = id.trim().toLowerCase();
  const spec = getProvider(normalized);
  if (!spec)
    throw new UsageError(`unknown provider "${normalized}" — known providers: ${[...PROVIDER_IDS].join(", ")}`);
  return spec;
}
