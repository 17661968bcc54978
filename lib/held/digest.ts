// The identity of a held request (docs/agent-api.md#held-requests): SHA-256 of the
// canonical JSON of what will be sent, so the same request asked twice is one approval and
// a different body is a different one.
import { createHash } from "node:crypto";

/** A held body is stored whole and encrypted: at most 1 MiB. */
export const HELD_MAX_BODY_BYTES = 1024 * 1024;

export type DigestInput = {
  provider: string;
  connectionId: string;
  serviceTokenId: string;
  method: string;
  path: string;
  /** the raw query string, without "?" */
  query: string;
  body: Uint8Array;
};

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Keys in a fixed (sorted) order, no spaces: the JSON is the same wherever it is computed. */
export function heldDigest(input: DigestInput): string {
  const canonical = JSON.stringify({
    body_sha256: sha256Hex(input.body),
    connection_id: input.connectionId,
    method: input.method,
    path: input.path,
    provider: input.provider,
    query: input.query,
    service_token_id: input.serviceTokenId,
  });
  return `sha256:${sha256Hex(canonical)}`;
}
