// A real SMTP server on 127.0.0.1 standing in for a mail provider: it accepts every
// message, keeps it in memory and writes it to `dir` as <time>-<recipient>.eml. The
// vitest suites start it in-process; Playwright runs it as a webServer:
//   node --import tsx test/smtp.ts <port> <dir>
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SMTPServer } from "smtp-server";

export type SunkMessage = { to: string[]; raw: string; file?: string };

export type SmtpSink = { url: string; port: number; messages: SunkMessage[]; close: () => Promise<void> };

export async function startSmtpSink(options: { port?: number; dir?: string } = {}): Promise<SmtpSink> {
  const messages: SunkMessage[] = [];
  if (options.dir) mkdirSync(options.dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const message: SunkMessage = { to, raw };
        if (options.dir) {
          const name = `${Date.now()}-${messages.length.toString().padStart(4, "0")}-${to[0] ?? "nobody"}.eml`;
          message.file = path.join(options.dir, name.replace(/[^A-Za-z0-9@._+-]/g, "_"));
          writeFileSync(message.file, raw);
        }
        messages.push(message);
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The body with quoted-printable soft breaks and escapes undone (enough to find links). */
export function decodeMail(raw: string): string {
  return raw
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

/** The first link in a message whose path starts with `pathPrefix`. */
export function linkIn(raw: string, pathPrefix: string): string | undefined {
  const re = new RegExp(`https?://[^\\s"<>]+${pathPrefix.replace(/[/?]/g, "\\$&")}[^\\s"<>]*`);
  return decodeMail(raw).match(re)?.[0]?.replace(/&amp;/g, "&");
}

/** The newest message in `dir` addressed to `to`, or undefined. */
export function newestMailTo(dir: string, to: string): string | undefined {
  const wanted = to.toLowerCase().replace(/[^A-Za-z0-9@._+-]/g, "_");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(`-${wanted}.eml`))
    .sort();
  const last = files.at(-1);
  return last ? readFileSync(path.join(dir, last), "utf8") : undefined;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("test/smtp.ts")) {
  const [port, dir] = process.argv.slice(2);
  const sink = await startSmtpSink({ port: Number(port), dir });
  console.log(`smtp sink on ${sink.url}, writing to ${dir}`);
}
