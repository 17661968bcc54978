import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  auditText,
  isSecretParamName,
  redactQuery,
  storableText,
  stripControlCharacters,
  truncate,
} from "@/lib/audit/redact";
import { generateServiceToken } from "@/lib/tokens/service-token";

describe("redactQuery", () => {
  it.each([
    ["key", "key=abc&token=def&fields=name", "key=[redacted]&token=[redacted]&fields=name"],
    ["leading ?", "?q=hello&api_key=s3cr3t", "q=hello&api_key=[redacted]"],
    [
      "every listed name",
      "secret=1&signature=2&sig=3&password=4&passwd=5&code=6&access_token=7&refresh_token=8&client_secret=9&api_key=10&apikey=11&auth=12&authorization=13&session=14",
      "secret=[redacted]&signature=[redacted]&sig=[redacted]&password=[redacted]&passwd=[redacted]&code=[redacted]&access_token=[redacted]&refresh_token=[redacted]&client_secret=[redacted]&api_key=[redacted]&apikey=[redacted]&auth=[redacted]&authorization=[redacted]&session=[redacted]",
    ],
    [
      "names containing the words",
      "x-api-key=a&private_token=b&apiKey=c&accessToken=d&X-Amz-Signature=e&userPassword=f&hmac_sig=g",
      "x-api-key=[redacted]&private_token=[redacted]&apiKey=[redacted]&accessToken=[redacted]&X-Amz-Signature=[redacted]&userPassword=[redacted]&hmac_sig=[redacted]",
    ],
    ["upper case names", "TOKEN=a&Key=b", "TOKEN=[redacted]&Key=[redacted]"],
    [
      "OAuth 1 parameters",
      "oauth_consumer_key=k&oauth_token=t&oauth_signature=s&oauth_nonce=n&oauth_timestamp=1&oauth_signature_method=HMAC-SHA1&oauth_version=1.0",
      "oauth_consumer_key=[redacted]&oauth_token=[redacted]&oauth_signature=[redacted]&oauth_nonce=n&oauth_timestamp=1&oauth_signature_method=HMAC-SHA1&oauth_version=1.0",
    ],
    [
      "innocent look-alikes stay",
      "keyword=cats&author=octocat&design=x&authuser=0&monkey=1&signal=2&decode=3&passenger=4",
      "keyword=cats&author=octocat&design=x&authuser=0&monkey=1&signal=2&decode=3&passenger=4",
    ],
    [
      "encoding and order are kept",
      "q=a%20b+c&filter=%E2%9C%93&token=x%2Fy&page=2",
      "q=a%20b+c&filter=%E2%9C%93&token=[redacted]&page=2",
    ],
    [
      "encoded names are judged decoded",
      "api%5Fkey=a&x%2Dapi%2Dkey=b",
      "api%5Fkey=[redacted]&x%2Dapi%2Dkey=[redacted]",
    ],
    ["repeated names", "token=a&token=b", "token=[redacted]&token=[redacted]"],
    ["empty values and bare flags", "token=&debug&key", "token=&debug&key"],
    ["malformed percent-encoding does not throw", "q=%E0%A4%A&token=%zz", "q=%E0%A4%A&token=[redacted]"],
    ["= inside a value", "token=a=b&x=c=d", "token=[redacted]&x=c=d"],
    ["empty", "", ""],
    ["only ?", "?", ""],
  ])("%s", (_name, input, expected) => {
    expect(redactQuery(input)).toBe(expected);
  });

  it("redacts credential-looking values whatever the name", () => {
    const svc = generateServiceToken();
    const jwt = "eyJhbGciOiJFZERTQSIsInR5cCI6Im9wK2p3dCJ9.eyJzdWIiOiJ0b2tfMSJ9.c2lnbmF0dXJlc2lnbmF0dXJl";
    const out = redactQuery(`q=${svc}&next=${jwt}&gh=ghp_${"a".repeat(36)}&s=sk_live_${"b".repeat(24)}&page=2&${svc}`);
    expect(out).toBe("q=[redacted]&next=[redacted]&gh=[redacted]&s=[redacted]&page=2&[redacted]");
  });

  it("accepts URLSearchParams and keeps the order", () => {
    const params = new URLSearchParams();
    params.append("q", "a b&c");
    params.append("client_secret", "xyz");
    params.append("limit", "10");
    params.append("x-api-key", "k");
    expect(redactQuery(params)).toBe("q=a+b%26c&client_secret=[redacted]&limit=10&x-api-key=[redacted]");
    expect(redactQuery(new URLSearchParams("token=&a=1"))).toBe("token=&a=1");
  });

  it("never lets a secret value through and never throws", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("token", "api_key", "X-Api-Key", "password", "client_secret", "oauth_signature", "sig", "code"),
        fc.stringMatching(/^[A-Za-z0-9]{6,30}$/),
        fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[a-z0-9]{0,8}$/)), { maxLength: 4 }),
        (name, secret, others) => {
          const params = new URLSearchParams([...others, [name, secret]]);
          expect(redactQuery(params)).not.toContain(secret);
          expect(redactQuery(params.toString())).not.toContain(secret);
        },
      ),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        expect(typeof redactQuery(s)).toBe("string");
      }),
    );
  });

  it("reads a bounded prefix: a long query is cut after its last whole parameter", () => {
    const head = "page=2&".repeat(250); // 1 750 characters
    const out = redactQuery(`${head}q=${"x".repeat(400)}&token=abc`);
    expect(out).toBe(`${head.slice(0, -1)}&…`);
    // a credential across the cut is dropped whole, never kept in part
    const split = redactQuery(`q=${"x".repeat(2_000)}&gh=ghp_${"a".repeat(60)}`);
    expect(split).toBe(`q=${"x".repeat(2_000)}&…`);
    expect(redactQuery(`${"A".repeat(14_000)}=1`)).toBe("…");
    const params = new URLSearchParams([
      ...Array.from({ length: 400 }, (_, i): [string, string] => [`p${i}`, "value"]),
      ["token", "s3cret"],
    ]);
    expect(redactQuery(params).endsWith("&…")).toBe(true);
    expect(redactQuery(params)).not.toContain("s3cret");
  });

  it("is linear: long runs of capitals or of JWT-like text cost next to nothing", () => {
    const timed = (f: () => unknown) => {
      const started = performance.now();
      f();
      return performance.now() - started;
    };
    // each took 60–300 ms with backtracking patterns over the whole input
    expect(timed(() => isSecretParamName("A".repeat(20_000)))).toBeLessThan(20);
    expect(timed(() => redactQuery(`${"A".repeat(14_000)}=1`))).toBeLessThan(20);
    expect(timed(() => redactQuery(`q=${"-eyJaaaaa".repeat(2_000)}`))).toBeLessThan(20);
    expect(timed(() => redactQuery(`${"-eyJaaaaa".repeat(220)}=1`))).toBeLessThan(20);
    // over the bound, a name is secret and a value is redacted rather than read
    expect(isSecretParamName("x".repeat(300))).toBe(true);
  });

  it("still finds a JWT after a separator and in a word's middle only where a run starts", () => {
    const jwt = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ0b2tfMSJ9.c2ln";
    expect(redactQuery(`q=Bearer%20${jwt}`)).toBe("q=[redacted]");
    expect(redactQuery(`q=x.${jwt}`)).toBe("q=[redacted]");
  });

  it("judges names by word", () => {
    expect(isSecretParamName("pageToken")).toBe(true);
    expect(isSecretParamName("AWSAccessKeyId")).toBe(true);
    expect(isSecretParamName("XAPIKey")).toBe(true);
    expect(isSecretParamName("MyHTTPToken2")).toBe(true);
    expect(isSecretParamName("\u212Aey")).toBe(true); // the Kelvin sign lower-cases to "k"
    expect(isSecretParamName("KEYWORD")).toBe(false);
    expect(isSecretParamName("monkeyBusiness")).toBe(false);
    expect(isSecretParamName("keyword")).toBe(false);
    expect(isSecretParamName("author")).toBe(false);
  });
});

