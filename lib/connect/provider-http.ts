// The HTTP calls the connect flows and the refresher make to a provider's OAuth endpoints
// (token, request-token, userinfo). Redirects are never followed (a token request that
// bounces elsewhere is a misconfiguration, and following it would resend the client
// secret), every call is bounded in time and in response size, and failures to reach the
// provider are one error type so callers can tell "unreachable" from "refused".
import "server-only";

/** Token and userinfo answers are small; anything larger is not what we asked for. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export class ProviderUnreachable extends Error {
  constructor(
    readonly timeout: boolean,
    options?: { cause?: unknown },
  ) {
    super(timeout ? "the provider did not answer in time" : "the provider could not be reached", options);
    this.name = "ProviderUnreachable";
  }
}

export type ProviderResponse = {
  status: number;
  contentType: string;
  text: string;
};

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw new Error("the provider's response is too large");
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function providerRequest(
  url: string,
  init: { method: "GET" | "POST"; headers: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<ProviderResponse> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      redirect: "manual",
      cache: "no-store",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const name = (e as Error).name;
    throw new ProviderUnreachable(name === "TimeoutError" || name === "AbortError", { cause: e });
  }
  let text: string;
  try {
    text = await readBounded(response);
  } catch (e) {
    const name = (e as Error).name;
    if (name === "TimeoutError" || name === "AbortError") throw new ProviderUnreachable(true, { cause: e });
    throw e;
  }
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", text };
}
