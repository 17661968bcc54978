// Keeps the credentials okoro injected from coming back to the agent. An upstream that
// echoes what it received (an echo endpoint, an error message quoting the Authorization
// header) would otherwise hand the real token to the agent; every such occurrence, in the
// response headers or streaming through the body, is replaced with REDACTED.
//
// Pure and byte-level: patterns are Buffers, searched with Buffer.indexOf (no regex, no
// decoding), so large downloads pass at close to copy speed. Streaming holds back only the
// bytes that could still become a match — the longest tail of what has arrived that is a
// proper prefix of some pattern — so a chunk ending in anything else (an SSE event's
// blank line) leaves at once and unchanged, and no body is ever buffered whole.
//
// Matching is leftmost, longest pattern first at one position, and the streaming result is
// byte for byte the result of scrubbing the whole body at once, however it is chunked.

export const REDACTED = "[redacted by okoro]";
const REDACTED_BYTES = Buffer.from(REDACTED, "latin1");

/**
 * Values shorter than this are not searched for: a short value would match ordinary text
 * and mangle bodies, and nothing that short is a usable credential.
 */
export const MIN_SECRET_LENGTH = 8;

/** The compiled search: the byte patterns, longest first, and what a match can start with. */
export type ScrubPatterns = {
  /** longest first, so the longest wins when several match at one position */
  readonly bytes: readonly Buffer[];
  /** the same patterns as strings (header values) */
  readonly strings: readonly string[];
  /** every pattern's first byte, for a quick "cannot start a match here" */
  readonly starts: readonly number[];
  readonly maxLength: number;
};

/** characters every encoding below leaves as they are */
const PLAIN = /^[A-Za-z0-9._-]*$/;

const hexLower = (s: string) => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());

const pct = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;

/**
 * The forms in which an echo plausibly carries a value: as sent; percent-encoded as
 * encodeURIComponent, RFC 3986 (OAuth 1 headers) and HTML forms (URLSearchParams) write it,
 * each with upper- and lower-case hex; and inside a JSON string (`"` and `\` escaped, and
 * PHP's `\/`). Credentials are printable ASCII without spaces, so these cover the rest.
 */
export function secretForms(secret: string): string[] {
  // most tokens (ghp_…, sk-…, xoxb-…) have no character any of these encodings changes
  if (PLAIN.test(secret)) return [secret];
  const forms = new Set<string>([secret]);
  try {
    const uri = encodeURIComponent(secret);
    // RFC 3986 (OAuth 1) also encodes !'()*; HTML forms (URLSearchParams) encode !'()~ but not *
    for (const encoded of [uri, uri.replace(/[!'()*]/g, pct), uri.replace(/[!'()~]/g, pct)]) {
      forms.add(encoded);
      forms.add(hexLower(encoded));
    }
  } catch {
    // a lone surrogate cannot be percent-encoded; credentials are ASCII, so nothing is lost
  }
  const json = JSON.stringify(secret).slice(1, -1);
  forms.add(json);
  forms.add(json.replace(/\//g, "\\/"));
  return [...forms];
}

/** Compiles the secrets of one request into patterns; null when there is nothing worth searching for. */
export function scrubPatterns(secrets: readonly string[]): ScrubPatterns | null {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of secretForms(secret)) forms.add(form);
  }
  if (forms.size === 0) return null;
  const strings = forms.size === 1 ? [...forms] : [...forms].sort((a, b) => b.length - a.length);
  // latin1 keeps one byte per char, which is what these ASCII forms are on the wire
  const bytes = strings.map((s) => Buffer.from(s, "latin1"));
  const starts: number[] = [];
  for (const b of bytes) if (!starts.includes(b[0])) starts.push(b[0]);
  return { bytes, strings, starts, maxLength: bytes[0].length };
}

