// The bench's child processes: started in their own process groups with their output in
// log files, watched for readiness and for dying early, and always stopped — by the
// harness on every way out, and by a tiny watchdog process should the harness itself be
// killed (SIGKILL leaves no chance to clean up). Also the /proc readings for memory.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, readFileSync, writeFileSync, type WriteStream } from "node:fs";
import net from "node:net";
import path from "node:path";

export type Child = {
  name: string;
  pid: number;
  process: ChildProcess;
  logFile: string;
  /** the last lines of its output, for error messages */
  tail: () => string;
  /** resolves with each stdout line until `match` returns a value */
  waitForLine: <T>(match: (line: string) => T | undefined, timeoutMs: number) => Promise<T>;
  exited: Promise<number | null>;
};

const WATCHDOG = `
const parent = Number(process.argv[1]);
const groups = new Set();
let buffer = "", reaping = false;
const reap = () => {
  if (reaping) return;
  reaping = true;
  for (const g of groups) { try { process.kill(-g, "SIGTERM"); } catch {} }
  setTimeout(() => {
    for (const g of groups) { try { process.kill(-g, "SIGKILL"); } catch {} }
    process.exit(0);
  }, 3000);
};
process.stdin.on("data", (d) => {
  buffer += d;
  let i;
  while ((i = buffer.indexOf("\\n")) >= 0) {
    const line = buffer.slice(0, i);
    buffer = buffer.slice(i + 1);
    if (line === "done") process.exit(0);
    if (Number(line) > 0) groups.add(Number(line));
  }
});
process.stdin.on("end", reap);
setInterval(() => { try { process.kill(parent, 0); } catch { reap(); } }, 1000);
`;

export class Processes {
  private readonly children: Child[] = [];
  private watchdog: ChildProcess | undefined;
  private stopping = false;
  private crash: ((error: Error) => void) | undefined;
  /** rejects when a child exits before the harness stops it */
  readonly crashed: Promise<never>;

  constructor(private readonly logDir: string) {
    this.crashed = new Promise<never>((_, reject) => {
      this.crash = reject;
    });
    this.crashed.catch(() => {});
  }

  start(
    name: string,
    command: string,
    args: string[],
    options: { env: NodeJS.ProcessEnv; cwd: string; stdin?: string },
  ): Child {
    this.ensureWatchdog();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
    const pid = child.pid;
    this.watchdog?.stdin?.write(`${pid}\n`);
    const logFile = path.join(this.logDir, `${name}.log`);
    const log: WriteStream = createWriteStream(logFile);
    const lines: string[] = [];
    const listeners = new Set<(line: string) => void>();
    let partial = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      log.write(chunk);
      partial += chunk.toString("utf8");
      let i: number;
      while ((i = partial.indexOf("\n")) >= 0) {
        const line = partial.slice(0, i);
        partial = partial.slice(i + 1);
        lines.push(line);
        if (lines.length > 40) lines.shift();
        for (const listener of listeners) listener(line);
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      log.write(chunk);
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        lines.push(line);
        if (lines.length > 40) lines.shift();
      }
    });
    if (options.stdin !== undefined) child.stdin!.end(options.stdin);
    // otherwise stdin stays open: our helpers exit when it closes (see bench/child.ts)
    child.stdin!.on("error", () => {});

    const exited = new Promise<number | null>((resolve) => {
      child.once("exit", (code, signal) => {
        log.end();
        if (!this.stopping && !entry.expectedExit) {
          this.crash?.(
            new Error(
              `${name} exited unexpectedly (${signal ?? `code ${code}`}); its log: ${logFile}\n${entry.tail()}`,
            ),
          );
        }
        resolve(code);
      });
    });
    const entry: Child & { expectedExit?: boolean } = {
      name,
      pid,
      process: child,
      logFile,
      tail: () => lines.map((l) => `  | ${l}`).join("\n"),
      exited,
      waitForLine: <T>(match: (line: string) => T | undefined, timeoutMs: number) =>
        new Promise<T>((resolve, reject) => {
          const timer = setTimeout(() => {
            listeners.delete(listener);
            reject(
              new Error(`${name} was not ready within ${timeoutMs / 1000} s; its log: ${logFile}\n${entry.tail()}`),
            );
          }, timeoutMs);
          const listener = (line: string) => {
            const value = match(line);
            if (value === undefined) return;
            clearTimeout(timer);
            listeners.delete(listener);
            resolve(value);
          };
          listeners.add(listener);
          for (const line of lines) listener(line);
        }),
    };
    this.children.push(entry);
    return entry;
  }

  /** Runs a command to completion (its exit is expected); rejects with its output on failure. */
  async run(
    name: string,
    command: string,
    args: string[],
    options: { env: NodeJS.ProcessEnv; cwd: string; stdin?: string; timeoutMs: number },
  ): Promise<string> {
    const child = this.start(name, command, args, { ...options, stdin: options.stdin ?? "" }) as Child & {
      expectedExit?: boolean;
    };
    child.expectedExit = true;
    let stdout = "";
    child.process.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    const timer = setTimeout(() => this.kill(child), options.timeoutMs);
    const code = await child.exited;
    clearTimeout(timer);
    this.children.splice(this.children.indexOf(child), 1);
    if (code !== 0) throw new Error(`${name} failed (exit ${code}); its log: ${child.logFile}\n${child.tail()}`);
    return stdout;
  }

  /** Stops one child and its process group: SIGTERM, then SIGKILL after `graceMs`. */
  async kill(child: Child, graceMs = 5_000): Promise<void> {
    (child as Child & { expectedExit?: boolean }).expectedExit = true;
    if (child.process.exitCode !== null || child.process.signalCode !== null) return;
    signalGroup(child.pid, "SIGTERM");
    const timer = setTimeout(() => signalGroup(child.pid, "SIGKILL"), graceMs);
    await child.exited;
    clearTimeout(timer);
    // whatever it started in its group (next build's workers) goes too
    signalGroup(child.pid, "SIGKILL");
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.children].reverse().map((c) => this.kill(c)));
    if (this.watchdog) {
      this.watchdog.stdin?.end("done\n");
      this.watchdog = undefined;
    }
  }

  /** Last resort on process exit, where nothing can be awaited: SIGKILL every group. */
  killAllNow(): void {
    for (const child of this.children) signalGroup(child.pid, "SIGKILL");
  }

  private ensureWatchdog(): void {
    if (this.watchdog) return;
    this.watchdog = spawn(process.execPath, ["-e", WATCHDOG, String(process.pid)], {
      stdio: ["pipe", "ignore", "ignore"],
      detached: true,
    });
    this.watchdog.unref();
    this.watchdog.stdin?.on("error", () => {});
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** A port nobody listens on right now (the OS picks it; 3000/3100/320x are never handed out). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200, or fails after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, child: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(
        `${child.name} did not answer ${url} within ${timeoutMs / 1000} s; its log: ${child.logFile}\n${child.tail()}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Resident memory of a process in bytes: now and the peak since the last resetPeak (Linux). */
export function memoryOf(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb("VmRSS"), peak: kb("VmHWM") };
  } catch {
    return null;
  }
}

/** Resets the kernel's peak-RSS mark (VmHWM) of a process we own; false when not possible. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}
