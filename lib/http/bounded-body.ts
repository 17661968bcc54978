// Reading the small bodies of okoro's own endpoints (the exchange, leak reports) without
// letting a client make us read a big one. Anyone can send these requests before any
// token is checked, so the cost of refusing one must not depend on how much is sent: a
// declared Content-Length over the cap is refused before a byte is read, and a stream is
// read only until it passes the cap. Either way the body is cancelled, which tells the
// server adapter (lib/serve/node-server.ts) to stop reading the socket.
import { OkoroError } from "@/lib/errors";

/** What any of our JSON endpoints accepts. */
export const JSON_BODY_LIMIT = 64 * 1024;

function tooLarge(max: number): OkoroError {
  return new OkoroError("payload_too_large", `The body is larger than ${Math.floor(max / 1024)} KiB.`);
}

/** The body's bytes, or 413 payload_too_large as soon as it is known to exceed `max`. */
export async function readBoundedBody(request: Request, max = JSON_BODY_LIMIT): Promise<Uint8Array> {
  const body = request.body;
  if (!body) return new Uint8Array(0);
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > max) {
    await body.cancel().catch(() => {});
    throw tooLarge(max);
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** The body as UTF-8 text (see readBoundedBody). */
export async function readBoundedText(request: Request, max = JSON_BODY_LIMIT): Promise<string> {
  return new TextDecoder().decode(await readBoundedBody(request, max));
}

/** The body parsed as JSON; 400 invalid_request when it is not JSON (see readBoundedBody). */
export async function readBoundedJson(request: Request, max = JSON_BODY_LIMIT): Promise<unknown> {
  const text = await readBoundedText(request, max);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new OkoroError("invalid_request", "The body must be JSON.");
  }
}
