// The audit viewer and the overview end to end. A person signs up; an agent's life is
// then played against the running app the way it really happens: the person's service
// token and connection come from the `okoro` CLI (sharing the embedded database through
// its socket), the agent exchanges tokens over HTTP — one granted, one refused, one that
// names another provider — and makes a request its token does not allow. The person then
// reads it all in the dashboard: the table, filters, the drawer, flagged-only, the chain
// status, exports; desktop (1280×800) and phone (390×844) screenshots go to e2e/.artifacts.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { PASSWORD, shot, signUp, uniqueEmail } from "./helpers";

test.describe.configure({ mode: "serial" });

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");
const email = uniqueEmail("audit");

/** `okoro …` against the app's own database (the variables playwright.config.ts gave the server). */
async function okoro(args: string[], stdin?: string, baseURL = "http://localhost:3100"): Promise<string> {
  const dataDir = process.env.OKORO_E2E_DATA!;
  const child = run(process.execPath, [path.join(ROOT, "bin", "okoro.mjs"), ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: `pglite:${path.join(dataDir, "pglite")}`,
      OKORO_DATA_DIR: dataDir,
      OKORO_URL: baseURL,
      OKORO_MASTER_KEYS: process.env.OKORO_E2E_MASTER_KEYS!,
      AUTH_SECRET: process.env.OKORO_E2E_AUTH_SECRET!,
    },
  });
  if (stdin !== undefined) {
    child.child.stdin?.end(stdin);
  }
  const { stdout } = await child;
  return stdout;
}

async function exchange(request: APIRequestContext, token: string, body: Record<string, unknown>) {
  return request.post("/api/token", { headers: { authorization: `Bearer ${token}` }, data: body });
}

/** The rows shown in whichever layout is on screen (table rows on desktop, cards on a phone). */
const rows = (page: Page) => page.locator("[data-testid=audit-row]:visible");

test("an agent's exchanges and requests are recorded", async ({ page, request, baseURL }) => {
  await signUp(page, { email, name: "Audrey Tang" });

  const created = JSON.parse(
    await okoro(
      ["token", "create", "--user", email, "--name", "research-agent", "--grant", "github:read,delete", "--json"],
      undefined,
      baseURL,
    ),
  ) as { token: string };
  expect(created.token).toMatch(/^svc_/);
  await okoro(
    ["connection", "set", "--user", email, "--provider", "github"],
    JSON.stringify({ access_token: "ghp_e2eNotARealToken000000000000" }),
    baseURL,
  );

  // granted, and an honest intent
  const read = await exchange(request, created.token, {
    provider: "github",
    scope: "read",
    intent: "check todo items on the project board",
  });
  expect(read.status()).toBe(200);
  const op = ((await read.json()) as { access_token: string }).access_token;
  // refused: not granted
  expect(
    (
      await exchange(request, created.token, {
        provider: "github",
        scope: "write",
        intent: "create an issue for the bug",
      })
    ).status(),
  ).toBe(403);
  // granted, but flagged: the intent only reads, the token may delete
  expect(
    (
      await exchange(request, created.token, {
        provider: "github",
        scope: "delete",
        intent: "check todo items on the project board",
      })
    ).status(),
  ).toBe(200);
  // granted, but flagged: the intent names another provider
  expect(
    (
      await exchange(request, created.token, {
        provider: "github",
        scope: "read",
        intent: "post the weekly summary to slack",
      })
    ).status(),
  ).toBe(200);
  // a DELETE with the read token: refused by the proxy before it reaches GitHub
  const del = await request.delete("/p/github/repos/acme/api/issues/7", { headers: { authorization: `Bearer ${op}` } });
  expect(del.status()).toBe(403);
  expect(del.headers()["okoro-error"]).toBe("insufficient_scope");
});

