// Sharing the embedded database between processes.
//
// PGlite is a single-process database, yet `npx okoro …` must work while `npm run dev` is
// running. The first process to open .data/pglite owns it: it writes .data/pglite.lock
// (its pid and a Unix socket path) and serves the PostgreSQL wire protocol on that socket.
// Any other process that finds a live owner connects through the socket with `pg`
// instead of opening the files itself (which would corrupt them).
//
// PGlite has one session, so a socket connection holds the database exclusively for as
// long as it is open: the owner's own queries wait meanwhile. Socket clients therefore use
// one connection and close it promptly (the CLI for the length of one command).
//
// An owner is a long-running server (the app, serve-proxy) or a one-shot command (the CLI).
// A server that finds a command owning the database waits for it to finish and then owns
// it: were it to become the command's client instead, it would lose the database the
// moment the command exits.
//
// The socket speaks SQL without a password, so only its owner may reach it: it lives in a
// directory of its own that is 0700 (checked and set explicitly, whatever the umask), the
// socket itself is 0600, and when the path beside the data is too long for a Unix socket
// the directory is a fresh mkdtemp one, never a name another user could guess and create first.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";

/** "server": stays up (the app, serve-proxy); "command": one CLI command, then exits */
export type EmbeddedKind = "server" | "command";

type Lock = { pid: number; socketDir: string; kind?: EmbeddedKind };

const SOCKET_PORT = 5432;

function lockPath(pgliteDir: string) {
  return `${pgliteDir}.lock`;
}

const SOCKET_NAME = `.s.PGSQL.${SOCKET_PORT}`;

/**
 * Directory for the socket: `<data>.socket` beside the data when the path is short enough
 * for a Unix socket (about 100 bytes), otherwise a private directory made by mkdtemp,
 * which the caller removes when it lets go of the database (`temporary`).
 */
export function socketDirFor(pgliteDir: string): { dir: string; temporary: boolean } {
  const beside = `${pgliteDir}.socket`;
  if (Buffer.byteLength(path.join(beside, SOCKET_NAME)) < 100) return { dir: beside, temporary: false };
  return { dir: mkdtempSync(path.join(os.tmpdir(), "okoro-socket-")), temporary: true };
}

/**
 * Makes `dir` a directory only this user can enter: created 0700 when missing; when present
 * it must be a real directory (not a symlink) owned by this user, and is set to 0700.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) throw new Error(`the embedded database's socket directory ${dir} is not a directory`);
  if (typeof process.getuid === "function" && stat.uid !== process.getuid()) {
    throw new Error(`the embedded database's socket directory ${dir} belongs to another user`);
  }
  if ((stat.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readLock(file: string): Lock | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Lock;
  } catch {
    return undefined;
  }
}

export type EmbeddedTarget =
  | { role: "owner"; release: () => void; socketDir: string }
  | { role: "client"; socketDir: string; ownerKind: EmbeddedKind };

/**
 * Decides whether this process owns the embedded database or must go through the owner's
 * socket. Creating the lock file with O_EXCL makes the decision race-free.
 */
