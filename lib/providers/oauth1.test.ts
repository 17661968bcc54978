import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  baseStringUri,
  normalizeParameters,
  oauth1AccessTokenHeader,
  oauth1AuthorizationHeader,
  oauth1AuthorizeUrl,
  oauth1RequestTokenHeader,
  oauth1Sign,
  parseOAuth1Callback,
  parseOAuth1TokenResponse,
  percentEncode,
  signatureBaseString,
} from "@/lib/providers/oauth1";

// ---- an independent verifier ---------------------------------------------------------
// A second implementation on purpose: it starts from the Authorization header string (not
// from the signer's inputs), parses it with a regex, decodes with decodeURIComponent,
// reads the query with URLSearchParams, percent-encodes through a byte table and builds
// the base string itself. Only node:crypto's HMAC is shared.

function rfc3986(value: string): string {
  const unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
  return [...Buffer.from(value, "utf8")]
    .map((b) =>
      unreserved.includes(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : "%" + b.toString(16).toUpperCase().padStart(2, "0"),
    )
    .join("");
}

function parseAuthorization(header: string): Map<string, string> {
  expect(header.startsWith("OAuth ")).toBe(true);
  const out = new Map<string, string>();
  for (const m of header.slice(6).matchAll(/([A-Za-z0-9_%.~-]+)="([^"]*)"/g))
    out.set(decodeURIComponent(m[1]), decodeURIComponent(m[2]));
  return out;
}

function verify(
  header: string,
  request: { method: string; url: string; body?: string },
  secrets: { consumerSecret: string; tokenSecret?: string },
): boolean {
  const oauth = parseAuthorization(header);
  const claimed = oauth.get("oauth_signature");
  const url = new URL(request.url);
  const defaultPort =
    (url.protocol === "http:" && url.port === "80") || (url.protocol === "https:" && url.port === "443");
  const host = url.hostname.toLowerCase() + (url.port && !defaultPort ? `:${url.port}` : "");
  const baseUri = `${url.protocol.toLowerCase()}//${host}${url.pathname}`;
  const pairs: string[][] = [];
  url.searchParams.forEach((v, k) => pairs.push([k, v]));
  if (request.body !== undefined) new URLSearchParams(request.body).forEach((v, k) => pairs.push([k, v]));
  for (const [k, v] of oauth) if (k !== "oauth_signature" && k !== "realm") pairs.push([k, v]);
  const normalized = pairs
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort((a, b) => {
      const [ak, av] = a.split("=");
      const [bk, bv] = b.split("=");
      return ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1;
    })
    .join("&");
  const base = [request.method.toUpperCase(), rfc3986(baseUri), rfc3986(normalized)].join("&");
  const key = `${rfc3986(secrets.consumerSecret)}&${rfc3986(secrets.tokenSecret ?? "")}`;
  return createHmac("sha1", key).update(base).digest("base64") === claimed;
}

// ---- RFC 5849 ------------------------------------------------------------------------

describe("RFC 5849 §3.4.1 worked example (example.com, a3=2 q)", () => {
  const request = {
    method: "POST",
    url: "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
    body: "c2&a3=2+q",
  };
  const signed = () =>
    oauth1Sign({
      method: request.method,
      url: request.url,
      bodyParams: [...new URLSearchParams(request.body)],
      consumerKey: "9djdj82h48djs9d2",
      consumerSecret: "unknown",
      token: "kkk9d7dh3k39sjv7",
      tokenSecret: "unknown",
      nonce: "7d8f3e4a",
      timestamp: "137131201",
      includeVersion: false,
      realm: "Example",
    });

  it("reproduces the signature base string of §3.4.1.1 byte for byte", () => {
    expect(signed().baseString).toBe(
      "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q" +
        "%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_" +
        "key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m" +
        "ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk" +
        "9d7dh3k39sjv7",
    );
  });

  it("reproduces the normalized parameters of §3.4.1.3.2", () => {
    const params: [string, string][] = [
      ["b5", "=%3D"],
      ["a3", "a"],
      ["c@", ""],
      ["a2", "r b"],
      ["oauth_consumer_key", "9djdj82h48djs9d2"],
      ["oauth_token", "kkk9d7dh3k39sjv7"],
      ["oauth_signature_method", "HMAC-SHA1"],
      ["oauth_timestamp", "137131201"],
      ["oauth_nonce", "7d8f3e4a"],
      ["c2", ""],
      ["a3", "2 q"],
    ];
    expect(normalizeParameters(params)).toBe(
      "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7",
    );
  });

  it("puts the realm in the header but not in the signature", () => {
    const { header } = signed();
    expect(header.startsWith('OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2"')).toBe(true);
    expect(verify(header, request, { consumerSecret: "unknown", tokenSecret: "unknown" })).toBe(true);
  });

  it("builds the base string URI of §3.4.1.2", () => {
    expect(baseStringUri("HTTP://EXAMPLE.COM:80/r%20v/X?id=123")).toBe("http://example.com/r%20v/X");
    expect(baseStringUri("https://www.example.net:8080/?q=1")).toBe("https://www.example.net:8080/");
    expect(baseStringUri("https://www.example.net:443/a#frag")).toBe("https://www.example.net/a");
  });
});

describe("RFC 5849 §1.2 photos.example.net: all three signatures exactly", () => {
  const consumer = { consumerKey: "dpf43f3p2l4k3l03", consumerSecret: "kd94hf93k423kf44" };

  it("temporary credentials request (oauth_callback)", () => {
    const s = oauth1Sign({
      method: "POST",
      url: "https://photos.example.net/initiate",
      ...consumer,
      callback: "http://printer.example.com/ready",
      nonce: "wIjqoS",
      timestamp: 137131200,
      includeVersion: false,
    });
    expect(s.signature).toBe("74KNZJeDHnMBp0EMJ9ZHt/XKycU=");
    expect(s.header).toContain('oauth_signature="74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D"');
    expect(s.header).toContain('oauth_callback="http%3A%2F%2Fprinter.example.com%2Fready"');
  });

  it("token request (oauth_verifier)", () => {
    const s = oauth1Sign({
      method: "POST",
      url: "https://photos.example.net/token",
      ...consumer,
      token: "hh5s93j4hdidpola",
      tokenSecret: "hdhd0244k9j7ao03",
      verifier: "hfdp7dh39dks9884",
      nonce: "walatlh",
      timestamp: 137131201,
      includeVersion: false,
    });
    expect(s.signature).toBe("gKgrFCywp7rO0OXSjdot/IHF7IU=");
  });

  it("protected resource request", () => {
    const s = oauth1Sign({
      method: "GET",
      url: "http://photos.example.net/photos?file=vacation.jpg&size=original",
      ...consumer,
      token: "nnch734d00sl2jdk",
      tokenSecret: "pfkkdhi9sl3r4s00",
      nonce: "chapoH",
      timestamp: 137131202,
      includeVersion: false,
    });
    expect(s.signature).toBe("MdpQcU8iPSUjWoN/UDMsK2sui9I=");
    expect(s.header).toBe(
      'OAuth oauth_consumer_key="dpf43f3p2l4k3l03", oauth_nonce="chapoH", oauth_signature_method="HMAC-SHA1", ' +
        'oauth_timestamp="137131202", oauth_token="nnch734d00sl2jdk", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"',
    );
  });

  it("OAuth Core 1.0 Appendix A (same photos, with oauth_version=1.0)", () => {
    const s = oauth1Sign({
      method: "GET",
      url: "http://photos.example.net/photos?file=vacation.jpg&size=original",
      ...consumer,
      token: "nnch734d00sl2jdk",
      tokenSecret: "pfkkdhi9sl3r4s00",
      nonce: "kllo9940pd9333jh",
      timestamp: 1191242096,
    });
    expect(s.baseString).toBe(
      "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal",
    );
    expect(s.signature).toBe("tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
  });
});

describe("percent-encoding (RFC 3986 unreserved only)", () => {
  it.each([
    ["!*'()", "%21%2A%27%28%29"],
    ["~-._", "~-._"],
    ["AZaz09", "AZaz09"],
    ["a b", "a%20b"],
    ["a+b", "a%2Bb"],
    ["%", "%25"],
    ["/?#[]@:&=$,;", "%2F%3F%23%5B%5D%40%3A%26%3D%24%2C%3B"],
    ["é", "%C3%A9"],
    ["€", "%E2%82%AC"],
    ["😀", "%F0%9F%98%80"],
    ["\u0000\n", "%00%0A"],
    ["\ud800", "%EF%BF%BD"],
  ])("%j → %s", (input, expected) => {
    expect(percentEncode(input)).toBe(expected);
  });

  it("agrees with a byte-table encoder on any string", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme" }), (s) => percentEncode(s) === rfc3986(s)));
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => percentEncode(s) === rfc3986(s)));
  });
});

