// What classification rules match against: the canonical form of a path, of a query or
// body key, and of a flag value, plus tolerant readers for the bodies a rule inspects.
// One principle throughout: canonicalising may only make a request look MORE like what a
// rule matches, never less, so encoding, casing or padding cannot buy a milder scope.
import type { RequestScope } from "@/lib/scopes";

/** Danger order used whenever two classifications must be combined: the higher one wins. */
export const SCOPE_RANK: Record<RequestScope, number> = { read: 0, write: 1, update: 2, delete: 3 };

export function maxScope(a: RequestScope, b: RequestScope): RequestScope {
  return SCOPE_RANK[b] > SCOPE_RANK[a] ? b : a;
}

// Each decoding round strictly shortens a string that still holds %XX, so this bound only
// stops pathological nesting; a path that is still encoded after it is classified as
// dangerously as possible by the caller.
const MAX_ROUNDS = 8;
const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;
const HAS_PERCENT = /%[0-9A-Fa-f]{2}/;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f]/g;
const decoder = new TextDecoder("utf-8");
const PLAIN_ASCII = /^[\x20-\x24\x26-\x7e]*$/;

/** One round of percent-decoding that never throws: runs of %XX become UTF-8 (bad bytes → U+FFFD). */
function decodeOnce(value: string): string {
  if (!HAS_PERCENT.test(value)) return value;
  return value.replace(PERCENT_RUN, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return decoder.decode(bytes);
  });
}

/**
 * Decoded repeatedly (so %252e is a dot), NFKC-folded (fullwidth letters, `／`, `․`),
 * stripped of control characters (URL parsers drop tabs and newlines) and lower-cased
 * (ASCII and Unicode), until nothing changes.
 */
export function canonical(value: string): { text: string; converged: boolean } {
  // the common case: printable ASCII without escapes, where NFKC is the identity
  if (PLAIN_ASCII.test(value)) return { text: value.toLowerCase(), converged: true };
  let current = value;
  for (let i = 0; i < MAX_ROUNDS; i++) {
    const next = decodeOnce(current).normalize("NFKC").replace(CONTROLS, "").toLowerCase();
    if (next === current) return { text: current, converged: true };
    current = next;
  }
  return { text: current, converged: decodeOnce(current) === current };
}

/** canonical() of a key or value, trimmed; for query/body names and flag values. */
export function canonicalToken(value: string): string {
  return canonical(value).text.trim();
}

export type NormalizedPath = {
  /** "/a/b": decoded, lower-cased, `\` as `/`, empty and `.` segments dropped, `..` resolved */
  path: string;
  segments: string[];
  /** false when the path was still percent-encoded after the decoding bound */
  converged: boolean;
};

/**
 * The path rules match against. Dot segments are resolved the way WHATWG URL (and so the
 * upstream request) would resolve them, backslashes count as slashes as they do for http(s)
 * URLs; the proxy refuses such paths anyway, this only keeps the classifier honest alone.
 */
export function normalizePath(rawPath: string): NormalizedPath {
  const { text, converged } = canonical(rawPath);
  const segments: string[] = [];
  for (const segment of text.replace(/\\/g, "/").split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  return { path: `/${segments.join("/")}`, segments, converged };
}

/** "closed.json" → "closed": Rails-style format suffixes some APIs route like the bare name. */
export function stripFormat(segment: string): string {
  return segment.replace(/\.(json|xml)$/, "");
}

const FALSE_WORDS = new Set(["", "false", "0", "no", "off", "null", "undefined", "f", "n"]);

/**
 * Whether a flag such as `closed`, `trashed` or `archived` is set. Anything that is not
 * clearly false counts as set: `"TRUE"`, `"yes"`, `1`, `["true"]`…
 */
export function flagIsSet(value: unknown): boolean {
  if (value === true) return true;
  if (typeof value === "number") return value !== 0 && !Number.isNaN(value);
  if (typeof value === "string") return !FALSE_WORDS.has(canonicalToken(value));
  if (Array.isArray(value)) return value.some(flagIsSet);
  return false;
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

export function isFormContentType(contentType: string | undefined): boolean {
  return mediaType(contentType) === "application/x-www-form-urlencoded";
}

function isJsonMediaType(type: string): boolean {
  return type === "application/json" || type === "text/json" || type.endsWith("+json");
}

export function bodyText(body: Uint8Array): string {
  return decoder.decode(body);
}

/** Query keys that some frameworks honour as a method override. */
const OVERRIDE_KEYS = new Set(["_method", "x-http-method-override", "x-http-method", "x-method-override"]);

/** Every method an override parameter in these pairs asks for (upper-cased, raw). */
export function overrideMethods(pairs: Iterable<[string, string]>): string[] {
  const out: string[] = [];
  for (const [name, value] of pairs)
    if (OVERRIDE_KEYS.has(canonicalToken(name))) out.push(canonicalToken(value).toUpperCase());
  return out;
}

export type FlagSearch = "set" | "unset" | "unreadable";

/**
 * Looks for any of `names` (canonical, e.g. "closed") set to a true-ish value in parsed
 * JSON, at any depth (a nested `labels.trashed` counts): iterative, so deep nesting cannot
 * blow the stack.
 */
function jsonHasFlag(root: unknown, names: ReadonlySet<string>): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const item of node) if (item !== null && typeof item === "object") stack.push(item);
    } else if (node !== null && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (names.has(canonicalToken(key)) && flagIsSet(value)) return true;
        if (value !== null && typeof value === "object") stack.push(value);
      }
    }
  }
  return false;
}

