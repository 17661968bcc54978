// What the audit log may keep of agent-supplied text (docs/audit.md#audit-log): query strings with
// secret-looking values replaced by `[redacted]`, and free text (intent, reason, path,
// user agent) cut to a bounded length with control characters removed. Pure.
//
// The redactor runs before the proxy has checked the agent's token, so everything here is
// linear in its input and looks at a bounded prefix of it: no pattern can backtrack over a
// run of agent text, and a query longer than the audit column keeps is cut before it is
// judged.

export const REDACTED = "[redacted]";

/** How much of a query the redactor reads: what the audit log keeps of it. */
const MAX_QUERY_SCAN = 2048;

/**
 * Parameter names whose values are secret wherever they appear as a word of the name:
 * `key` catches `api_key`, `x-api-key`, `apiKey`; `token` catches `private_token`,
 * `access_token`, `pageToken`; `sig` catches `hmac_sig`. Matching words rather than
 * substrings keeps `keyword`, `author`, `design` and `authuser` readable.
 */
const SECRET_WORDS = new Set([
  "key",
  "keys",
  "token",
  "tokens",
  "secret",
  "secrets",
  "signature",
  "sig",
  "password",
  "passwd",
  "pwd",
  "passphrase",
  "code",
  "auth",
  "authorization",
  "session",
  "sessionid",
  "credential",
  "credentials",
  "apikey",
  "jwt",
  "bearer",
  "verifier",
  "otp",
  "pass",
]);

/**
 * Substrings that make a name secret even inside one word (`accesstoken`, `clientsecret`,
 * `x-goog-signature`, `userpassword`): none of them is part of an innocent English word.
 */
const SECRET_SUBSTRINGS = [
  "token",
  "secret",
  "passw",
  "signature",
  "apikey",
  "credential",
  "sessionid",
  "privatekey",
  "authorization",
];

/**
 * Values that are credentials whatever the parameter is called: our own service and
 * operation tokens, JWTs in general and the well-known provider key formats. An agent
 * that pastes one into `?q=` should not see it copied into the audit log.
 */
const SECRET_VALUE_PATTERNS: RegExp[] = [
  /\bsvc_[0-9A-Za-z]{38}\b/, // okoro service token
  // a JWT / JWS (operation tokens). It may only start where a run of base64url starts: a
  // start inside a run (after a "-") would rescan the rest of that run for each "eyJ" in it
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./,
  /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/, // GitHub
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}/, // OpenAI / Anthropic
  /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}/, // Stripe
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/, // Slack
  /\bya29\.[A-Za-z0-9_-]{20,}/, // Google OAuth access token
  /\bsecret_[A-Za-z0-9]{30,}|\bntn_[A-Za-z0-9]{30,}/, // Notion
];

const OAUTH_PUBLIC = new Set([
  "oauth_nonce",
  "oauth_timestamp",
  "oauth_version",
  "oauth_signature_method",
  "oauth_callback_confirmed",
]);

const isAsciiUpper = (c: number) => c >= 0x41 && c <= 0x5a;
const isAsciiLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isAsciiDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * Splits a parameter name into lowercase words: `X-Api-Key` → x, api, key; `AWSAccessKeyId`
 * → aws, access, key, id. A word ends before an upper-case letter that follows a lower-case
 * one or a digit, or that follows another capital and starts a capitalized word; anything
 * but [a-z0-9] once lower-cased separates words. One pass: regular expressions doing the
 * same (`([A-Z]+)([A-Z][a-z])`) backtrack quadratically over a long run of capitals.
 */
function nameWords(name: string): string[] {
  const words: string[] = [];
  let word = "";
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (isAsciiUpper(c) && word !== "") {
      const prev = name.charCodeAt(i - 1);
      if (isAsciiLower(prev) || isAsciiDigit(prev) || (isAsciiUpper(prev) && isAsciiLower(name.charCodeAt(i + 1)))) {
        words.push(word);
        word = "";
      }
    }
    // lower-casing may turn a non-ASCII letter into ASCII (the Kelvin sign becomes "k")
    for (const l of name[i].toLowerCase()) {
      const lc = l.charCodeAt(0);
      if (isAsciiLower(lc) || isAsciiDigit(lc)) word += l;
      else if (word !== "") {
        words.push(word);
        word = "";
      }
    }
  }
  if (word !== "") words.push(word);
  return words;
}

/** Longer names are not judged: their value is redacted (no real API names a parameter so). */
const MAX_NAME_SCAN = 256;

/** Whether a query parameter of this (decoded) name carries a secret. */
export function isSecretParamName(name: string): boolean {
  if (name.length > MAX_NAME_SCAN) return true;
  const lower = name.toLowerCase();
  if (lower.startsWith("oauth_")) {
    // RFC 5849 parameters: signature, token, token secret, verifier and consumer key are
    // secret; the nonce, timestamp, version and signature method are not, and help debugging
    if (OAUTH_PUBLIC.has(lower)) return false;
    if (/signature|token|secret|verifier|key/.test(lower)) return true;
  }
  const compact = lower.replace(/[^a-z0-9]/g, "");
  if (SECRET_SUBSTRINGS.some((s) => compact.includes(s))) return true;
  return nameWords(name).some((w) => SECRET_WORDS.has(w));
}