describe("parameter normalization", () => {
  it("keeps repeated keys and sorts them by encoded value", () => {
    expect(
      normalizeParameters([
        ["a", "2"],
        ["b", ""],
        ["a", "1"],
        ["a", "10"],
      ]),
    ).toBe("a=1&a=10&a=2&b=");
  });
  it("sorts by the encoded name, not the raw one", () => {
    // raw "c2" < "c@" would flip; encoded "c%40" < "c2" (0x25 < 0x32)
    expect(
      normalizeParameters([
        ["c2", ""],
        ["c@", ""],
      ]),
    ).toBe("c%40=&c2=");
    expect(
      normalizeParameters([
        ["a+b", "1"],
        ["a b", "1"],
      ]),
    ).toBe("a%20b=1&a%2Bb=1");
  });
});

describe("known answers computed by an independent implementation (Python urllib + hmac)", () => {
  it("special characters, spaces, UTF-8, repeated keys, form body, default port", () => {
    const url =
      "https://API.Trello.com:443/1/cards?name=a%20b%21%2A%27%28%29~&desc=%C3%A9%E2%82%AC%F0%9F%98%80&idLabels=2&idLabels=1&pos=top+x";
    const s = oauth1Sign({
      method: "post",
      url,
      bodyParams: [
        ["desc2", "x y+z"],
        ["idLabels", "0"],
      ],
      consumerKey: "ck",
      consumerSecret: "cs!*",
      token: "tk",
      tokenSecret: "ts &",
      nonce: "n0nce",
      timestamp: 1700000000,
    });
    expect(s.baseString).toBe(
      "POST&https%3A%2F%2Fapi.trello.com%2F1%2Fcards&desc%3D%25C3%25A9%25E2%2582%25AC%25F0%259F%2598%2580%26desc2%3Dx%2520y%252Bz%26idLabels%3D0%26idLabels%3D1%26idLabels%3D2%26name%3Da%2520b%2521%252A%2527%2528%2529~%26oauth_consumer_key%3Dck%26oauth_nonce%3Dn0nce%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1700000000%26oauth_token%3Dtk%26oauth_version%3D1.0%26pos%3Dtop%2520x",
    );
    expect(s.signature).toBe("xe5LiulOGhioTcOV+ffEF7RCjxw=");
  });

  it("a non-default port stays in the base string URI", () => {
    const s = oauth1Sign({
      method: "GET",
      url: "http://127.0.0.1:8080/1/members/me?fields=a,b",
      consumerKey: "ck",
      consumerSecret: "cs",
      token: "tk",
      nonce: "n0nce",
      timestamp: 1700000000,
    });
    expect(s.baseString.startsWith("GET&http%3A%2F%2F127.0.0.1%3A8080%2F1%2Fmembers%2Fme&fields%3Da%252Cb")).toBe(true);
    expect(s.signature).toBe("g8K318UKrzAFi+Ei1q8xDLs3ruQ=");
  });
});

