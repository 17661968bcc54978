// Methods Next.js cannot route are refused by the production server itself (scripts/start.mjs)
// with docs/errors.md#error-codes's answer, not a 500.
import http from "node:http";
import { expect, test } from "@playwright/test";

function raw(
  baseURL: string,
  method: string,
  path: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const u = new URL(baseURL);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("TRACE and unknown methods on the proxy get 405 method_not_allowed", async ({ baseURL }) => {
  for (const method of ["TRACE", "PROPFIND"]) {
    const res = await raw(baseURL!, method, "/p/github/user");
    expect(res.status, method).toBe(405);
    expect(res.headers["okoro-error"]).toBe("method_not_allowed");
    expect(JSON.parse(res.body).error).toBe("method_not_allowed");
  }
});

// `npm start` serves the agent path (/p/…, POST /api/token) before Next.js routes it
// (lib/serve/start-hook.ts); the rest of the app stays with Next. Next marks what its
// router served with `vary: rsc`.
test("npm start serves the agent path directly and everything else through Next.js", async ({ baseURL }) => {
  const proxied = await raw(baseURL!, "GET", "/p/github/user");
  expect(proxied.status).toBe(401);
  expect(proxied.headers["okoro-error"]).toBe("invalid_token");
  expect(proxied.headers["okoro-request-id"]).toMatch(/^req_/);
  expect(String(proxied.headers.vary ?? "")).not.toMatch(/\brsc\b/);

  const bad = await raw(baseURL!, "GET", "/p/github/%2e%2e/admin");
  expect(bad.status).toBe(400);

  const exchange = await raw(baseURL!, "POST", "/api/token");
  expect(exchange.status).toBe(400); // no body: refused before the token is even looked at
  expect(JSON.parse(exchange.body).error).toBe("invalid_request");
  expect(String(exchange.headers.vary ?? "")).not.toMatch(/\brsc\b/);

  // the approval polls and other methods on /api/token are still Next's routes
  const poll = await raw(baseURL!, "GET", "/api/token/approvals/apr_doesnotexist");
  expect(poll.status).toBeGreaterThanOrEqual(400);
  expect(String(poll.headers.vary ?? "")).toMatch(/\brsc\b/);

  const page = await raw(baseURL!, "GET", "/api/health");
  expect(page.status).toBe(200);
  expect(String(page.headers.vary ?? "")).toMatch(/\brsc\b/);
});
