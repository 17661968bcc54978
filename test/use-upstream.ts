// One stand-in provider per test file: started before its tests, reset before each (no
// recorded requests, default answers), closed after. The returned object reads through to
// the running server, so it can be captured at module level like a plain Upstream.
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startUpstream, type Upstream } from "@/test/upstream";

export function useUpstream(options: Parameters<typeof startUpstream>[0] = {}): Upstream {
  let current: Upstream | undefined;
  beforeAll(async () => {
    current = await startUpstream(options);
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(() => current?.reset());
  const live = (): Upstream => {
    if (!current) throw new Error("the upstream starts in beforeAll: use it inside a test or hook");
    return current;
  };
  return {
    get url() {
      return live().url;
    },
    get received() {
      return live().received;
    },
    respond: (responder) => live().respond(responder),
    reset: () => live().reset(),
    close: () => live().close(),
  };
}
