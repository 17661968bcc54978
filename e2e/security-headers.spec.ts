// The headers every page carries (a Content-Security-Policy that forbids framing, no MIME
// sniffing, a referrer policy), and that the pages still work under that policy: each one
// renders, its client code runs, and the browser reports no CSP violation. Screenshot:
// e2e/.artifacts/<project>-headers-dashboard.png.
import { expect, test, type Page, type Response } from "@playwright/test";
import { shot, signUp, uniqueEmail } from "./helpers";

function expectPageHeaders(response: Response | null) {
  expect(response, "a document response").not.toBeNull();
  const headers = response!.headers();
  const csp = headers["content-security-policy"] ?? "";
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  // OKORO_URL is http://localhost here: no HSTS on a plain-HTTP origin
  expect(headers["strict-transport-security"]).toBeUndefined();
}

/** Records CSP violations and console errors from the moment the page starts loading. */
function watchForViolations(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  void page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  return problems;
}

test("public pages carry the security headers and render under the policy", async ({ page }) => {
  const problems = watchForViolations(page);
  for (const [path, heading] of [
    ["/sign-in", "Sign in to okoro"],
    ["/sign-up", "Create your okoro account"],
    ["/docs", undefined],
    ["/", undefined],
  ] as const) {
    const response = await page.goto(path);
    expectPageHeaders(response);
    if (heading) await expect(page.getByRole("heading", { name: heading })).toBeVisible();
    else await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  }
  // client code runs: the sign-in form validates in the browser before posting
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  expect(problems).toEqual([]);
});

test("signed in: the dashboard pages carry the headers and work under the policy", async ({ page }, testInfo) => {
  const problems = watchForViolations(page);
  await signUp(page, { email: uniqueEmail("headers"), name: "Frances Allen" });
  const dashboard = await page.goto("/dashboard");
  expectPageHeaders(dashboard);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.waitForLoadState("networkidle");
  await shot(page, testInfo, "headers-dashboard");

  for (const [path, title] of [
    ["connections", "Connections"],
    ["tokens", "Service tokens"],
    ["audit", "Audit"],
    ["approvals", "Approvals"],
  ] as const) {
    const response = await page.goto(`/dashboard/${path}`);
    expectPageHeaders(response);
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  }
  // React is alive (hydrated event handlers): the token form opens and closes in the page
  await page.goto("/dashboard/tokens");
  await page.getByRole("button", { name: "Create a service token" }).click();
  await expect(page.getByLabel("Agent name")).toBeVisible();
  // the client-side navigation fetches (RSC payloads) are allowed too
  await page.getByRole("link", { name: "Connections" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Connections" })).toBeVisible();
  expect(problems).toEqual([]);
});

test("starting a connect is a POST from okoro's own pages; a GET or another site's POST starts nothing", async ({
  request,
  baseURL,
}) => {
  const get = await request.get("/api/connect/github", { maxRedirects: 0 });
  expect(get.status()).toBe(405);
  expect(get.headers()["allow"]).toBe("POST");
  const foreign = await request.post("/api/connect/github", {
    maxRedirects: 0,
    headers: { origin: "https://evil.example" },
  });
  expect(foreign.status()).toBe(403);
  // from okoro's own origin, signed out: to sign-in, and back to the connections page after
  const own = await request.post("/api/connect/github", { maxRedirects: 0, headers: { origin: baseURL! } });
  expect(own.status()).toBe(303);
  expect(own.headers()["location"]).toBe(`${baseURL}/sign-in?next=%2Fdashboard%2Fconnections`);
});
