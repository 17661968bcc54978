// Each SQL function's live source (db/functions/<name>.sql) is what the newest migration
// that defines it says: a change to a function is made in its source file and reaches the
// database through a generated migration (`npm run db:functions`).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { functionSources, MIGRATIONS_DIR, newestDefinition, staleFunctions } from "@/db/functions/functions";

describe("SQL function sources", () => {
  it("there is at least the proxy's pipe", () => {
    expect([...functionSources().keys()]).toContain("okoro_pipe");
  });

  it("the newest migration defining each function equals its source file", () => {
    for (const [name, statement] of functionSources()) {
      const newest = newestDefinition(name);
      expect(newest, `no migration defines ${name}()`).not.toBeNull();
      expect(
        newest!.statement,
        `${name}(): db/functions/${name}.sql differs from ${newest!.migration}.sql — run npm run db:functions`,
      ).toBe(statement);
    }
    expect(staleFunctions()).toEqual([]);
  });

  it("a migration that differs from the source is noticed", () => {
    const newest = newestDefinition("okoro_pipe")!;
    const text = readFileSync(path.join(MIGRATIONS_DIR, `${newest.migration}.sql`), "utf8");
    expect(text).toContain(newest.statement);
    expect(newest.statement.replace("coalesce", "COALESCE")).not.toBe(functionSources().get("okoro_pipe"));
  });
});
