// Who owns the embedded database: a server that starts while a CLI command holds it waits
// for the command and owns the database after it (instead of becoming a client that loses
// the database when the command exits); next to another server it is a client at once.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { claimEmbedded, claimEmbeddedForServer } from "@/db/embedded";

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
  writeFileSync(`${pgliteDir}.lock`, JSON.stringify({ pid: child.pid, socketDir: path.dirname(pgliteDir), ...(kind ? { kind } : {}) }));
  return child;
}

const lock = (pgliteDir: string) => JSON.parse(readFileSync(`${pgliteDir}.lock`, "utf8")) as { pid: number; kind?: string };

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
    expect(await claimEmbeddedForServer(dir, { maxWaitMs: 10_000 })).toMatchObject({ role: "client", ownerKind: "server" });
  });

  it("a CLI command never waits: it is the client of whoever owns the database", () => {
    const dir = scratch();
    otherOwner(dir, "command");
    expect(claimEmbedded(dir, "command")).toMatchObject({ role: "client", ownerKind: "command" });
  });

  it("a server gives up waiting after maxWaitMs and goes through the command's socket", async () => {
    const dir = scratch();
    otherOwner(dir, "command");
    expect(await claimEmbeddedForServer(dir, { maxWaitMs: 150, pollMs: 20 })).toMatchObject({ role: "client", ownerKind: "command" });
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