/** Form pairs: a key matches its name exactly or as `name[…]` (qs-style arrays and objects). */
function pairsHaveFlag(pairs: Iterable<[string, string]>, names: ReadonlySet<string>): boolean {
  for (const [rawKey, value] of pairs) {
    const key = canonicalToken(rawKey);
    const base = key.includes("[") ? key.slice(0, key.indexOf("[")) : key;
    if ((names.has(key) || names.has(base)) && flagIsSet(value)) return true;
  }
  return false;
}

export function queryHasFlag(query: URLSearchParams, names: readonly string[]): boolean {
  return pairsHaveFlag(query, new Set(names));
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** multipart/* parts as { headers, content }, or undefined when the body does not split cleanly. */
function multipartParts(
  text: string,
  contentType: string,
): { type: string; disposition: string; content: string }[] | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) return undefined;
  const chunks = text.split(`--${marker}`);
  if (chunks.length < 3) return undefined;
  const parts: { type: string; disposition: string; content: string }[] = [];
  for (const chunk of chunks.slice(1, -1)) {
    const split = /\r?\n\r?\n/.exec(chunk);
    if (!split) return undefined;
    const head = chunk.slice(0, split.index);
    const content = chunk.slice(split.index + split[0].length).replace(/\r?\n$/, "");
    parts.push({
      type: mediaType(/^content-type:\s*(.*)$/im.exec(head)?.[1]),
      disposition: /^content-disposition:\s*(.*)$/im.exec(head)?.[1] ?? "",
      content,
    });
  }
  return parts;
}

/**
 * Does the body set any of `names`? JSON is parsed (unicode escapes and all), forms are
 * split into pairs, multipart parts are read one by one (JSON parts parsed, form-data
 * fields by name). A body of unknown type is read every way it could be. Anything that
 * should parse but does not is "unreadable" — callers treat that as set.
 * An absent body (the caller did not buffer it) is unreadable too; an empty one is unset.
 */
export function bodyHasFlag(
  body: Uint8Array | undefined,
  contentType: string | undefined,
  names: readonly string[],
): FlagSearch {
  if (body === undefined) return "unreadable";
  if (body.byteLength === 0) return "unset";
  const wanted = new Set(names);
  const text = bodyText(body);
  const type = mediaType(contentType);

  const fromJson = (source: string): FlagSearch => {
    const parsed = parseJson(source);
    if (!parsed.ok) return "unreadable";
    return jsonHasFlag(parsed.value, wanted) ? "set" : "unset";
  };

  if (isJsonMediaType(type)) return fromJson(text);
  if (type === "application/x-www-form-urlencoded")
    return pairsHaveFlag(new URLSearchParams(text), wanted) ? "set" : "unset";
  if (type.startsWith("multipart/")) {
    const parts = multipartParts(text, contentType ?? "");
    if (!parts) return "unreadable";
    let unreadable = false;
    for (const part of parts) {
      const field = /\bname="?([^";]+)"?/i.exec(part.disposition)?.[1];
      if (field !== undefined && pairsHaveFlag([[field, part.content]], wanted)) return "set";
      const trimmed = part.content.trimStart();
      if (isJsonMediaType(part.type) || trimmed.startsWith("{")) {
        const found = fromJson(part.content);
        if (found === "set") return "set";
        // a declared JSON part that does not parse is metadata we cannot read; a media part
        // that merely starts with "{" is file content and may be anything
        if (found === "unreadable" && isJsonMediaType(part.type)) unreadable = true;
      }
    }
    return unreadable ? "unreadable" : "unset";
  }
  // unknown or missing content type: servers that sniff could read it as JSON or as a form
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    const found = fromJson(text);
    if (found !== "unset") return found;
  }
  return pairsHaveFlag(new URLSearchParams(text), wanted) ? "set" : "unset";
}
