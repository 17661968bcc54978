import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OkoroError } from "@/lib/errors";
import { buildUpstreamUrl, parseBaseUrl } from "@/lib/proxy/upstream-url";

const github = parseBaseUrl("https://api.github.com");
const slack = parseBaseUrl("https://slack.com/api");

function rejects(base: ReturnType<typeof parseBaseUrl>, path: string, search = "") {
  try {
    buildUpstreamUrl(base, path, search);
  } catch (e) {
    return e instanceof OkoroError && e.code === "invalid_request";
  }
  return false;
}

describe("upstream URL", () => {
  it("appends the path and query to the base", () => {
    expect(buildUpstreamUrl(github, "/repos/a/b/issues", "?state=open").href).toBe(
      "https://api.github.com/repos/a/b/issues?state=open",
    );
    expect(buildUpstreamUrl(slack, "/chat.postMessage", "").href).toBe("https://slack.com/api/chat.postMessage");
    expect(buildUpstreamUrl(github, "/repos/a/b/git/refs/heads/feature%2Fx", "").pathname).toBe(
      "/repos/a/b/git/refs/heads/feature%2Fx",
    );
  });

  const attacks = [
    "/../admin",
    "/repos/../../etc/passwd",
    "/%2e%2e/admin",
    "/%2E%2E/admin",
    "/.%2e/admin",
    "/%2e./admin",
    "/%252e%252e/admin",
    "/%25252e%25252e/admin",
    "/repos/%2e%2e%2f%2e%2e%2fadmin",
    "/repos/..%2fadmin",
    "/repos/..%5cadmin",
    "/repos\\..\\admin",
    "/repos/%5c%5cevil.com",
    "/x%00y",
    "/x%2500y",
    "/./x",
    "/%2e/x",
    "/x\ny",
  ];
  it.each(attacks)("rejects %s", (path) => {
    expect(rejects(slack, path)).toBe(true);
    expect(rejects(github, path)).toBe(true);
  });

  it.each(["//evil.com/x", "/@evil.com", "//user:pw@evil.com/", "/https://evil.com/", "//evil.com:443"])(
    "keeps %s on the provider's origin",
    (path) => {
      try {
        const url = buildUpstreamUrl(slack, path, "");
        expect(url.origin).toBe("https://slack.com");
        expect(url.pathname.startsWith("/api/")).toBe(true);
        expect(url.username).toBe("");
      } catch (e) {
        expect((e as OkoroError).code).toBe("invalid_request");
      }
    },
  );

  it("never leaves the origin or the base path, whatever the path (property)", () => {
    const pieces = fc.constantFrom(
      "..",
      ".",
      "%2e",
      "%2E",
      "%25",
      "2e",
      "/",
      "\\",
      "%2f",
      "%5c",
      "@",
      ":",
      "//",
      "evil.com",
      "a",
      "?",
      "#",
      "%00",
      "%",
      "~",
      " ",
      "é",
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), fc.string({ maxLength: 8 }), (parts, tail) => {
        const path = "/" + parts.join("") + tail;
        let url: URL;
        try {
          url = buildUpstreamUrl(slack, path, "");
        } catch (e) {
          return e instanceof OkoroError && e.code === "invalid_request";
        }
        return url.origin === "https://slack.com" && (url.pathname === "/api" || url.pathname.startsWith("/api/"));
      }),
      { numRuns: 3000 },
    );
  });
});
