// `okoro audit verify [--user E] [--checkpoint FILE]`: recomputes the hash chains and holds
// them to the latest signed checkpoint (or to one kept elsewhere); exit 1 naming the first
// bad seq, or when a checkpoint's signature does not verify.
import { readFile } from "node:fs/promises";
import type { Checkpoint } from "@/lib/audit/checkpoint";
import { trustedCheckpoint, verifyChains } from "@/lib/audit/verify";
import { CliError, defineCommand } from "@/lib/cli/command";
import { parseEmail, requireUser } from "@/lib/cli/users";

async function readCheckpointFile(file: string): Promise<Checkpoint> {
  try {
    const j = JSON.parse(await readFile(file, "utf8")) as {
      id: string;
      at: string;
      kid: string;
      heads: Checkpoint["heads"];
      signature: string;
    };
    if (
      typeof j.id !== "string" ||
      typeof j.signature !== "string" ||
      typeof j.heads !== "object" ||
      Number.isNaN(Date.parse(j.at))
    )
      throw new Error("fields");
    return { id: j.id, at: new Date(j.at), kid: String(j.kid), heads: j.heads, signature: j.signature };
  } catch {
    throw new CliError(`${file} is not a checkpoint printed by \`okoro audit checkpoint --json\``, 2);
  }
}

export const command = defineCommand({
  description: `Recompute every audit hash chain (or one user's), check each row links to the one before
it, and hold every chain to the latest signed checkpoint: rows it covered that were rewritten or
removed fail even when every hash after them was recomputed. Exits 0 when everything verifies,
1 naming the first bad seq of each broken chain (or a checkpoint whose signature does not verify).`,
  options: {
    user: { type: "string", value: "E", description: "Only this user's chain" },
    checkpoint: {
      type: "string",
      value: "FILE",
      description: "A checkpoint kept elsewhere (`okoro audit checkpoint --json`) instead of the database's latest",
    },
  },
  examples: [
    "okoro audit verify",
    "okoro audit verify --user alice@example.com --json",
    "okoro audit verify --checkpoint checkpoint.json",
  ],
  async run(ctx) {
    const external = ctx.values.checkpoint ? await readCheckpointFile(ctx.values.checkpoint) : undefined;
    const db = await ctx.db();
    const masterKeys = ctx.env().masterKeys;
    const chain = ctx.values.user ? (await requireUser(db, parseEmail(ctx.values.user))).id : undefined;
    const { checkpoint, badSignatures } = await trustedCheckpoint(db, masterKeys, external);
    const results = await verifyChains(db, { chain, checkpoint, masterKeys });
    const bad = results.filter((r) => !r.ok);
    ctx.output(
      {
        ok: bad.length === 0 && badSignatures.length === 0,
        checkpoint: checkpoint
          ? {
              id: checkpoint.id,
              at: checkpoint.at.toISOString(),
              kid: checkpoint.kid,
              chains: Object.keys(checkpoint.heads).length,
            }
          : null,
        bad_signatures: badSignatures.map((c) => ({ id: c.id, at: c.at.toISOString(), kid: c.kid })),
        chains: results.map((r) => ({
          chain: r.chain,
          ok: r.ok,
          verified_through: r.verifiedThrough,
          first_bad_seq: r.firstBadSeq ?? null,
          problem: r.problem ?? null,
        })),
      },
      () =>
        [
          ...badSignatures.map(
            (c) =>
              `BAD   checkpoint ${c.id} (${c.at.toISOString()}): its signature does not verify with any configured master key`,
          ),
          checkpoint
            ? `Checkpoint ${checkpoint.id}, signed ${checkpoint.at.toISOString()}, covers ${Object.keys(checkpoint.heads).length} chain(s).`
            : "No signed checkpoint yet: chains are only checked against themselves.",
          ...results.map((r) =>
            r.ok
              ? `ok    ${r.chain}: verified through seq ${r.verifiedThrough}`
              : `BAD   ${r.chain}: first bad seq ${r.firstBadSeq} — ${r.problem}`,
          ),
          results.length === 0
            ? "No audit events yet."
            : bad.length === 0
              ? `All ${results.length} chain(s) verify.`
              : `${bad.length} chain(s) do not verify.`,
        ].join("\n"),
    );
    return bad.length > 0 || badSignatures.length > 0 ? 1 : 0;
  },
});
