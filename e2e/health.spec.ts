import { expect, test } from "@playwright/test";

test("GET /api/health answers 200 with the database ok", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(res.headers()["cache-control"]).toContain("no-store");
  expect(await res.json()).toEqual({ ok: true, db: "ok" });
});
