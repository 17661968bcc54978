// The `okoro` command line (docs/cli.md#command-line): finds the command in lib/cli/registry.ts, parses its
// options with node:util parseArgs, runs it and turns failures into one line on stderr
// with a non-zero exit code. Expected failures never print a stack trace, and no error
// message is built from what a command read on stdin.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { DbHandle } from "@/db/client";
import {
  CliError,
  UsageError,
  type CliIO,
  type CommandContext,
  type CommandSpec,
  type OptionSpecs,
} from "@/lib/cli/command";
import { COMMANDS, type CommandEntry } from "@/lib/cli/registry";
import type { ConfigError, Env } from "@/lib/env";
import { OkoroError } from "@/lib/errors";

const COMMON_OPTIONS = {
  json: { type: "boolean", description: "Print JSON instead of text" },
  help: { type: "boolean", short: "h", description: "Show this help" },
} as const satisfies OptionSpecs;

export type RunOptions = {
  /** close the database before exiting on Ctrl-C / SIGTERM (the real binary does) */
  handleSignals?: boolean;
};

/** Runs one command line (without `node okoro`); resolves with the exit code. */
export async function runCli(argv: string[], io: CliIO, options: RunOptions = {}): Promise<number> {
  try {
    return await dispatch(argv, io, options);
  } catch (e) {
    const { message, exitCode } = describeError(e);
    io.stderr.write(`okoro: ${message}\n`);
    return exitCode;
  }
}

async function dispatch(argv: string[], io: CliIO, options: RunOptions): Promise<number> {
  // the command's words come first; `--json` may also be given before them
  const words: string[] = [];
  const wordAt: number[] = [];
  for (const [i, token] of argv.entries()) {
    if (token === "--json") continue;
    if (token.startsWith("-")) break;
    words.push(token);
    wordAt.push(i);
  }
  const wantsHelp = argv.includes("--help") || argv.includes("-h");

  if (words.length === 0) {
    if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    if (wantsHelp || argv.length === 0) {
      io.stdout.write(globalHelp());
      return argv.length === 0 ? 2 : 0;
    }
    const option = argv.find((a) => a !== "--json");
    // the name only: `--password=…` must not come back on the screen
    throw new UsageError(`${option ? `unknown option ${option.split("=")[0]}` : "missing command"} (see okoro --help)`);
  }
  if (words[0] === "help") return dispatch([...words.slice(1), "--help"], io, options);

  const entry = findCommand(words);
  if (!entry) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${words[0]} `));
    if (group.length > 0 && (words.length === 1 || wantsHelp)) {
      io[wantsHelp ? "stdout" : "stderr"].write(groupHelp(words[0], group));
      return wantsHelp ? 0 : 2;
    }
    const tried = group.length > 0 ? words.slice(0, 2).join(" ") : words[0];
    throw new UsageError(`unknown command "${tried}" (see okoro --help)`);
  }

  const { command } = await entry.load();
  const nameWords = new Set(wordAt.slice(0, entry.name.split(" ").length));
  const rest = argv.filter((_, i) => !nameWords.has(i));
  if (wantsHelp) {
    io.stdout.write(commandHelp(entry, command));
    return 0;
  }
  const { values, args } = parseCommandLine(entry, command, rest);
  return runCommand(entry, command, values, args, io, options);
}

function findCommand(words: string[]): CommandEntry | undefined {
  for (let n = words.length; n > 0; n--) {
    const name = words.slice(0, n).join(" ");
    const entry = COMMANDS.find((c) => c.name === name);
    if (entry) return entry;
  }
  return undefined;
}

function parseCommandLine(entry: CommandEntry, command: CommandSpec, argv: string[]) {
  const specs: OptionSpecs = { ...command.options, ...COMMON_OPTIONS };
  const config = Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [
      name,
      { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: config, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${parseArgsProblem(e)} (see okoro ${entry.name} --help)`);
  }
  const values: Record<string, unknown> = { ...parsed.values };
  for (const [name, s] of Object.entries(specs)) {
    if (s.type === "boolean") values[name] ??= false;
    else if (s.multiple) values[name] ??= [];
    else if (s.required && (values[name] === undefined || values[name] === "")) {
      throw new UsageError(`missing --${name} (see okoro ${entry.name} --help)`);
    }
  }
  const expected = command.args ?? [];
  const args = parsed.positionals;
  const missing = expected.find((a, i) => a.required && args[i] === undefined);
  if (missing) throw new UsageError(`missing ${missing.name} (see okoro ${entry.name} --help)`);
  if (args.length > expected.length) {
    // never quote the argument: it may be a secret pasted in the wrong place
    throw new UsageError(`too many arguments for "okoro ${entry.name}" (see okoro ${entry.name} --help)`);
  }
  return { values, args };
}

