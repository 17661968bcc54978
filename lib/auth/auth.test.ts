// next-auth's URLs follow OKORO_URL, never the Host a request claims: a forged Host or
// X-Forwarded-Host must not turn the OAuth callback, a redirect after sign-in or the
// session endpoint into an address of an attacker's choosing. No database is touched:
// the endpoints asked here answer from the configuration alone.
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handlers } from "@/lib/auth/auth";
import { setEnvForTesting } from "@/lib/env";
import { testEnv } from "@/test/harness";

const PINNED = "https://okoro.example";
const FORGED = { host: "attacker.example", "x-forwarded-host": "attacker.example", "x-forwarded-proto": "http" };

function forged(path: string): NextRequest {
  return new NextRequest(`http://attacker.example${path}`, { headers: FORGED });
}

describe("next-auth's base URL", () => {
  const before = process.env.AUTH_URL;
  beforeAll(() => {
    delete process.env.AUTH_URL;
    setEnvForTesting(
      testEnv("http://127.0.0.1:9", { OKORO_URL: PINNED, AUTH_GITHUB_ID: "gh-id", AUTH_GITHUB_SECRET: "gh-secret" }),
    );
  });
  afterAll(() => {
    setEnvForTesting(undefined);
    if (before === undefined) delete process.env.AUTH_URL;
    else process.env.AUTH_URL = before;
  });

  it("the OAuth callback and sign-in URLs are OKORO_URL's, whatever the Host says", async () => {
    const res = await handlers.GET(forged("/api/auth/providers"));
    expect(res.status).toBe(200);
    const providers = (await res.json()) as Record<string, { signinUrl: string; callbackUrl: string }>;
    expect(providers.github).toMatchObject({
      signinUrl: `${PINNED}/api/auth/signin/github`,
      callbackUrl: `${PINNED}/api/auth/callback/github`,
    });
    expect(JSON.stringify(providers)).not.toContain("attacker.example");
  });

  it("where it sends a person back to after signing in or out is OKORO_URL", async () => {
    const res = await handlers.GET(forged("/api/auth/signin"));
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location")!, PINNED);
    expect(location.pathname).toBe("/sign-in");
    expect(location.searchParams.get("callbackUrl")).toBe(PINNED);
    const signOut = await (await handlers.GET(forged("/api/auth/signout"))).text();
    expect(signOut).toContain(`${PINNED}/api/auth/signout`);
    expect(signOut).not.toContain("attacker.example");
  });

  it("the URLs signIn() and auth() build from the request headers are OKORO_URL's too", async () => {
    // next-auth builds them (createActionURL) from AUTH_URL whenever it is set, before
    // looking at any header; the first request pins it
    await handlers.GET(forged("/api/auth/providers"));
    expect(process.env.AUTH_URL).toBe(`${PINNED}/api/auth`);
  });
});
