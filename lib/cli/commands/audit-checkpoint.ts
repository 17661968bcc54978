// `okoro audit checkpoint [--create] [--json]`: prints the latest signed checkpoint of the
// audit chain heads, to be kept somewhere the database's owner cannot reach; with
// --create, signs one now first. `okoro audit verify --checkpoint FILE` checks against it.
import { latestCheckpoints } from "@/db/queries/checkpoints";
import { checkpointPublicKey, checkpointSignatureValid, makeCheckpoint, type Checkpoint } from "@/lib/audit/checkpoint";
import { defineCommand } from "@/lib/cli/command";

/** The printed form; `okoro audit verify --checkpoint` reads it back. */
export function checkpointJson(c: Checkpoint, signatureOk: boolean, publicKey: string | null) {
  return {
    id: c.id,
    at: c.at.toISOString(),
    kid: c.kid,
    heads: c.heads,
    signature: c.signature,
    signature_ok: signatureOk,
    public_key: publicKey,
  };
}

export const command = defineCommand({
  description: `Print the latest signed checkpoint of every audit chain head (chain → [seq, hash]), signed
with Ed25519 by a key derived from OKORO_MASTER_KEYS. Keep a copy outside the database: \`okoro
audit verify --checkpoint FILE\` then holds the log to it even if the database's checkpoints were
removed. --create signs a new one now.`,
  options: { create: { type: "boolean", description: "Sign a checkpoint of the current heads first" } },
  examples: ["okoro audit checkpoint --json > checkpoint.json", "okoro audit checkpoint --create"],
  async run(ctx) {
    const db = await ctx.db();
    const keys = ctx.env().masterKeys;
    const checkpoint = ctx.values.create
      ? await makeCheckpoint(db, keys, { force: true })
      : (await latestCheckpoints(db))[0];
    if (!checkpoint) {
      ctx.note("No audit checkpoint yet (okoro makes one every minute while events arrive; --create makes one now).");
      return 1;
    }
    const ok = checkpointSignatureValid(checkpoint, keys);
    const chains = Object.entries(checkpoint.heads);
    ctx.output(checkpointJson(checkpoint, ok, checkpointPublicKey(keys, checkpoint.kid)), () =>
      [
        `checkpoint ${checkpoint.id} at ${checkpoint.at.toISOString()}, key ${checkpoint.kid}: signature ${ok ? "ok" : "DOES NOT VERIFY"}`,
        ...chains.map(([chain, [seq, hash]]) => `  ${chain}: seq ${seq} ${hash}`),
        chains.length === 0 ? "  (no events)" : `  ${chains.length} chain(s)`,
      ].join("\n"),
    );
    return ok ? 0 : 1;
  },
});
