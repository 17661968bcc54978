// The page headers every response of the dashboard carries (docs/security.md#response-headers),
// from next.config.mjs: HSTS only when OKORO_URL is https, the rest always.
import { describe, expect, it } from "vitest";
import { pageSecurityHeaders } from "@/next.config.mjs";

const byKey = (headers: { key: string; value: string }[]) => Object.fromEntries(headers.map((h) => [h.key, h.value]));

describe("page security headers", () => {
  it("an https OKORO_URL adds HSTS for a year, subdomains included", () => {
    const headers = byKey(pageSecurityHeaders({ dev: false, okoroUrl: "https://okoro.example.com" }));
    expect(headers["Strict-Transport-Security"]).toBe("max-age=31536000; includeSubDomains");
    expect(headers["Content-Security-Policy"]).toContain("frame-ancestors 'none'");
    expect(headers["X-Content-Type-Options"]).toBe("nosniff");
    expect(headers["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
  });

  it("no HSTS over plain http (a local run), and no eval outside development", () => {
    for (const okoroUrl of ["http://localhost:3000", " http://okoro.test ", undefined]) {
      const headers = byKey(pageSecurityHeaders({ dev: false, okoroUrl }));
      expect(headers["Strict-Transport-Security"]).toBeUndefined();
      expect(headers["Content-Security-Policy"]).not.toContain("unsafe-eval");
    }
    expect(
      byKey(pageSecurityHeaders({ dev: false, okoroUrl: " HTTPS://OKORO.EXAMPLE " }))["Strict-Transport-Security"],
    ).toBeDefined();
  });
});
