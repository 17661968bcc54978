// SQL functions have one live source each, db/functions/<name>.sql; migrations are
// generated from them (scripts/sql-functions.mjs, `npm run db:functions`). This module
// finds a function's newest definition among the committed migrations so the script and
// db/functions/functions.test.ts agree on what "up to date" means.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export const FUNCTIONS_DIR = path.join(import.meta.dirname);
export const MIGRATIONS_DIR = path.join(import.meta.dirname, "..", "migrations");

/** The `CREATE OR REPLACE FUNCTION name(…) … $$;` statement in a text, or null. */
export function functionStatement(sqlText: string, name: string): string | null {
  const start = sqlText.indexOf(`CREATE OR REPLACE FUNCTION ${name}(`);
  if (start < 0) return null;
  const end = sqlText.indexOf("\n$$;", start);
  if (end < 0) return null;
  return sqlText.slice(start, end + 4);
}

/** Every function source: name → its statement. */
export function functionSources(): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of readdirSync(FUNCTIONS_DIR)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    const name = file.slice(0, -4);
    const statement = functionStatement(readFileSync(path.join(FUNCTIONS_DIR, file), "utf8"), name);
    if (!statement) throw new Error(`db/functions/${file} does not define ${name}()`);
    out.set(name, statement);
  }
  return out;
}

/** The newest migration (in journal order) that defines `name`, and its statement. */
export function newestDefinition(name: string): { migration: string; statement: string } | null {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, "meta", "_journal.json"), "utf8")) as {
    entries: { tag: string }[];
  };
  for (const { tag } of [...journal.entries].reverse()) {
    const statement = functionStatement(readFileSync(path.join(MIGRATIONS_DIR, `${tag}.sql`), "utf8"), name);
    if (statement) return { migration: tag, statement };
  }
  return null;
}

/** Names whose source differs from their newest migration (or that no migration defines). */
export function staleFunctions(): string[] {
  return [...functionSources()]
    .filter(([name, statement]) => newestDefinition(name)?.statement !== statement)
    .map(([name]) => name);
}

export function knownMigrations(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith(".sql"))
    .sort();
}
