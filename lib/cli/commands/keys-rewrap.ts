// `okoro keys rewrap`: after putting a new master key first in OKORO_MASTER_KEYS
// (`new:…,old:…`), re-wraps every stored data key with it so the old key can be removed.
import { defineCommand } from "@/lib/cli/command";
import { formatTable } from "@/lib/cli/format";
import { rewrapAll } from "@/lib/cli/rewrap";

export const command = defineCommand({
  description: `Re-wrap the data key of every encrypted value (connection credentials, signing keys,
pending OAuth states, notification URLs, authenticator-app secrets, held requests and
their answers) with the current master key — the first one in OKORO_MASTER_KEYS.
Rows already wrapped with it are left alone. A row that cannot be unwrapped (its master
key is no longer listed, or it was altered) is reported by id and makes the exit code 1;
the other rows are still re-wrapped. Keep the old key listed until this succeeds.`,
  options: {},
  examples: ['OKORO_MASTER_KEYS="k2026:…,k2025:…" okoro keys rewrap'],
  async run(ctx) {
    const masterKeys = ctx.env().masterKeys;
    const db = await ctx.db();
    const report = await rewrapAll({
      db,
      masterKeys,
      onFailure: (f) => ctx.note(`okoro: ${f.table}.${f.column} ${f.id}: cannot unwrap (${f.error})`),
    });
    ctx.output(
      {
        master_key: masterKeys.current,
        rewrapped: report.rewrapped,
        current: report.current,
        failed: report.failures.map((f) => ({ table: f.table, column: f.column, id: f.id, error: f.error })),
        tables: report.tables,
      },
      () =>
        `${formatTable(
          ["TABLE", "COLUMN", "REWRAPPED", "ALREADY CURRENT", "FAILED"],
          report.tables.map((t) => [t.table, t.column, t.rewrapped, t.current, t.failed]),
        )}\n\n${report.rewrapped} re-wrapped with master key "${masterKeys.current}", ${report.current} already current` +
        (report.failures.length ? `, ${report.failures.length} failed.` : "."),
    );
    return report.failures.length > 0 ? 1 : 0;
  },
});
