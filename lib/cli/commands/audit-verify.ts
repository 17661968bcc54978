// `okoro audit verify [--user E]`: recomputes the hash chains; exit 1 naming the first bad seq.
import { defineCommand } from "@/lib/cli/command";
import { parseEmail, requireUser } from "@/lib/cli/users";
import { verifyChains } from "@/lib/audit/verify";

export const command = defineCommand({
  description: `Recompute every audit hash chain (or one user's) and check each row links to the one
before it. Exits 0 when every chain verifies, 1 naming the first bad seq of each broken chain.`,
  options: { user: { type: "string", value: "E", description: "Only this user's chain" } },
  examples: ["okoro audit verify", "okoro audit verify --user alice@example.com --json"],
  async run(ctx) {
    const db = await ctx.db();
    const chain = ctx.values.user ? (await requireUser(db, parseEmail(ctx.values.user))).id : undefined;
    const results = await verifyChains(db, { chain });
    const bad = results.filter((r) => !r.ok);
    ctx.output(
      results.map((r) => ({ chain: r.chain, ok: r.ok, verified_through: r.verifiedThrough, first_bad_seq: r.firstBadSeq ?? null, problem: r.problem ?? null })),
      () =>
        [
          ...results.map((r) =>
            r.ok ? `ok    ${r.chain}: verified through seq ${r.verifiedThrough}` : `BAD   ${r.chain}: first bad seq ${r.firstBadSeq} — ${r.problem}`,
          ),
          results.length === 0 ? "No audit events yet." : bad.length === 0 ? `All ${results.length} chain(s) verify.` : `${bad.length} chain(s) do not verify.`,
        ].join("\n"),
    );
    return bad.length > 0 ? 1 : 0;
  },
});
