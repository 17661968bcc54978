// Methods Next.js cannot route are refused by the production server itself (scripts/start.mjs)
// with SPEC §10's answer, not a 500.
import http from "node:http";
import { expect, test } from "@playwright/test";

function raw(baseURL: string, method: string, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
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
