// Keeps the layers one way by reading imports: db/ holds SQL only, the proxy core stays
// free of Next, the database and its own wiring, and pages and routes reach data through lib/.
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(ts|tsx)$/.test(f) && !/\.test\.ts$/.test(f))
    .map((f) => path.join(dir, f));
}

function imports(file: string): { from: string; typeOnly: boolean }[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  return [...text.matchAll(IMPORT)].map((m) => ({ from: m[3] ?? m[4], typeOnly: Boolean(m[2]) }));
}

function violations(dir: string, allowed: (from: string, typeOnly: boolean) => boolean): string[] {
  return sources(dir).flatMap((f) =>
    imports(f)
      .filter((i) => !allowed(i.from, i.typeOnly))
      .map((i) => `${f} → ${i.from}`),
  );
}

const NODE = new Set(builtinModules);
const DRIVERS = /^(drizzle-orm(\/.*)?|pg|@electric-sql\/pglite(\/.*)?|@neondatabase\/serverless|ws|server-only)$/;

// db/ imports nothing from lib/ but types: no exceptions remain
const DB_PENDING: string[] = [];

describe("architecture", () => {
  it("db/ imports only drizzle, drivers, node builtins, db/* and types from lib/", () => {
    const ok = (from: string, typeOnly: boolean) =>
      DRIVERS.test(from) ||
      from.startsWith("node:") ||
      NODE.has(from) ||
      from.startsWith("@/db/") ||
      from.startsWith(".") ||
      (typeOnly && from.startsWith("@/lib/"));
    expect(violations("db", ok)).toEqual(DB_PENDING);
  });

  it("lib/ runs no SQL of its own: it imports no drizzle-orm", () => {
    expect(violations("lib", (from) => !/^drizzle-orm/.test(from))).toEqual([]);
  });

  it("the proxy core imports no next/*, no @/db and none of its wiring in lib/serve", () => {
    const ok = (from: string) =>
      !/^next(\/|$)/.test(from) && !from.startsWith("@/db") && !from.startsWith("@/lib/serve");
    expect(violations("lib/proxy", ok)).toEqual([]);
  });

  it("app/ does not import drizzle-orm or @/db/queries", () => {
    const ok = (from: string) => !/^drizzle-orm/.test(from) && !from.startsWith("@/db/queries");
    expect(violations("app", ok)).toEqual([]);
  });
});