test("the audit log shows them, filters them and explains the flags", async ({ page }, testInfo) => {
  await signIn(page);
  await page.goto("/dashboard/audit");
  await expect(page.getByRole("heading", { level: 1, name: "Audit" })).toBeVisible();
  await expect(page.getByTestId("chain-status")).toContainText(/Verified through seq \d+/, { timeout: 20_000 });

  // newest first: the refused DELETE on top (after this visit's own sign-in)
  await expect(rows(page).filter({ hasNotText: "auth.signin" }).first()).toContainText("proxy.denied");
  for (const event of ["token.issued", "token.denied", "service_token.created", "connection.created", "auth.signin"]) {
    await expect(rows(page).filter({ hasText: event }).first()).toBeVisible();
  }
  await shot(page, testInfo, "audit");

  // a filter is a URL: shareable, and Back undoes it
  await page.getByLabel("Event", { exact: true }).selectOption("token.issued");
  await expect(page).toHaveURL(/[?&]event=token\.issued/);
  await expect(rows(page)).toHaveCount(3);
  await page.getByLabel("Search intents and paths").fill("todo");
  await expect(page).toHaveURL(/[?&]q=todo/);
  await expect(rows(page)).toHaveCount(2);
  await page.goBack();
  await expect(page).toHaveURL(/\/dashboard\/audit\?event=token\.issued$/);
  await expect(rows(page)).toHaveCount(3);
  await page
    .getByRole("button", { name: "Clear all filters" })
    .or(page.getByRole("button", { name: /Event: token\.issued/ }))
    .first()
    .click();
  await expect(page).toHaveURL(/\/dashboard\/audit$/);

  // flagged only: the three flagged events, each flag explaining itself — the refused
  // DELETE too, since "check …" does not delete (docs/audit.md#audit-log)
  await page.getByLabel("Flagged only").check();
  await expect(page).toHaveURL(/[?&]flagged=1/);
  await expect(rows(page)).toHaveCount(3);
  await expect(rows(page).first()).toContainText("proxy.denied");
  await expect(rows(page).first().locator("[data-flag=intent_mismatch]:visible")).toHaveAccessibleDescription(
    /reads, but the request deletes/,
  );
  await expect(rows(page).nth(1).locator("[data-flag=provider_mismatch]:visible")).toHaveAccessibleDescription(
    /Intent names Slack, but the token is for GitHub/,
  );
  const mismatch = rows(page).nth(2).locator("[data-flag=intent_mismatch]:visible");
  await expect(mismatch).toHaveAccessibleDescription(
    /Intent "check todo items on the project board" reads, but the token allows delete/,
  );
  await mismatch.hover();
  await expect(page.getByText(/reads, but the token allows delete/).last()).toBeVisible();
  await shot(page, testInfo, "audit-flagged");

  // sorting by a column is a URL too
  await page.getByLabel("Flagged only").uncheck();
  await page.getByRole("button", { name: /^Agent/ }).click();
  await expect(page).toHaveURL(/sort=agent&dir=asc/);
  await expect(page.locator("th[aria-sort=ascending]")).toHaveText(/Agent/);
});

test("the drawer shows every field of an event, and the keyboard works it", async ({ page }, testInfo) => {
  await signIn(page);
  await page.goto("/dashboard/audit?event=proxy.denied");
  const open = rows(page).first().locator("button[data-open-event]:visible");
  await open.focus();
  await page.keyboard.press("Enter");

  const drawer = page.getByRole("dialog");
  await expect(drawer).toBeVisible();
  await expect(page).toHaveURL(/[?&]id=evt_/);
  await expect(drawer.getByRole("heading", { name: "proxy.denied" })).toBeVisible();
  for (const label of [
    "Agent",
    "Provider",
    "Intent",
    "Method",
    "Path",
    "Status",
    "IP address",
    "User agent",
    "Request id",
    "Sequence",
    "Previous hash",
    "Hash",
  ]) {
    await expect(drawer.getByText(label, { exact: true })).toBeVisible();
  }
  await expect(drawer.getByText("insufficient_scope").first()).toBeVisible();
  await expect(drawer.getByText(/repos\/acme\/api\/issues\/7/).first()).toBeVisible();
  await expect(drawer.getByText(/^[0-9a-f]{64}$/).first()).toBeVisible();
  await shot(page, testInfo, "audit-drawer");

  // Escape closes it and gives the focus back to the row it came from
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
  await expect(page).not.toHaveURL(/[?&]id=/);
  await expect(open).toBeFocused();

  // a link to an event opens it straight away
  await page.keyboard.press("Enter");
  await expect(drawer).toBeVisible();
  const link = page.url();
  await page.goto("/dashboard");
  await page.goto(link);
  await expect(page.getByRole("dialog").getByRole("heading", { name: "proxy.denied" })).toBeVisible();
  // and the close button closes it
  await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
});