describe("signatures check out with the independent verifier", () => {
  const key = fc.string({ minLength: 1, maxLength: 12, unit: "grapheme" });
  const value = fc.string({ maxLength: 12, unit: "grapheme" });
  it("for arbitrary query, body, secrets and tokens", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, value), { maxLength: 5 }),
        fc.array(fc.tuple(key, value), { maxLength: 5 }),
        fc.string({ maxLength: 20, unit: "grapheme" }),
        fc.string({ maxLength: 20, unit: "grapheme" }),
        fc.constantFrom("GET", "POST", "put", "DELETE"),
        (query, body, consumerSecret, tokenSecret, method) => {
          const safe = (pairs: [string, string][]) => pairs.filter(([k]) => !k.startsWith("oauth_"));
          const url = new URL("https://api.trello.com/1/cards/x");
          for (const [k, v] of safe(query)) url.searchParams.append(k, v);
          const form = new URLSearchParams(safe(body)).toString();
          const header = oauth1AuthorizationHeader({
            method,
            url: url.toString(),
            bodyParams: [...new URLSearchParams(form)],
            consumerKey: "key with space",
            consumerSecret,
            token: "tok!en",
            tokenSecret,
          });
          return verify(header, { method, url: url.toString(), body: form }, { consumerSecret, tokenSecret });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("fails the verifier when anything signed changes", () => {
    const input = {
      method: "PUT",
      url: "https://api.trello.com/1/cards/abc?closed=false",
      consumerKey: "k",
      consumerSecret: "s",
      token: "t",
      tokenSecret: "ts",
    };
    const header = oauth1AuthorizationHeader(input);
    expect(verify(header, { method: "PUT", url: input.url }, { consumerSecret: "s", tokenSecret: "ts" })).toBe(true);
    expect(
      verify(
        header,
        { method: "PUT", url: "https://api.trello.com/1/cards/abc?closed=true" },
        { consumerSecret: "s", tokenSecret: "ts" },
      ),
    ).toBe(false);
    expect(verify(header, { method: "POST", url: input.url }, { consumerSecret: "s", tokenSecret: "ts" })).toBe(false);
    expect(verify(header, { method: "PUT", url: input.url }, { consumerSecret: "s", tokenSecret: "other" })).toBe(
      false,
    );
  });

  it("uses a fresh nonce and the current time by default", () => {
    const a = parseAuthorization(
      oauth1AuthorizationHeader({ method: "GET", url: "https://x.test/", consumerKey: "k", consumerSecret: "s" }),
    );
    const b = parseAuthorization(
      oauth1AuthorizationHeader({ method: "GET", url: "https://x.test/", consumerKey: "k", consumerSecret: "s" }),
    );
    expect(a.get("oauth_nonce")).not.toBe(b.get("oauth_nonce"));
    expect(Math.abs(Number(a.get("oauth_timestamp")) - Date.now() / 1000)).toBeLessThan(5);
    expect(a.get("oauth_version")).toBe("1.0");
    expect(a.has("oauth_token")).toBe(false);
  });

  it("refuses oauth_* parameters smuggled into the query or body", () => {
    const base = { method: "GET", consumerKey: "k", consumerSecret: "s", token: "t", tokenSecret: "ts" };
    expect(() => oauth1AuthorizationHeader({ ...base, url: "https://api.trello.com/1/x?oauth_token=other" })).toThrow(
      /oauth_/,
    );
    expect(() =>
      oauth1AuthorizationHeader({ ...base, url: "https://api.trello.com/1/x", bodyParams: [["oauth_signature", "x"]] }),
    ).toThrow(/oauth_/);
  });

  it("signs http(s) only", () => {
    expect(() => signatureBaseString("GET", "ftp://x.test/", [])).toThrow();
  });
});

