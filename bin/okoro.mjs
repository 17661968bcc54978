#!/usr/bin/env node
// The `okoro` command (docs/cli.md#command-line), run straight from the TypeScript sources of a clone:
// tsx's ESM loader compiles them (and resolves the `@/` alias from tsconfig.json), and a
// one-line resolve hook gives `server-only` its react-server export — the empty module
// Next.js uses on the server — instead of the one that throws. Everything else lives in
// lib/cli/main.ts.
import { register } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// Like `npm run` and `next dev`, run at the project root: the embedded database
// (.data/pglite), .data/secrets.json, .env files and the migrations are found there, so
// the CLI and the app always mean the same database whatever directory you call it from.
process.chdir(root);

// Same .env files, same precedence as Next.js (the real environment wins).
try {
  const { default: nextEnv } = await import("@next/env");
  const quiet = {
    info() {},
    error(...args) {
      console.error("okoro: cannot read .env files:", ...args.map((a) => (a instanceof Error ? a.message : a)));
    },
  };
  nextEnv.loadEnvConfig(root, process.env.NODE_ENV !== "production", quiet);
} catch {
  // @next/env ships with next; without it only the real environment is used
}

const serverOnlyHook = `export async function resolve(specifier, context, next) {
  return specifier === "server-only"
    ? next(specifier, { ...context, conditions: [...context.conditions, "react-server"] })
    : next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(serverOnlyHook)}`);

const { register: registerTsx } = await import("tsx/esm/api");
registerTsx({ tsconfig: path.join(root, "tsconfig.json") });

const { runCli } = await import("../lib/cli/main.ts");
const code = await runCli(
  process.argv.slice(2),
  { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
  { handleSignals: true },
);

// Exit as soon as the output is flushed: a finished command must not linger holding
// anything (the database is already closed; stray timers of libraries do not matter).
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write("", resolve))));
process.exit(code);
