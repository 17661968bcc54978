import { describe, expect, it } from "vitest";
import { originAllowed, safeNextPath } from "@/lib/auth/request-checks";

const prod = { origin: "https://okoro.example.com", production: true };
const dev = { origin: "http://localhost:3000", production: false };
const h = (init: Record<string, string>) => new Headers(init);

describe("originAllowed", () => {
  it("accepts okoro's own origin", () => {
    expect(originAllowed(h({ origin: "https://okoro.example.com", host: "okoro.example.com" }), prod)).toBe(true);
  });

  it("refuses another site, a null origin, and requests that name none", () => {
    expect(originAllowed(h({ origin: "https://evil.example", host: "okoro.example.com" }), prod)).toBe(false);
    expect(originAllowed(h({ origin: "null" }), prod)).toBe(false);
    expect(originAllowed(h({ host: "okoro.example.com" }), prod)).toBe(false);
  });

  it("falls back to the Referer when the Origin is missing", () => {
    expect(originAllowed(h({ referer: "https://okoro.example.com/sign-in" }), prod)).toBe(true);
    expect(originAllowed(h({ referer: "https://okoro.example.com.evil.example/" }), prod)).toBe(false);
  });

  it("in production, never trusts the Host header instead of OKORO_URL", () => {
    expect(originAllowed(h({ origin: "http://10.0.0.5:3000", host: "10.0.0.5:3000" }), prod)).toBe(false);
  });

  it("in development, also accepts the server's own address (next dev on another port)", () => {
    expect(originAllowed(h({ origin: "http://localhost:3001", host: "localhost:3001" }), dev)).toBe(true);
    expect(originAllowed(h({ origin: "http://evil.example", host: "localhost:3001" }), dev)).toBe(false);
  });
});

describe("safeNextPath", () => {
  it("keeps local paths and turns anything else into the dashboard", () => {
    expect(safeNextPath("/dashboard/approvals/apr_1")).toBe("/dashboard/approvals/apr_1");
    for (const bad of ["https://evil.example", "//evil.example", "/\\evil.example", "dashboard", null, undefined, 42]) {
      expect(safeNextPath(bad)).toBe("/dashboard");
    }
  });
});