describe("text helpers", () => {
  it("strips control characters and bidi overrides", () => {
    expect(stripControlCharacters("a\u0000b\nc\u202Ed\u009b")).toBe("ab cd");
  });

  it("truncates without splitting surrogate pairs", () => {
    expect(truncate("abcdef", 10)).toBe("abcdef");
    expect(truncate("abcdef", 4)).toBe("abcd");
    expect(truncate("abcdef", 4, "…")).toBe("abc…");
    expect(truncate("ab😀cd", 3)).toBe("ab");
    expect(truncate("ab😀cd", 4)).toBe("ab😀");
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), fc.integer({ min: 0, max: 40 }), (s, n) => {
        const cut = truncate(s, n, "…");
        expect(cut.length).toBeLessThanOrEqual(n);
        if (s.length <= n) expect(cut).toBe(s);
        expect(cut).toBe(cut.toWellFormed());
      }),
    );
  });

  it("storableText keeps what a database column can hold", () => {
    expect(storableText("plain", 10)).toBe("plain");
    expect(storableText("x".repeat(50), 10)).toBe("x".repeat(10));
    expect(storableText("a\u0000b\ud800c\u202ed😀", 100)).toBe("ab\ufffdcd😀");
    expect(storableText(`${"\u0000".repeat(10_000)}tail`, 10)).toBe("");
    fc.assert(
      fc.property(
        fc
          .array(
            fc.constantFrom(
              "a",
              " ",
              "é",
              "😀",
              "\ud83d",
              "\ude00",
              "\u0000",
              "\n",
              "\u009b",
              "\u202e",
              "\u2066",
              "\u200f",
            ),
            { maxLength: 60 },
          )
          .map((a) => a.join("")),
        fc.integer({ min: 0, max: 40 }),
        (s, n) => {
          const out = storableText(s, n);
          expect(out.length).toBeLessThanOrEqual(n);
          expect(out).toBe(out.toWellFormed());
          expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        },
      ),
    );
  });

  it("auditText makes one bounded line", () => {
    expect(auditText("  GET /x\r\n\u0007 ", 100)).toBe("GET /x");
    expect(auditText("x".repeat(50), 10)).toBe(`${"x".repeat(9)}…`);
  });
});
