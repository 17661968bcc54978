// `okoro migrate`: applies the committed drizzle-kit migrations (db/migrations). Run at
// deploy for PostgreSQL/Neon; the embedded database also migrates itself on first open.
// It connects as DATABASE_OWNER_URL when that is set (the app's DATABASE_URL is then a
// runtime role that may not alter tables) and grants the runtime role what it may do.
import { appliedMigrationCount as appliedCount, migrateDatabase } from "@/db/client";
import { defineCommand } from "@/lib/cli/command";

export const command = defineCommand({
  description: "Apply the database migrations that have not been applied yet. Safe to run repeatedly.",
  options: {},
  examples: [
    "okoro migrate",
    "DATABASE_URL=postgres://okoro_app@… DATABASE_OWNER_URL=postgres://okoro_owner@… okoro migrate --json",
  ],
  async run(ctx) {
    const handle = await ctx.database({ migrate: false, owner: true });
    const before = await appliedCount(handle.db);
    await migrateDatabase(handle);
    const after = await appliedCount(handle.db);
    const applied = after - before;
    ctx.output({ driver: handle.driver, applied, total: after }, () =>
      applied > 0
        ? `Applied ${applied} migration${applied === 1 ? "" : "s"} (${handle.driver}).`
        : `The database is up to date (${handle.driver}, ${after} migrations).`,
    );
  },
});
