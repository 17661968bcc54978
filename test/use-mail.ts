// One local SMTP server per test file, with the app configured to send through it
// (OKORO_SMTP_URL) and OKORO_URL fixed for the links in what it sends: started before the
// file's tests, closed after. Reads through to the running server, like test/use-upstream.ts.
import { afterAll, beforeAll } from "vitest";
import { setEnvForTesting } from "@/lib/env";
import { testEnv } from "@/lib/providers/test-env";
import { type SmtpSink, type SunkMessage, startSmtpSink } from "@/test/smtp";

export function useMailSink(): { readonly url: string; readonly messages: SunkMessage[] } {
  let current: SmtpSink | undefined;
  beforeAll(async () => {
    current = await startSmtpSink();
    setEnvForTesting(testEnv({ OKORO_SMTP_URL: current.url, OKORO_URL: "http://localhost:3000" }));
  });
  afterAll(async () => {
    setEnvForTesting(undefined);
    await current?.close();
  });
  const live = (): SmtpSink => {
    if (!current) throw new Error("the SMTP sink starts in beforeAll: use it inside a test or hook");
    return current;
  };
  return {
    get url() {
      return live().url;
    },
    get messages() {
      return live().messages;
    },
  };
}
