// Reading secrets from stdin. Secrets come only from stdin — never from arguments, which
// end up in shell history and `ps` — and nothing read here is ever echoed back, not even
// in an error message.
import { CliError, type CliIO } from "@/lib/cli/command";

/** Plenty for any credential JSON; a runaway pipe is refused rather than buffered. */
const MAX_STDIN_BYTES = 1024 * 1024;

/** Everything on stdin until EOF, as UTF-8. */
export async function readStdin(io: CliIO, maxBytes = MAX_STDIN_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : (chunk as Buffer);
    size += buf.length;
    if (size > maxBytes) throw new CliError(`stdin is larger than ${maxBytes} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Strips one trailing line ending (\n or \r\n), as `echo` and here-strings add one. */
function stripOneNewline(text: string): string {
  return text.replace(/\r?\n$/, "");
}

/**
 * One line from stdin: a hidden prompt on a terminal, otherwise the whole of stdin with its
 * trailing newline stripped — which must then be a single line.
 */
export async function readSecretLine(io: CliIO, prompt: string, what: string): Promise<string> {
  const text =
    io.stdin.isTTY && io.stdin.setRawMode
      ? await promptHidden(io, prompt)
      : stripOneNewline(await readStdin(io, 64 * 1024));
  if (text === "") throw new CliError(`no ${what} on stdin`);
  if (/[\r\n]/.test(text)) throw new CliError(`the ${what} on stdin must be a single line`);
  return text;
}

/** Reads a line from a terminal without echoing it. Ctrl-C aborts, Ctrl-D ends. */
function promptHidden(io: CliIO, prompt: string): Promise<string> {
  const stdin = io.stdin;
  io.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = "";
    const done = (error?: Error) => {
      stdin.setRawMode!(false);
      stdin.removeListener("data", onData);
      stdin.pause();
      io.stderr.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === "string" ? chunk : chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return done();
        if (ch === "\u0003") return done(new CliError("cancelled", 130));
        if (ch === "\u007f" || ch === "\b") value = [...value].slice(0, -1).join("");
        else if (ch >= " ") value += ch;
      }
    };
    stdin.setRawMode!(true);
    stdin.on("data", onData);
    stdin.resume();
  });
}

/**
 * A JSON object from stdin. Parse errors are reported without the parser's message,
 * because V8 quotes the offending input in it.
 */
export async function readJsonObject(io: CliIO, what: string): Promise<Record<string, unknown>> {
  if (io.stdin.isTTY) io.stderr.write(`Paste the ${what} as JSON, then press Ctrl-D:\n`);
  const text = (await readStdin(io)).trim();
  if (text === "") throw new CliError(`no ${what} on stdin (expected a JSON object)`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError(`the ${what} on stdin is not valid JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new CliError(`the ${what} on stdin must be a JSON object`);
  return value as Record<string, unknown>;
}