describe("three-legged flow helpers", () => {
  it("request token header carries oauth_callback and no token", () => {
    const header = oauth1RequestTokenHeader({
      url: "https://trello.com/1/OAuthGetRequestToken",
      consumerKey: "k",
      consumerSecret: "s",
      callback: "https://okoro.example/api/connect/trello/callback?x=1",
    });
    const params = parseAuthorization(header);
    expect(params.get("oauth_callback")).toBe("https://okoro.example/api/connect/trello/callback?x=1");
    expect(params.has("oauth_token")).toBe(false);
    expect(
      verify(header, { method: "POST", url: "https://trello.com/1/OAuthGetRequestToken" }, { consumerSecret: "s" }),
    ).toBe(true);
  });

  it("access token header carries the verifier and is signed with the temporary secret", () => {
    const header = oauth1AccessTokenHeader({
      url: "https://trello.com/1/OAuthGetAccessToken",
      consumerKey: "k",
      consumerSecret: "s",
      token: "temp",
      tokenSecret: "tempsecret",
      verifier: "v3r",
    });
    const params = parseAuthorization(header);
    expect(params.get("oauth_verifier")).toBe("v3r");
    expect(params.get("oauth_token")).toBe("temp");
    expect(
      verify(
        header,
        { method: "POST", url: "https://trello.com/1/OAuthGetAccessToken" },
        { consumerSecret: "s", tokenSecret: "tempsecret" },
      ),
    ).toBe(true);
  });

  it("parses token responses and callbacks", () => {
    expect(
      parseOAuth1TokenResponse("oauth_token=ab%20c&oauth_token_secret=x&oauth_callback_confirmed=true&username=al\n"),
    ).toEqual({
      token: "ab c",
      tokenSecret: "x",
      callbackConfirmed: true,
      extra: { username: "al" },
    });
    expect(() => parseOAuth1TokenResponse("error=nope")).toThrow();
    expect(parseOAuth1Callback(new URLSearchParams("oauth_token=t&oauth_verifier=v"))).toEqual({
      token: "t",
      verifier: "v",
    });
    expect(parseOAuth1Callback(new URLSearchParams("oauth_token=t"))).toBeUndefined();
  });

  it("builds the authorize URL with oauth_token and the provider's extras", () => {
    const url = new URL(
      oauth1AuthorizeUrl("https://trello.com/1/OAuthAuthorizeToken", "t k", { name: "okoro", scope: "read,write" }),
    );
    expect(url.origin + url.pathname).toBe("https://trello.com/1/OAuthAuthorizeToken");
    expect(url.searchParams.get("oauth_token")).toBe("t k");
    expect(url.searchParams.get("scope")).toBe("read,write");
  });
});
