import { describe, expect, it } from "vitest";
import { normalizeScopes, parseCreateToken, type CreateTokenPayload } from "@/app/dashboard/tokens/create-input";

const now = new Date("2026-01-10T12:00:00Z");
const known = (id: string) => ["github", "openai", "slack"].includes(id);
const base: CreateTokenPayload = {
  name: "research-agent",
  grants: { github: ["read", "write"] },
  maxTtl: "900",
  expiry: "none",
  rateLimit: "",
  quota: "",
  quotaPeriod: "day",
  approvalScopes: [],
};
const parse = (patch: Partial<CreateTokenPayload> | Record<string, unknown>) =>
  parseCreateToken({ ...base, ...patch }, { now, knownProvider: known });

describe("parseCreateToken", () => {
  it("turns the form into createServiceToken's input", () => {
    const r = parse({
      rateLimit: "60",
      quota: " 1000 ",
      quotaPeriod: "month",
      approvalScopes: ["delete", "write"],
      holdScopes: ["delete"],
      expiry: "30",
      maxTtl: "300",
    });
    expect(r).toEqual({
      ok: true,
      input: {
        name: "research-agent",
        grants: { github: ["read", "write"] },
        maxTtl: 300,
        expiresAt: new Date("2026-02-09T12:00:00Z"),
        rateLimit: 60,
        quota: 1000,
        quotaPeriod: "month",
        approvalScopes: ["write", "delete"],
        holdScopes: ["delete"],
      },
    });
  });

  it("defaults the max TTL to 900 s and leaves optional limits unset", () => {
    const r = parse({ maxTtl: "" });
    expect(r.ok && r.input).toMatchObject({
      maxTtl: 900,
      expiresAt: null,
      rateLimit: null,
      quota: null,
      quotaPeriod: null,
      approvalScopes: [],
    });
  });

  it("drops providers with nothing ticked, and keeps all alone", () => {
    const r = parse({ grants: { github: [], openai: ["read", "all"], slack: ["delete", "read", "read"] } });
    expect(r.ok && r.input.grants).toEqual({ openai: ["all"], slack: ["read", "delete"] });
    expect(normalizeScopes(["delete", "read"])).toEqual(["read", "delete"]);
  });

  it("says what to fix, field by field", () => {
    const r = parse({ name: "  ", grants: {}, maxTtl: "1200", rateLimit: "abc", quota: "0" });
    expect(r).toEqual({
      ok: false,
      fieldErrors: {
        name: expect.stringMatching(/Name the agent/),
        grants: "Tick at least one scope, for at least one provider.",
        maxTtl: expect.stringMatching(/between 10 and 900/),
        rateLimit: expect.stringMatching(/whole number/),
        quota: expect.stringMatching(/between 1 and/),
      },
    });
    expect(parse({ name: "-bad" }).ok).toBe(false);
    expect(parse({ name: "x".repeat(65) }).ok).toBe(false);
  });

  it("refuses unknown providers and scopes from a crafted request", () => {
    expect(parse({ grants: { nope: ["read"] } })).toMatchObject({
      ok: false,
      fieldErrors: { grants: expect.any(String) },
    });
    expect(parse({ grants: { github: ["admin"] } })).toMatchObject({
      ok: false,
      fieldErrors: { grants: expect.any(String) },
    });
    expect(parse({ grants: ["github"] })).toMatchObject({ ok: false, fieldErrors: { grants: expect.any(String) } });
    expect(parse({ holdScopes: ["sudo"] })).toMatchObject({ ok: false });
    expect(parse({ approvalScopes: ["sudo"] })).toMatchObject({
      ok: false,
      fieldErrors: { approvalScopes: expect.any(String) },
    });
    expect(parseCreateToken(null, { now, knownProvider: known }).ok).toBe(false);
  });

  it("takes an expiry date in the future, within ten years", () => {
    const at = "2026-03-01T22:59:59.000Z";
    expect(parse({ expiry: "date", expiresAt: at })).toMatchObject({ ok: true, input: { expiresAt: new Date(at) } });
    expect(parse({ expiry: "date", expiresAt: "2025-12-31T00:00:00Z" })).toMatchObject({
      ok: false,
      fieldErrors: { expiry: "Pick a date in the future." },
    });
    expect(parse({ expiry: "date" })).toMatchObject({ ok: false, fieldErrors: { expiry: expect.any(String) } });
    expect(parse({ expiry: "date", expiresAt: "2099-01-01T00:00:00Z" })).toMatchObject({ ok: false });
    expect(parse({ expiry: "14" as never })).toMatchObject({ ok: false, fieldErrors: { expiry: expect.any(String) } });
  });
});
