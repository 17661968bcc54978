#!/usr/bin/env node
// `npm run db:functions`: for every SQL function whose source (db/functions/<name>.sql)
// differs from its newest definition among the migrations, generate a migration that
// carries the source (drizzle-kit's custom migration, so the journal and snapshots stay
// drizzle-kit's own). `--check` only reports, exiting 1 when a migration is due.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const { FUNCTIONS_DIR, MIGRATIONS_DIR, knownMigrations, staleFunctions } = await import("../db/functions/functions.ts");
const stale = staleFunctions();
if (stale.length === 0) {
  console.log("every SQL function's newest migration matches its source");
  process.exit(0);
}
if (process.argv.includes("--check")) {
  console.error(`migrations are due for: ${stale.join(", ")} (npm run db:functions)`);
  process.exit(1);
}
for (const name of stale) {
  const before = new Set(knownMigrations());
  execFileSync("npx", ["drizzle-kit", "generate", "--custom", "--name", name], { stdio: "inherit" });
  const created = knownMigrations().filter((f) => !before.has(f));
  if (created.length !== 1) throw new Error(`expected drizzle-kit to create one migration, saw ${created.length}`);
  writeFileSync(path.join(MIGRATIONS_DIR, created[0]), readFileSync(path.join(FUNCTIONS_DIR, `${name}.sql`), "utf8"));
  console.log(`db/migrations/${created[0]}: ${name}() from db/functions/${name}.sql`);
}
