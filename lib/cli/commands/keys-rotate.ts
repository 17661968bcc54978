// `okoro keys rotate`: a new Ed25519 key signs operation tokens from now on; the previous
// one stays published in the JWKS until every token it signed has expired.
import { rotateSigningKey, SIGNING_KEY_REFRESH_MS } from "@/lib/tokens/signing-keys";
import { defineCommand } from "@/lib/cli/command";

export const command = defineCommand({
  description: `Create a new signing key for operation tokens and make it current. The previous key
keeps verifying (it stays in /.well-known/jwks.json) until every token it signed has
expired. Running app processes start signing with it within ${Math.ceil(SIGNING_KEY_REFRESH_MS / 1000)} seconds.`,
  options: {},
  examples: ["okoro keys rotate"],
  async run(ctx) {
    const { kid } = await rotateSigningKey(await ctx.db());
    ctx.output({ kid }, `New signing key ${kid} is current.`);
  },
});
