// Test helpers for the CLI suites: run the real bin/okoro.mjs as a child process with a
// clean environment, and make throwaway databases for it. Not imported by the CLI itself.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const BIN = path.join(ROOT, "bin", "okoro.mjs");

export type OkoroRun = { code: number | null; stdout: string; stderr: string };

export function masterKey(kid: string): string {
  return `${kid}:${randomBytes(32).toString("base64")}`;
}

/**
 * Runs `okoro …args` with only the variables given (plus PATH/HOME), so nothing from the
 * developer's environment — or vitest's NODE_ENV=test — leaks into what is tested.
 */
export function runOkoro(
  args: string[],
  options: { env: Record<string, string>; input?: string; cwd?: string; timeoutMs?: number },
): Promise<OkoroRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? "/tmp",
        TMPDIR: process.env.TMPDIR ?? "/tmp",
        // what a developer's shell has: no NODE_ENV, i.e. development (vitest's "test" would change which .env files load)
        NODE_ENV: "development",
        ...options.env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
    child.stdin.on("error", () => {}); // the command may exit before reading stdin
    child.stdin.end(options.input ?? "");
  });
}

/** A fresh, empty database on the TEST_DATABASE_URL server, and a dropper. */
export async function freshPostgresDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `okoro_cli_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