export function claimEmbedded(pgliteDir: string, kind: EmbeddedKind = "server"): EmbeddedTarget {
  const file = lockPath(pgliteDir);
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = readLock(file);
    if (existing && existing.pid !== process.pid && alive(existing.pid))
      return { role: "client", socketDir: existing.socketDir, ownerKind: existing.kind ?? "server" };
    if (existing) rmSync(file, { force: true }); // stale: its owner died
    const { dir: socketDir, temporary } = socketDirFor(pgliteDir);
    const dropTemporary = () => {
      if (temporary) rmSync(socketDir, { recursive: true, force: true });
    };
    try {
      writeFileSync(file, JSON.stringify({ pid: process.pid, socketDir, kind } satisfies Lock), { flag: "wx" });
    } catch (e) {
      dropTemporary();
      if ((e as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw e;
    }
    const release = () => {
      const current = readLock(file);
      if (current?.pid === process.pid) rmSync(file, { force: true });
      dropTemporary();
    };
    process.once("exit", release);
    return { role: "owner", release, socketDir };
  }
  throw new Error(`cannot claim the embedded database at ${pgliteDir}`);
}

/**
 * claimEmbedded for a server: while a CLI command owns the database, wait (up to
 * `maxWaitMs`) for it to finish and own the database then. Another server's database is
 * shared through its socket straight away, as before.
 */
export async function claimEmbeddedForServer(
  pgliteDir: string,
  options: { maxWaitMs?: number; pollMs?: number } = {},
): Promise<EmbeddedTarget> {
  const deadline = Date.now() + (options.maxWaitMs ?? 60_000);
  let target = claimEmbedded(pgliteDir, "server");
  while (target.role === "client" && target.ownerKind === "command" && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
    target = claimEmbedded(pgliteDir, "server");
  }
  return target;
}

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

/**
 * Serves PGlite over the PostgreSQL wire protocol on a Unix socket. Messages are framed
 * here (a TCP chunk may hold part of one or several), SSL is declined, and each connection
 * runs inside PGlite's exclusive lock until it closes, so two sessions never interleave.
 */
export async function serveEmbedded(pglite: PGlite, socketDir: string): Promise<{ close: () => Promise<void> }> {
  ensurePrivateDir(socketDir);
  const socketPath = path.join(socketDir, SOCKET_NAME);
  if (existsSync(socketPath)) unlinkSync(socketPath);

  const server = net.createServer((socket) => {
    let buffer = Buffer.alloc(0);
    let release: (() => void) | undefined;
    let queue = Promise.resolve();
    // Both of PGlite's locks: the transaction lock keeps this session out of an owner's
    // open transaction, the query lock keeps the owner's statements out of this session.
    const exclusive = pglite as unknown as { _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T> };
    const held = new Promise<void>((acquired) => {
      void exclusive._runExclusiveTransaction(() =>
        pglite.runExclusive(
          () =>
            new Promise<void>((done) => {
              release = done;
              acquired();
            }),
        ),
      );
    });
    const finish = async () => {
      await queue.catch(() => {});
      if (release) {
        // a client that vanished mid-transaction must not leave it open for the owner
        try {
          if (pglite.isInTransaction())
            await pglite.execProtocolRaw(new Uint8Array(Buffer.from("Q\0\0\0\x0dROLLBACK\0", "latin1")));
        } catch {
          /* nothing more to do */
        }
        release();
        release = undefined;
      }
    };
    socket.on("close", () => void finish());
    socket.on("error", () => socket.destroy());
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const messages: Buffer[] = [];
      for (;;) {
        if (buffer.length >= 8) {
          const len = buffer.readInt32BE(0);
          const code = buffer.readInt32BE(4);
          if (len === 8 && code === SSL_REQUEST) {
            socket.write("N");
            buffer = buffer.subarray(8);
            continue;
          }
          if (len === 16 && code === CANCEL_REQUEST) {
            buffer = buffer.subarray(16);
            continue;
          }
          if (code === PROTOCOL_3) {
            if (buffer.length < len) break;
            messages.push(buffer.subarray(0, len));
            buffer = buffer.subarray(len);
            continue;
          }
        }
        if (buffer.length < 5) break;
        const len = 1 + buffer.readInt32BE(1);
        if (buffer.length < len) break;
        messages.push(buffer.subarray(0, len));
        buffer = buffer.subarray(len);
      }
      for (const message of messages) {
        queue = queue.then(async () => {
          await held;
          if (socket.destroyed) return;
          const reply = await pglite.execProtocolRaw(new Uint8Array(message), { syncToFs: false });
          if (reply.length > 0 && socket.writable) socket.write(reply);
        });
      }
      queue = queue.catch((e) => {
        console.error("[okoro] embedded database socket:", e);
        socket.destroy();
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  // the directory already keeps others out; the socket's own mode says so too, not the umask
  chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        try {
          unlinkSync(socketPath);
        } catch {
          /* already gone */
        }
      }),
  };
}