/** parseArgs' messages quote the whole token, which could be `--password=…`: name only the option. */
function parseArgsProblem(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const option = /'(-{1,2}[A-Za-z0-9][\w-]*)/.exec(err.message ?? "")?.[1];
  switch (err.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return option ? `unknown option ${option}` : "unknown option";
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return option
        ? `option ${option} ${/argument missing/.test(err.message ?? "") ? "needs a value" : "does not take a value"}`
        : "invalid option value";
    default:
      return "invalid command line";
  }
}

async function runCommand(
  entry: CommandEntry,
  command: CommandSpec,
  values: Record<string, unknown>,
  args: string[],
  io: CliIO,
  options: RunOptions,
): Promise<number> {
  const json = values.json === true;
  // loaded here, not at the top, so `--help` does not pay for drizzle and zod
  const [{ openDatabase }, { setDbHandle }, { getEnv }] = await Promise.all([
    import("@/db/client"),
    import("@/lib/serve/database"),
    import("@/lib/env"),
  ]);
  let opened: Promise<DbHandle> | undefined;
  let closed = false;
  const close = async () => {
    if (!opened || closed) return;
    closed = true;
    setDbHandle(undefined);
    const handle = await opened.catch(() => undefined);
    await handle?.close();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void close().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  if (options.handleSignals) {
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  }

  const ctx: CommandContext<OptionSpecs> = {
    name: entry.name,
    values: values as CommandContext<OptionSpecs>["values"],
    args,
    json,
    io,
    env: (): Env => getEnv(),
    database: (opts = {}) => {
      opened ??= (async () => {
        const env = getEnv();
        const handle = await openDatabase({
          driver: env.dbDriver,
          // `okoro migrate` runs as the tables' owner when the app's role is a runtime role
          url: opts.owner ? (env.databaseOwnerUrl ?? env.databaseUrl) : env.databaseUrl,
          pgliteDir: env.pgliteDir,
          neonWsProxy: env.neonWsProxy,
          // the embedded database migrates itself on open, as in the app
          migrate: opts.migrate ?? env.dbDriver === "pglite",
          max: 2,
          // a one-shot command: a server starting meanwhile waits for it rather than lean on it
          embeddedKind: "command",
          // a command (a rewrap, a verification of a long chain) may run long queries while a person watches
          queryTimeoutMs: 0,
        });
        // library code that calls getDb() uses this same handle
        setDbHandle(handle);
        return handle;
      })();
      return opened;
    },
    db: async () => (await ctx.database()).db,
    output: (value, text) => {
      if (json) io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else {
        const t = typeof text === "function" ? text() : text;
        if (t) io.stdout.write(t.endsWith("\n") ? t : `${t}\n`);
      }
    },
    note: (line) => io.stderr.write(`${line}\n`),
  };

  try {
    const code = await command.run(ctx);
    return typeof code === "number" ? code : 0;
  } finally {
    await close();
    if (options.handleSignals) {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Errors

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** One line for stderr and an exit code. Built from error types, never from input. */
export function describeError(e: unknown): { message: string; exitCode: number } {
  if (e instanceof CliError) return { message: e.message, exitCode: e.exitCode };
  if (isConfigError(e)) return { message: `configuration: ${e.problems.join("; ")}`, exitCode: 1 };
  if (e instanceof OkoroError) return { message: e.message, exitCode: 1 };
  if (isZodError(e)) {
    const issue = e.issues[0];
    return {
      message: `${issue?.path.length ? `${issue.path.join(".")}: ` : ""}${issue?.message ?? "invalid input"}`,
      exitCode: 1,
    };
  }
  // drizzle wraps driver errors in one whose message holds the SQL and its parameters:
  // look through it for the driver's own error
  const chain: unknown[] = [];
  for (let cur: unknown = e; cur && chain.length < 5; cur = (cur as { cause?: unknown }).cause) chain.push(cur);
  const driver = chain.find(
    (c): c is { code: string; message: string } => typeof (c as { code?: unknown }).code === "string",
  );
  if (driver && SQLSTATE.test(driver.code))
    return { message: databaseProblem(driver.code, driver.message), exitCode: 1 };
  if (
    driver &&
    /^E[A-Z]+$/.test(driver.code) &&
    ["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH"].includes(driver.code)
  ) {
    return { message: `cannot reach the database (${firstLine(driver.message)})`, exitCode: 1 };
  }
  const last = chain[chain.length - 1] as { message?: unknown } | undefined;
  const message = typeof last?.message === "string" ? firstLine(last.message) : String(e);
  return { message: `unexpected error: ${message}`, exitCode: 1 };
}

function databaseProblem(code: string, message: string): string {
  switch (code) {
    case "42P01":
      return "the database has no okoro tables yet — run `okoro migrate` first";
    case "3D000":
      return `the database does not exist (${firstLine(message)})`;
    case "28P01":
    case "28000":
      return `the database refused the credentials in DATABASE_URL (${firstLine(message)})`;
    default:
      return `database error: ${firstLine(message)}`;
  }
}

function firstLine(text: string): string {
  return text.split("\n")[0].trim();
}

// by shape, so reporting an error never needs lib/env (and zod) loaded
function isConfigError(e: unknown): e is ConfigError {
  return e instanceof Error && e.name === "ConfigError" && Array.isArray((e as { problems?: unknown }).problems);
}

function isZodError(e: unknown): e is { issues: { path: PropertyKey[]; message: string }[] } {
  return (
    typeof e === "object" &&
    e !== null &&
    (e as { name?: string }).name === "ZodError" &&
    Array.isArray((e as { issues?: unknown }).issues)
  );
}

// ---------------------------------------------------------------------------------------
// Help

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

function listing(entries: readonly CommandEntry[]): string {
  const width = Math.max(...entries.map((c) => c.name.length));
  return entries.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
}

export function globalHelp(): string {
  return `okoro — a credential proxy for AI agents

Usage: okoro <command> [options]

Commands:
${listing(COMMANDS)}

Every command takes --json (machine-readable output) and --help.
Secrets (passwords, credentials) are read from stdin, never from arguments.
The database is the app's: DATABASE_URL, or the embedded one in .data/pglite
(shared safely while \`npm run dev\` runs).
`;
}

function groupHelp(group: string, entries: readonly CommandEntry[]): string {
  return `Usage: okoro ${group} <command> [options]

Commands:
${listing(entries)}

Run okoro ${group} <command> --help for its options.
`;
}

function optionUsage(name: string, s: OptionSpecs[string]): string {
  const flag = s.type === "boolean" ? `--${name}` : `--${name} ${s.value ?? "VALUE"}`;
  const shown = s.multiple ? `${flag} …` : flag;
  return s.required ? shown : `[${shown}]`;
}

export function commandHelp(entry: CommandEntry, command: CommandSpec): string {
  const specs: OptionSpecs = { ...command.options, ...COMMON_OPTIONS };
  const usage = [
    `okoro ${entry.name}`,
    ...(command.args ?? []).map((a) => (a.required ? a.name : `[${a.name}]`)),
    ...Object.entries(command.options).map(([name, s]) => optionUsage(name, s)),
    "[--json]",
  ].join(" ");
  const rows: [string, string][] = [
    ...(command.args ?? []).map((a): [string, string] => [a.name, a.description]),
    ...Object.entries(specs).map(([name, s]): [string, string] => [
      `${s.short ? `-${s.short}, ` : ""}--${name}${s.type === "string" ? ` ${s.value ?? "VALUE"}` : ""}`,
      `${s.description}${s.multiple ? " (repeatable)" : ""}`,
    ]),
  ];
  const width = Math.max(...rows.map(([l]) => l.length));
  const parts = [
    `Usage: ${usage}`,
    command.description.trim(),
    `Options:\n${rows.map(([l, d]) => `  ${l.padEnd(width)}  ${d}`).join("\n")}`,
  ];
  if (command.examples?.length) parts.push(`Examples:\n${command.examples.map((x) => `  ${x}`).join("\n")}`);
  return `${parts.join("\n\n")}\n`;
}