test("exports download the filtered log as CSV and JSON Lines", async ({ page }) => {
  await signIn(page);
  await page.goto("/dashboard/audit?agent=research-agent");
  await expect(rows(page).first()).toBeVisible();

  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  expect(csv.suggestedFilename()).toMatch(/^okoro-audit-\d{8}-\d{4}\.csv$/);
  const csvText = await readFile((await csv.path())!, "utf8");
  const lines = csvText.trimEnd().split("\n");
  expect(lines[0]).toMatch(/^seq,id,at,user_id,event,agent,/);
  expect(lines.length).toBeGreaterThan(3);
  expect(lines.slice(1).every((l) => l.includes("research-agent"))).toBe(true);

  const [jsonl] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-jsonl").click()]);
  expect(jsonl.suggestedFilename()).toMatch(/\.jsonl$/);
  const events = (await readFile((await jsonl.path())!, "utf8"))
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as { agent: string; event: string; hash: string });
  expect(events.length).toBe(lines.length - 1);
  expect(events.every((e) => e.agent === "research-agent" && /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
  expect(events.map((e) => e.event)).toContain("proxy.denied");
});

test("the overview charts the activity and lists the flagged events", async ({ page }, testInfo) => {
  await signIn(page);
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Activity, last 24 hours" })).toBeVisible();
  // 4 exchanges (3 granted, 2 of them flagged; 1 refused) and 1 refused, flagged request
  await expect(page.locator("figure figcaption")).toHaveText(/In the last 24 hours: 1 allowed, 1 denied, 3 flagged\./);
  await expect(page.getByTestId("recent-flagged").getByRole("listitem")).toHaveCount(3);
  await expect(page.getByTestId("recent-flagged")).toContainText("Intent names Slack, but the token is for GitHub");
  await expect(page.getByText("Nothing is waiting for you")).toBeVisible();
  await expect(page.getByTestId("chain-status")).toContainText(/Verified through seq/, { timeout: 20_000 });
  await shot(page, testInfo, "overview");

  // a flagged event opens in the audit log's drawer
  await page.getByTestId("recent-flagged").getByRole("link").first().click();
  await expect(page).toHaveURL(/\/dashboard\/audit\?flagged=1&id=evt_/);
  await expect(page.getByRole("dialog")).toBeVisible();
});

test("a new account sees the first steps, and an empty audit log says what will come", async ({ page }, testInfo) => {
  await signUp(page, { email: uniqueEmail("audit-new"), name: "Grace Hopper" });
  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Grace" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Open connections" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Create a token" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Read the docs" })).toBeVisible();
  await page.goto("/dashboard/audit?agent=nobody");
  await expect(page.getByText(/No events match this filter/)).toBeVisible();
  await shot(page, testInfo, "audit-no-match");
});

test("on a phone (390×844) the log, the drawer and the overview fit the screen", async ({ browser }) => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  // the drawer is a fixed layer: a full-page shot would show the page's tail below it
  const save = (name: string, fullPage = true) =>
    page.screenshot({ path: path.join(import.meta.dirname, ".artifacts", `phone-390-${name}.png`), fullPage });
  try {
    await signIn(page);
    await page.goto("/dashboard/audit");
    await expect(rows(page).first()).toBeVisible();
    await expect(page.getByRole("table")).toBeHidden();
    await expectNoHorizontalScroll(page);
    await save("audit");

    // the filters fold away behind a button
    await expect(page.getByLabel("Provider", { exact: true })).toBeHidden();
    await page.getByRole("button", { name: "Filters" }).click();
    await page.getByLabel("Provider", { exact: true }).selectOption("github");
    await expect(page).toHaveURL(/provider=github/);
    await page.getByLabel("Sort by").selectOption("time:asc");
    await expect(page).toHaveURL(/sort=time&dir=asc/);
    await expectNoHorizontalScroll(page);

    await rows(page).first().click();
    await expect(page.getByRole("dialog")).toBeVisible();
    // within the screen once it has slid in (sub-pixel sizes rounded)
    await expect
      .poll(async () => {
        const box = await page.getByRole("dialog").boundingBox();
        return box ? [Math.round(box.x), Math.round(box.x + box.width)] : null;
      })
      .toEqual([0, 390]);
    await save("audit-drawer", false);
    await page.keyboard.press("Escape");

    await page.goto("/dashboard");
    await expect(page.getByRole("heading", { name: "Activity, last 24 hours" })).toBeVisible();
    await expectNoHorizontalScroll(page);
    await save("overview");
  } finally {
    await context.close();
  }
});

async function signIn(page: Page) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, "page is wider than the screen").toBeLessThanOrEqual(0);
}
