// The runner in-process: dispatch, help, argument errors and error reporting. The real
// binary against real databases is exercised in cli.test.ts.
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CliError, type CliIO } from "@/lib/cli/command";
import { describeError, runCli } from "@/lib/cli/main";
import { COMMANDS } from "@/lib/cli/registry";
import { OkoroError } from "@/lib/errors";

function fakeIO(input = "") {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdin: Readable.from([Buffer.from(input)]),
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
  };
  return { io, stdout: () => out.join(""), stderr: () => err.join("") };
}

async function run(argv: string[]) {
  const f = fakeIO();
  const code = await runCli(argv, f.io);
  return { code, stdout: f.stdout(), stderr: f.stderr() };
}

describe("okoro runner", () => {
  it("lists every registered command in --help", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    for (const c of COMMANDS) expect(stdout).toContain(`  ${c.name}`);
  });

  it("prints usage and exits 2 without a command", async () => {
    const { code, stdout } = await run([]);
    expect(code).toBe(2);
    expect(stdout).toContain("Usage: okoro <command>");
  });

  it("prints its version", async () => {
    const { code, stdout } = await run(["--version"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("shows a group's commands", async () => {
    const { code, stdout } = await run(["connection", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("connection set");
    expect(stdout).toContain("connection delete");
    const bare = await run(["keys"]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("keys rewrap");
  });

  it("has --help for every command, naming its options, --json included", async () => {
    for (const entry of COMMANDS) {
      const { code, stdout, stderr } = await run([...entry.name.split(" "), "--help"]);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: okoro ${entry.name}`);
      expect(stdout).toContain("--json");
      const { command } = await entry.load();
      for (const option of Object.keys(command.options)) expect(stdout).toContain(`--${option}`);
    }
    expect((await run(["help", "user", "create"])).stdout).toContain("Usage: okoro user create --email E");
  });

  it("rejects unknown commands in one line", async () => {
    const { code, stderr } = await run(["frobnicate"]);
    expect(code).toBe(2);
    expect(stderr).toBe('okoro: unknown command "frobnicate" (see okoro --help)\n');
    expect((await run(["connection", "frob"])).stderr).toBe(
      'okoro: unknown command "connection frob" (see okoro --help)\n',
    );
  });

  it("names a missing required option", async () => {
    const { code, stderr } = await run(["connection", "list"]);
    expect(code).toBe(2);
    expect(stderr).toBe("okoro: missing --user (see okoro connection list --help)\n");
  });

  it("never echoes the value of an unknown or misused option", async () => {
    const unknown = await run(["user", "create", "--email", "a@example.com", "--password=hunter2hunter2"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("okoro: unknown option --password (see okoro user create --help)\n");
    const flag = await run(["connection", "list", "--user", "a@example.com", "--json=sk-secret-value"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).not.toContain("sk-secret-value");
    const extra = await run(["connection", "list", "--user", "a@example.com", "sk-pasted-by-mistake"]);
    expect(extra.code).toBe(2);
    expect(extra.stderr).not.toContain("sk-pasted-by-mistake");
  });

  it("takes --json before the command too, and never echoes an unknown global option's value", async () => {
    const { code, stderr } = await run(["--json", "connection", "list"]);
    expect(code).toBe(2);
    expect(stderr).toBe("okoro: missing --user (see okoro connection list --help)\n");
    const unknown = await run(["--token=svc_secret"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("okoro: unknown option --token (see okoro --help)\n");
  });

  it("refuses a malformed e-mail before touching anything", async () => {
    const { code, stderr } = await run(["user", "create", "--email", "not-an-email"]);
    expect(code).toBe(2);
    expect(stderr).toBe('okoro: "not-an-email" is not an e-mail address\n');
  });
});

describe("describeError", () => {
  it("reports expected errors as their message", () => {
    expect(describeError(new CliError("no such user"))).toEqual({ message: "no such user", exitCode: 1 });
    expect(describeError(new OkoroError("conflict", "taken"))).toEqual({ message: "taken", exitCode: 1 });
  });

  it("reports a driver error without the query or its parameters", () => {
    const driver = Object.assign(new Error('relation "users" does not exist'), { code: "42P01" });
    const wrapped = new Error(`Failed query: insert into "users" values ($1)\nparams: $argon2id$secret-hash`, {
      cause: driver,
    });
    const { message, exitCode } = describeError(wrapped);
    expect(exitCode).toBe(1);
    expect(message).toContain("okoro migrate");
    expect(message).not.toContain("argon2id");
    const other = describeError(
      new Error("Failed query: select $1\nparams: sk-secret", {
        cause: Object.assign(new Error("deadlock detected"), { code: "40P01" }),
      }),
    );
    expect(other.message).toBe("database error: deadlock detected");
  });

  it("explains an unreachable database", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5999"), { code: "ECONNREFUSED" });
    expect(describeError(refused).message).toBe("cannot reach the database (connect ECONNREFUSED 127.0.0.1:5999)");
  });

  it("keeps configuration problems on one line", () => {
    const config = Object.assign(new Error("okoro cannot start —\n  - a\n  - b"), {
      name: "ConfigError",
      problems: ["a", "b"],
    });
    expect(describeError(config).message).toBe("configuration: a; b");
  });
});
