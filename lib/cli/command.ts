// What a command of the `okoro` CLI is: its options (parsed with node:util parseArgs),
// its help text and a run function that gets a context. The context opens the database
// only when a command asks for it, and the runner (lib/cli/main.ts) closes it as soon as
// the command returns — the embedded database is exclusive while a CLI holds it.
import type { DbHandle, Database } from "@/db/client";
import type { Env } from "@/lib/env";

export type OptionSpec = {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** the runner refuses to run without it */
  required?: boolean;
  /** placeholder in help, e.g. "E" for `--email E` */
  value?: string;
  description: string;
};

export type OptionSpecs = Record<string, OptionSpec>;

type OptionValue<S extends OptionSpec> = S["type"] extends "boolean"
  ? boolean
  : S["multiple"] extends true
    ? string[]
    : S["required"] extends true
      ? string
      : string | undefined;

export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O]: OptionValue<O[K]> };

export type ArgSpec = { name: string; description: string; required?: boolean };

export type CliIO = {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
};

export type CommandContext<O extends OptionSpecs> = {
  /** e.g. "connection set" */
  name: string;
  values: OptionValues<O>;
  /** positional arguments after the command name */
  args: string[];
  json: boolean;
  io: CliIO;
  env: () => Env;
  /**
   * Opens the configured database (once; later calls return the same handle). The
   * embedded one is migrated on open, like the app does; servers only by `okoro migrate`.
   * Read stdin before calling this: an embedded database is held exclusively while open.
   */
  database: (options?: { migrate?: boolean; owner?: boolean }) => Promise<DbHandle>;
  db: () => Promise<Database>;
  /** `--json` prints `value`; otherwise the text (a function is only called when needed). */
  output: (value: unknown, text: string | (() => string)) => void;
  /** a line to stderr: progress and notes that must not pollute --json output */
  note: (line: string) => void;
};

export type CommandSpec<O extends OptionSpecs = OptionSpecs> = {
  /** paragraph(s) under the usage line */
  description: string;
  options: O;
  args?: ArgSpec[];
  examples?: string[];
  /** exit code (default 0). A method, so any command is a CommandSpec<OptionSpecs> to the runner. */
  run(ctx: CommandContext<O>): Promise<number | void>;
};

/** Identity, for type inference of `values` from `options`. */
export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

/**
 * An expected failure: printed as one line (`okoro: message`) without a stack trace.
 * The message must never contain a secret. Exit code 2 means the command line was wrong.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = "UsageError";
  }
}
