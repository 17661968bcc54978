// A held request as a person reads it before approving (docs/dashboard.md#held-requests):
// the method, the full upstream URL, the body made readable (JSON pretty-printed, form
// fields listed, a GraphQL document shown as such) and a sentence saying what it does.
import "server-only";
import { getHeld } from "@/db/queries/held";
import { storableText } from "@/lib/audit/redact";
import { openJson } from "@/lib/crypto/envelope";
import { getEnv } from "@/lib/env";
import { heldRequestAad, type StoredRequest } from "@/lib/held/hold";
import { getProvider, resolvedProvider } from "@/lib/providers/catalog";
import { buildUpstreamUrl, parseBaseUrl } from "@/lib/proxy/upstream-url";
import { getDb } from "@/lib/serve/database";

export type ReadableBody =
  | { kind: "empty" }
  | { kind: "json"; text: string }
  | { kind: "graphql"; query: string; variables: string | null }
  | { kind: "form"; fields: [string, string][] }
  | { kind: "text"; text: string }
  | { kind: "binary"; bytes: number; contentType: string | null };

export type HeldDetails = {
  method: string;
  url: string;
  sentence: string;
  body: ReadableBody;
  contentType: string | null;
  digest: string;
  state: string;
  outcome: string | null;
  responseStatus: number | null;
  delivered: boolean;
};

const SHOWN_MAX = 64 * 1024;

export function readableBody(bytes: Uint8Array, contentType: string | null): ReadableBody {
  if (bytes.byteLength === 0) return { kind: "empty" };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { kind: "binary", bytes: bytes.byteLength, contentType };
  }
  // shown to a person: no control or bidi-override characters, bounded
  // line by line, so the layout (newlines, indentation) survives the cleaning
  const clean = (s: string) =>
    s
      .slice(0, SHOWN_MAX)
      .split("\n")
      .map((line) => storableText(line, SHOWN_MAX))
      .join("\n");
  const type = (contentType ?? "").toLowerCase();
  if (type.includes("application/x-www-form-urlencoded"))
    return { kind: "form", fields: [...new URLSearchParams(text)].map(([k, v]) => [clean(k), clean(v)]) };
  if (type.includes("application/graphql")) return { kind: "graphql", query: clean(text.trim()), variables: null };
  try {
    const json = JSON.parse(text) as unknown;
    if (
      json &&
      typeof json === "object" &&
      !Array.isArray(json) &&
      typeof (json as { query?: unknown }).query === "string"
    ) {
      const { query, variables } = json as { query: string; variables?: unknown };
      if (/^\s*(query|mutation|subscription|fragment|\{)/.test(query))
        return {
          kind: "graphql",
          query: clean(query.trim()),
          variables: variables === undefined ? null : clean(JSON.stringify(variables, null, 2)),
        };
    }
    return { kind: "json", text: clean(JSON.stringify(json, null, 2)) };
  } catch {
    return { kind: "text", text: clean(text) };
  }
}

const ID_LIKE = /^(?=.*\d)[0-9A-Za-z_-]{6,}$/;

/** "Delete the Trello card 5f2… — 'clean up archived cards'", from the method and path. */
export function heldSentence(options: { provider: string; method: string; path: string; intent: string }): string {
  const name = getProvider(options.provider)?.name ?? options.provider;
  const segments = options.path
    .split("/")
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  let thing = "";
  for (let i = segments.length - 1; i > 0; i--) {
    if (ID_LIKE.test(segments[i]) && !ID_LIKE.test(segments[i - 1])) {
      const noun = segments[i - 1].replace(/s$/, "").replace(/[-_]/g, " ");
      const id = segments[i].length > 8 ? `${segments[i].slice(0, 6)}…` : segments[i];
      thing = `the ${name} ${noun} ${id}`;
      break;
    }
  }
  const last = segments.at(-1)?.replace(/[-_]/g, " ");
  const verb = (() => {
    switch (options.method) {
      case "DELETE":
        return thing ? `Delete ${thing}` : `Delete ${last ?? "a resource"} on ${name}`;
      case "PUT":
      case "PATCH":
        return thing ? `Change ${thing}` : `Change ${last ?? "a resource"} on ${name}`;
      case "POST":
        return thing ? `Send a request to ${thing}` : `Create ${last ?? "a resource"} on ${name}`;
      default:
        return `${options.method} ${last ?? "/"} on ${name}`;
    }
  })();
  return `${verb} — '${options.intent}'`;
}

/** The held request behind one of this user's approvals, or null (not held, not theirs, swept). */
export async function heldForUser(userId: string, id: string): Promise<HeldDetails | null> {
  if (!/^apr_[0-9A-Za-z]{22}$/.test(id)) return null;
  const view = await getHeld(await getDb(), id);
  if (!view || view.held.userId !== userId) return null;
  const { held, approval } = view;
  const stored = openJson<StoredRequest>(
    held.request,
    heldRequestAad(id, held.userId, held.provider),
    getEnv().masterKeys,
  );
  const spec = resolvedProvider(held.provider);
  let url = `${held.path}${held.query ? `?${held.query}` : ""}`;
  if (spec) {
    try {
      url = buildUpstreamUrl(parseBaseUrl(spec.baseUrl), held.path, held.query ? `?${held.query}` : "").toString();
    } catch {
      // shown as stored; the execution refuses it the same way the proxy would
    }
  }
  const contentType = stored.headers["content-type"] ?? null;
  return {
    method: held.method,
    url: storableText(url, 8192),
    sentence: heldSentence({ provider: held.provider, method: held.method, path: held.path, intent: approval.intent }),
    body: readableBody(new Uint8Array(Buffer.from(stored.body, "base64")), contentType),
    contentType,
    digest: held.digest,
    state: held.state,
    outcome: held.outcome,
    responseStatus: held.responseStatus,
    delivered: held.deliveredAt !== null,
  };
}
