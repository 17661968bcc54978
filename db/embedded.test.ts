// Who owns the embedded database: a server that starts while a CLI command holds it waits
// for the command and owns the database after it (instead of becoming a client that loses
// the database when the command exits); next to another server it is a client at once.
// And the owner's socket, which speaks SQL without a password, is private to its user.
import { spawn, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { claimEmbedded, claimEmbeddedForServer, serveEmbedded } from "@/db/embedded";

const dirs: string[] = [];
const children: ChildProcess[] = [];

function scratch(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "okoro-claim-"));
  dirs.push(dir);
  return path.join(dir, "pglite");
}

/** A live process to stand for another owner, and a lock file naming it. */
function otherOwner(pgliteDir: string, kind: "server" | "command" | undefined): ChildProcess {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
  children.push(child);
  writeFileSync(
    `${pgliteDir}.lock`,
    JSON.stringify({ pid: child.pid, socketDir: path.dirname(pgliteDir), ...(kind ? { kind } : {}) }),
  );
  return child;
}

const lock = (pgliteDir: string) =>
  JSON.parse(readFileSync(`${pgliteDir}.lock`, "utf8")) as { pid: number; kind?: string };

afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("claiming the embedded database", () => {
  it("a server waits for a CLI command that owns it, then owns it", async () => {
    const dir = scratch();
    const command = otherOwner(dir, "command");
    const started = Date.now();
    const claim = claimEmbeddedForServer(dir, { maxWaitMs: 10_000, pollMs: 20 });
    setTimeout(() => command.kill("SIGKILL"), 300);
    const target = await claim;
    expect(target.role).toBe("owner");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(lock(dir)).toEqual(expect.objectContaining({ pid: process.pid, kind: "server" }));
    if (target.role === "owner") target.release();
  });

  it("a server next to another server is its client straight away", async () => {
    const dir = scratch();
    const server = otherOwner(dir, "server");
    const started = Date.now();
    const target = await claimEmbeddedForServer(dir, { maxWaitMs: 10_000, pollMs: 20 });
    expect(target).toEqual({ role: "client", socketDir: path.dirname(dir), ownerKind: "server" });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(lock(dir).pid).toBe(server.pid);
  });

  it("a lock from before kinds existed counts as a server's", async () => {
    const dir = scratch();
    otherOwner(dir, undefined);
    expect(await claimEmbeddedForServer(dir, { maxWaitMs: 10_000 })).toMatchObject({
      role: "client",
      ownerKind: "server",
    });
  });

  it("a CLI command never waits: it is the client of whoever owns the database", () => {
    const dir = scratch();
    otherOwner(dir, "command");
    expect(claimEmbedded(dir, "command")).toMatchObject({ role: "client", ownerKind: "command" });
  });

  it("a server gives up waiting after maxWaitMs and goes through the command's socket", async () => {
    const dir = scratch();
    otherOwner(dir, "command");
    expect(await claimEmbeddedForServer(dir, { maxWaitMs: 150, pollMs: 20 })).toMatchObject({
      role: "client",
      ownerKind: "command",
    });
  });

  it("a stale lock (its owner died) is taken over, with this process's kind", () => {
    const dir = scratch();
    const gone = otherOwner(dir, "server");
    gone.kill("SIGKILL");
    return new Promise<void>((resolve) => {
      gone.once("exit", () => {
        const target = claimEmbedded(dir, "command");
        expect(target.role).toBe("owner");
        expect(lock(dir)).toEqual(expect.objectContaining({ pid: process.pid, kind: "command" }));
        if (target.role === "owner") target.release();
        resolve();
      });
    });
  });
});

describe("the embedded database's socket", () => {
  const mode = (p: string) => statSync(p).mode & 0o777;

  /** Runs `fn` with a permissive umask, so nothing private can be private by accident. */
  async function withUmask<T>(umask: number, fn: () => Promise<T>): Promise<T> {
    const before = process.umask(umask);
    try {
      return await fn();
    } finally {
      process.umask(before);
    }
  }

  it("lives in a 0700 directory of its own beside the data, as a 0600 socket, whatever the umask", async () => {
    const dir = scratch();
    const target = claimEmbedded(dir, "server");
    expect(target.role).toBe("owner");
    if (target.role !== "owner") return;
    expect(target.socketDir).toBe(`${dir}.socket`);
    const pglite = await PGlite.create();
    const server = await withUmask(0, () => serveEmbedded(pglite, target.socketDir));
    try {
      expect(mode(target.socketDir)).toBe(0o700);
      expect(mode(path.join(target.socketDir, ".s.PGSQL.5432"))).toBe(0o600);
      // and it still works for its owner
      const client = new pg.Client({ host: target.socketDir, port: 5432, user: "postgres", database: "postgres" });
      await client.connect();
      expect((await client.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
      await client.end();
    } finally {
      await server.close();
      await pglite.close();
      target.release();
    }
  });

  it("a directory that is already there with loose permissions is made 0700; a symlink or a file is refused", async () => {
    const dir = scratch();
    const socketDir = `${dir}.socket`;
    mkdirSync(socketDir, { mode: 0o777 });
    chmodSync(socketDir, 0o777);
    const pglite = await PGlite.create();
    try {
      const server = await serveEmbedded(pglite, socketDir);
      expect(mode(socketDir)).toBe(0o700);
      await server.close();

      const elsewhere = mkdtempSync(path.join(os.tmpdir(), "okoro-elsewhere-"));
      dirs.push(elsewhere);
      const linked = path.join(path.dirname(dir), "linked.socket");
      symlinkSync(elsewhere, linked);
      await expect(serveEmbedded(pglite, linked)).rejects.toThrow(/not a directory/);
      const file = path.join(path.dirname(dir), "file.socket");
      writeFileSync(file, "");
      await expect(serveEmbedded(pglite, file)).rejects.toThrow();
    } finally {
      await pglite.close();
    }
  });

  it("when the path beside the data is too long, a fresh private directory in the temp dir, removed on release", () => {
    const deep = path.join(scratch(), "x".repeat(60), "y".repeat(40), "pglite");
    const first = claimEmbedded(deep, "server");
    if (first.role !== "owner") throw new Error("expected to own it");
    first.release();
    const second = claimEmbedded(deep, "server");
    if (second.role !== "owner") throw new Error("expected to own it");
    try {
      for (const d of [first.socketDir, second.socketDir]) expect(path.dirname(d)).toBe(os.tmpdir());
      // not derived from the data's path: nobody can create it ahead of the owner
      expect(second.socketDir).not.toBe(first.socketDir);
      expect(existsSync(first.socketDir)).toBe(false);
      expect(mode(second.socketDir)).toBe(0o700);
    } finally {
      second.release();
    }
    expect(existsSync(second.socketDir)).toBe(false);
  });
});