/** Whether a value looks like a credential whatever its parameter is called. */
export function isSecretLookingValue(value: string): boolean {
  // longer than any query the log keeps: not worth reading, not worth keeping
  if (value.length > MAX_QUERY_SCAN) return true;
  return value.length >= 16 && SECRET_VALUE_PATTERNS.some((p) => p.test(value));
}

function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    // malformed percent-encoding: judge the raw text
    return s;
  }
}

// URLSearchParams' own serialization (application/x-www-form-urlencoded), one pair at a time
function formEncodePair(name: string, value: string): string {
  return new URLSearchParams([[name, value]]).toString();
}

/** Appended where a query was cut. */
const QUERY_CUT = "…";

function redactPair(part: string): string {
  const eq = part.indexOf("=");
  if (eq < 0) {
    // a bare flag carries no value, but a credential pasted as a bare "parameter" does
    return isSecretLookingValue(formDecode(part)) ? REDACTED : part;
  }
  const rawName = part.slice(0, eq);
  const rawValue = part.slice(eq + 1);
  if (rawValue === "") return part;
  const secret =
    isSecretParamName(formDecode(rawName)) ||
    isSecretLookingValue(formDecode(rawValue)) ||
    isSecretLookingValue(rawValue);
  return secret ? `${rawName}=${REDACTED}` : part;
}

/**
 * The query string for the audit log, without a leading `?`. Parameters keep their order
 * and, for a string, their original encoding; only the value of a secret-named parameter
 * (or a value that looks like a credential) becomes `[redacted]`. A query longer than the
 * log keeps is cut after its last whole parameter within that length, and ends in "…": a
 * parameter cut in two could not be judged (half a credential no longer looks like one).
 */
export function redactQuery(search: string | URLSearchParams): string {
  if (typeof search !== "string") {
    const out: string[] = [];
    let length = 0;
    for (const [name, value] of search) {
      length += name.length + value.length + 2;
      if (length > MAX_QUERY_SCAN) {
        out.push(QUERY_CUT);
        break;
      }
      const secret = value !== "" && (isSecretParamName(name) || isSecretLookingValue(value));
      // formEncodePair(name, "") is "name=": the encoded name followed by "="
      out.push(secret ? formEncodePair(name, "") + REDACTED : formEncodePair(name, value));
    }
    return out.join("&");
  }
  let raw = search.startsWith("?") ? search.slice(1) : search;
  if (raw === "") return "";
  let cut = false;
  if (raw.length > MAX_QUERY_SCAN) {
    cut = true;
    raw = raw.slice(0, Math.max(0, raw.lastIndexOf("&", MAX_QUERY_SCAN)));
  }
  const pairs = raw === "" ? [] : raw.split("&").map(redactPair);
  if (cut) pairs.push(QUERY_CUT);
  return pairs.join("&");
}

// C0, DEL and C1 controls, plus the bidirectional overrides and isolates that can make a
// line in the dashboard read differently from what it says ("Trojan Source").
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Line breaks and tabs become spaces; other control and bidi-control characters go; lone surrogates become U+FFFD. */
export function stripControlCharacters(text: string): string {
  const cleaned = text.replace(LINE_BREAKS, " ").replace(CONTROLS, "");
  const s = cleaned as string & { toWellFormed?: () => string };
  return typeof s.toWellFormed === "function" ? s.toWellFormed() : cleaned;
}

/**
 * At most `max` UTF-16 code units (what `string.length` and zod's `.max()` count) without
 * splitting a surrogate pair. With `ellipsis`, a cut string ends in it, still within `max`.
 */
export function truncate(text: string, max: number, ellipsis = ""): string {
  if (text.length <= max) return text;
  // no room for the ellipsis: a plain cut
  if (ellipsis.length > max) ellipsis = "";
  let end = max - ellipsis.length;
  // do not leave half of a surrogate pair at the end
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end) + ellipsis;
}

/** Lengths the audit log keeps of free text; longer values are cut with an ellipsis. */
export const AUDIT_TEXT_LIMITS = { intent: 256, reason: 1024, path: 2048, query: 2048, userAgent: 512 } as const;

/** Free text for an audit column: control characters removed, trimmed, cut to `max` with "…". */
export function auditText(text: string, max: number): string {
  return truncate(stripControlCharacters(text).trim(), max, "…");
}

// What stripControlCharacters changes: controls, bidi controls, line breaks and any
// surrogate (a valid pair only costs the slower path)
const NOT_PLAIN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]/;

/**
 * Agent text as a database column may hold it: well-formed Unicode (a lone surrogate or a
 * NUL makes PostgreSQL refuse the whole write), no control or bidi-override characters,
 * at most `max` code units. Text that needs none of it is only cut; the cleaning reads at
 * most a bounded prefix, however long the input.
 */
export function storableText(text: string, max: number): string {
  // removed characters make the text shorter: read a little more than will be kept
  const head = text.length > 2 * max + 2 ? text.slice(0, 2 * max + 2) : text;
  if (!NOT_PLAIN.test(head)) return head.length > max ? head.slice(0, max) : head;
  return truncate(stripControlCharacters(head), max);
}
