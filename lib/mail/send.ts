// Sending mail (docs/configuration.md#mail). With OKORO_SMTP_URL set, messages go to that
// SMTP server through nodemailer. Without it (development, or a server with sign-up
// closed) each message is written to `<data dir>/outbox/<time>-<to>.eml`, a file any
// mail program opens, and the server log names the file. The links in these messages are
// credentials for a short while: the body is printed to the log in development only.
import "server-only";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import { type Env, getEnv } from "@/lib/env";

export type Mail = { to: string; subject: string; text: string; html: string };

let smtp: { url: string; transport: Transporter } | undefined;

function smtpTransport(url: string): Transporter {
  if (smtp?.url !== url) {
    smtp?.transport.close();
    // one pooled connection per process; a slow server must not hold a request for long
    smtp = {
      url,
      transport: nodemailer.createTransport(url, {
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      } as never),
    };
  }
  return smtp.transport;
}

/** A file name that says when and to whom, and cannot leave the outbox directory. */
function outboxName(to: string, now = new Date()): string {
  const when = now.toISOString().replace(/[:.]/g, "-");
  const who = to
    .toLowerCase()
    .replace(/[^a-z0-9@._+-]/g, "_")
    .slice(0, 100);
  return `${when}-${Math.random().toString(36).slice(2, 6)}-${who}.eml`;
}

/** Sends one message. Throws when the SMTP server refuses or cannot be reached. */
export async function sendMail(mail: Mail, env: Env = getEnv()): Promise<void> {
  const message = { from: env.mailFrom, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html };
  if (env.smtpUrl) {
    await smtpTransport(env.smtpUrl).sendMail(message);
    return;
  }
  const built = await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(message);
  const dir = path.join(env.dataDir, "outbox");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, outboxName(mail.to));
  await writeFile(file, built.message as Buffer, { mode: 0o600 });
  if (env.production) {
    console.warn(`[okoro] mail "${mail.subject}" written to ${file} (no OKORO_SMTP_URL is set)`);
  } else {
    console.log(`[okoro] mail to ${mail.to}: "${mail.subject}" — saved as ${file}\n${mail.text}`);
  }
}

/** Sends without failing the caller: used after the answer, where nobody could be told. */
export async function sendMailQuietly(mail: Mail, env: Env = getEnv()): Promise<boolean> {
  try {
    await sendMail(mail, env);
    return true;
  } catch (e) {
    // the SMTP server's answer names the server and the recipient, never the link
    console.error(`[okoro] could not send "${mail.subject}":`, (e as Error).message);
    return false;
  }
}
