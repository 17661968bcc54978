// The CLI while another process owns the embedded database — what happens when you run
// `npx okoro …` next to `npm run dev`: the CLI must go through the owner's socket (never
// open the files itself), its writes must be visible to the owner, and it must let go of
// the exclusive connection when the command ends so the owner can carry on.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { masterKey, ROOT, runOkoro } from "@/lib/cli/testing";

// Stays alive owning the database; answers each line on stdin with the users' e-mails
// and connections' providers, read through its own handle.
const OWNER = `
import readline from "node:readline";
const root = process.env.OKORO_ROOT;
const { openDatabase } = await import(root + "/db/client.ts");
const { users, connections } = await import(root + "/db/schema.ts");
const handle = await openDatabase({ driver: "pglite", pgliteDir: process.env.PGLITE_DIR, migrate: true });
process.stdout.write("ready\\n");
for await (const _ of readline.createInterface({ input: process.stdin })) {
  const emails = (await handle.db.select({ email: users.email }).from(users)).map((r) => r.email).sort();
  const providers = (await handle.db.select({ provider: connections.provider }).from(connections)).map((r) => r.provider).sort();
  process.stdout.write(JSON.stringify({ emails, providers }) + "\\n");
}
await handle.close();
process.exit(0);
`;

describe("okoro CLI next to a process that owns the embedded database", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "okoro-shared-"));
  const pgliteDir = path.join(dir, "pglite");
  const env = {
    DATABASE_URL: `pglite:${pgliteDir}`,
    OKORO_DATA_DIR: path.join(dir, "data"),
    OKORO_MASTER_KEYS: masterKey("k1"),
    AUTH_SECRET: "s".repeat(43),
  };
  const PASSWORD = `shared-${randomBytes(8).toString("hex")}`;
  const API_KEY = `sk-${randomBytes(20).toString("hex")}`;
  let owner: ChildProcessWithoutNullStreams;
  let lines: AsyncIterator<string>;

  async function ask(): Promise<{ emails: string[]; providers: string[] }> {
    owner.stdin.write("?\n");
    const next = await lines.next();
    if (next.done) throw new Error("the owner process has gone");
    return JSON.parse(next.value) as { emails: string[]; providers: string[] };
  }

  beforeAll(async () => {
    const script = path.join(dir, "owner.mjs");
    writeFileSync(script, OWNER);
    owner = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        NODE_ENV: "development",
        OKORO_ROOT: ROOT,
        PGLITE_DIR: pgliteDir,
        ...env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    owner.stderr.on("data", (c: Buffer) => process.stderr.write(`[owner] ${c.toString()}`));
    lines = readline.createInterface({ input: owner.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    expect(first.value).toBe("ready");
  }, 120_000);

  afterAll(async () => {
    if (owner && owner.exitCode === null) {
      const exited = new Promise((resolve) => owner.once("exit", resolve));
      owner.stdin.end(); // lets it close PGlite cleanly
      const timer = setTimeout(() => owner.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  it("creates a user through the owner, and the owner sees it", async () => {
    expect((await ask()).emails).toEqual([]);
    const r = await runOkoro(["user", "create", "--email", "shared@example.com", "--json"], {
      env,
      input: `${PASSWORD}\n`,
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ email: "shared@example.com" });
    expect((await ask()).emails).toEqual(["shared@example.com"]);
  });

  it("runs one command after another and hands the database back each time", async () => {
    const set = await runOkoro(["connection", "set", "--user", "shared@example.com", "--provider", "openai"], {
      env,
      input: JSON.stringify({ api_key: API_KEY }),
    });
    expect(set.code).toBe(0);
    expect((await ask()).providers).toEqual(["openai"]);
    const list = await runOkoro(["connection", "list", "--user", "shared@example.com", "--json"], { env });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((c: { provider: string }) => c.provider)).toEqual(["openai"]);
    const failed = await runOkoro(["user", "create", "--email", "shared@example.com"], { env, input: `${PASSWORD}\n` });
    expect(failed.code).toBe(1);
    // an error mid-command releases the connection too
    expect((await ask()).emails).toEqual(["shared@example.com"]);
    for (const output of [set, list, failed].flatMap((x) => [x.stdout, x.stderr])) {
      expect(output).not.toContain(API_KEY);
      expect(output).not.toContain(PASSWORD);
    }
  });

  it("never takes ownership while the owner lives", () => {
    const lock = JSON.parse(readFileSync(`${pgliteDir}.lock`, "utf8")) as { pid: number };
    expect(lock.pid).toBe(owner.pid);
  });
});
