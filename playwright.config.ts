// End-to-end tests against a production build (`next build`, then `npm start`, which is
// `next start` plus the client-address header; see scripts/start.mjs) on port 3100, with
// a fresh embedded database and generated secrets for every run.
//
//   npx playwright test              builds first only when there is no production build
//   E2E_BUILD=1 npx playwright test  always rebuilds
//
// GitHub is configured against a local stand-in (e2e/oauth-provider.ts on port 3191, the
// first webServer): its OAuth app, authorization server and API, so the browser can run a
// real connect flow and the proxy a real upstream call. The other providers stay
// unconfigured.
//
// Browser: Debian's /usr/bin/chromium when present (apt-get install chromium); otherwise
// whatever Playwright has installed. Nothing is downloaded here.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { OAUTH_PROVIDER } from "./e2e/oauth-provider";

const PORT = 3100;
const BASE_URL = `http://localhost:${PORT}`;

// The config is loaded by the runner and again by each worker; workers inherit the
// runner's environment, so these are made once per run.
process.env.OKORO_E2E_DATA ??= mkdtempSync(path.join(os.tmpdir(), "okoro-e2e-"));
process.env.OKORO_E2E_MASTER_KEYS ??= `e2e:${randomBytes(32).toString("base64")}`;
process.env.OKORO_E2E_AUTH_SECRET ??= randomBytes(32).toString("base64url");
process.env.OKORO_E2E_GITHUB_CLIENT_SECRET ??= randomBytes(24).toString("base64url");
// the local SMTP server (test/smtp.ts) writes every message the app sends here as .eml
process.env.OKORO_E2E_MAIL ??= path.join(process.env.OKORO_E2E_DATA, "mail");
const SMTP_PORT = 3192;

const CHROMIUM = "/usr/bin/chromium";
const launchOptions = {
  executablePath: existsSync(CHROMIUM) ? CHROMIUM : undefined,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

// next.config.mjs reads OKORO_NEXT_DIST_DIR (several builds sharing one checkout)
const distDir = process.env.OKORO_NEXT_DIST_DIR || ".next";
const needsBuild = process.env.E2E_BUILD === "1" || !existsSync(path.join(import.meta.dirname, distDir, "BUILD_ID"));

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  // one server on a small machine: tests run one at a time, in order
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI
    ? [["list"], ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_FILE ?? "test-results/e2e.json" }]]
    : "list",
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions,
  },
  projects: [
    {
      name: "desktop",
      use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 }, launchOptions },
    },
    {
      // the pages a person sees, on a phone-sized screen
      name: "phone",
      use: { ...devices["Pixel 7"], launchOptions },
      testMatch: /screens\.spec\.ts/,
    },
  ],
  webServer: [
    {
      command: `node --import tsx test/smtp.ts ${SMTP_PORT} ${process.env.OKORO_E2E_MAIL}`,
      port: SMTP_PORT,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      // never reused: its client secret is made for this run
      command: "node --import tsx e2e/oauth-provider.ts",
      url: `${OAUTH_PROVIDER.url}/__health`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: { OKORO_URL: BASE_URL, OKORO_E2E_GITHUB_CLIENT_SECRET: process.env.OKORO_E2E_GITHUB_CLIENT_SECRET },
    },
    {
      command: `${needsBuild ? "npx next build && " : ""}npm start -- -p ${PORT}`,
      url: `${BASE_URL}/api/health`,
      timeout: (needsBuild ? 10 : 2) * 60_000,
      reuseExistingServer: !process.env.CI,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        NODE_ENV: "production",
        DATABASE_URL: `pglite:${path.join(process.env.OKORO_E2E_DATA, "pglite")}`,
        OKORO_DATA_DIR: process.env.OKORO_E2E_DATA,
        OKORO_URL: BASE_URL,
        OKORO_MASTER_KEYS: process.env.OKORO_E2E_MASTER_KEYS,
        AUTH_SECRET: process.env.OKORO_E2E_AUTH_SECRET,
        NEXT_TELEMETRY_DISABLED: "1",
        // every spec signs up from 127.0.0.1; retries in CI must not hit the per-IP limit
        OKORO_SIGNUPS_PER_HOUR: "100",
        // every spec signs in from 127.0.0.1 within minutes (and retries sign in again)
        OKORO_SIGNINS_PER_10_MIN: "500",
        // notification receivers in the specs listen on 127.0.0.1
        OKORO_NOTIFY_PRIVATE_NETWORK: "1",
        // mail goes to the local SMTP server above (docs/configuration.md#mail)
        OKORO_SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
        OKORO_GITHUB_CLIENT_ID: OAUTH_PROVIDER.clientId,
        OKORO_GITHUB_CLIENT_SECRET: process.env.OKORO_E2E_GITHUB_CLIENT_SECRET,
        OKORO_PROVIDER_GITHUB_AUTHORIZE_URL: `${OAUTH_PROVIDER.url}/authorize`,
        OKORO_PROVIDER_GITHUB_TOKEN_URL: `${OAUTH_PROVIDER.url}/token`,
        OKORO_PROVIDER_GITHUB_USERINFO_URL: `${OAUTH_PROVIDER.url}/userinfo`,
        OKORO_PROVIDER_GITHUB_BASE_URL: OAUTH_PROVIDER.url,
      },
    },
  ],
});