/** A header value with every pattern replaced, and how many were. */
export function scrubString(value: string, patterns: ScrubPatterns): { value: string; found: number } {
  let out = "";
  let pos = 0;
  let found = 0;
  for (;;) {
    let at = -1;
    let length = 0;
    for (const p of patterns.strings) {
      const i = value.indexOf(p, pos);
      // longest first: a later pattern wins only by starting earlier
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        length = p.length;
      }
    }
    if (at < 0) break;
    out += value.slice(pos, at) + REDACTED;
    pos = at + length;
    found += 1;
  }
  return found === 0 ? { value, found } : { value: out + value.slice(pos), found };
}

/**
 * Where the bytes that could still become a match begin: the earliest position at or after
 * `from` whose tail is a proper prefix of some pattern; `data.length` when there is none.
 */
function holdFrom(data: Uint8Array, from: number, patterns: ScrubPatterns): number {
  const end = data.length;
  for (let q = Math.max(from, end - patterns.maxLength + 1); q < end; q++) {
    if (!patterns.starts.includes(data[q])) continue;
    const tail = end - q;
    for (const p of patterns.bytes) {
      if (p.length <= tail) break; // longest first: the rest are too short to be still open
      let i = 1;
      while (i < tail && data[q + i] === p[i]) i++;
      if (i === tail) return q;
    }
  }
  return end;
}

export type Scrubber = {
  /** What of this chunk can go out now (possibly empty); a possible partial match stays behind. */
  push(chunk: Uint8Array): Uint8Array;
  /** The bytes held back, scrubbed: call once at the end of the body. */
  flush(): Uint8Array;
  /** how many occurrences were replaced so far */
  readonly found: number;
};

const EMPTY = new Uint8Array(0);

// A class rather than a closure over an object literal: one is made per proxied response.
class StreamScrubber implements Scrubber {
  found = 0;
  private held: Buffer | null = null;
  /** where pattern i next occurs at or after the scan position (-1: nowhere; -2: not searched) */
  private readonly next: number[];

  constructor(private readonly patterns: ScrubPatterns) {
    this.next = new Array<number>(patterns.bytes.length);
  }

  push(chunk: Uint8Array): Uint8Array {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    return this.run(this.held ? Buffer.concat([this.held, bytes]) : bytes, false);
  }

  flush(): Uint8Array {
    return this.held ? this.run(this.held, true) : EMPTY;
  }

  /** Scrubs `data`; unless `final`, keeps back the tail that could still become a match. */
  private run(data: Buffer, final: boolean): Uint8Array {
    const { patterns, next } = this;
    // each pattern scans the data once however many matches there are
    next.fill(-2);
    let pieces: Uint8Array[] | null = null;
    let pos = 0;
    let hold: number;
    for (;;) {
      hold = final ? data.length : holdFrom(data, pos, patterns);
      let at = -1;
      let length = 0;
      for (let i = 0; i < patterns.bytes.length; i++) {
        if (next[i] === -2 || (next[i] >= 0 && next[i] < pos)) next[i] = data.indexOf(patterns.bytes[i], pos);
        const n = next[i];
        // a match starting in the held tail is not settled yet: a longer one may begin earlier
        if (n >= 0 && n < hold && (at < 0 || n < at)) {
          at = n;
          length = patterns.bytes[i].length;
        }
      }
      if (at < 0) break;
      pieces ??= [];
      if (at > pos) pieces.push(data.subarray(pos, at));
      pieces.push(REDACTED_BYTES);
      this.found += 1;
      pos = at + length;
    }
    // copied: the caller's buffer may be reused once we return
    this.held = hold < data.length ? Buffer.from(data.subarray(hold)) : null;
    const rest = hold === data.length && pos === 0 ? data : data.subarray(pos, hold);
    if (!pieces) return rest;
    if (rest.length > 0) pieces.push(rest);
    return Buffer.concat(pieces);
  }
}

export function createScrubber(patterns: ScrubPatterns): Scrubber {
  return new StreamScrubber(patterns);
}
