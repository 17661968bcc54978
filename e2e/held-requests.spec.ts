// Held requests end to end (docs/agent-api.md#held-requests, docs/dashboard.md#held-requests):
// an agent's DELETE is held; its person sees the method, the full URL and the body on the
// approval page; approving a delete asks for the password when the last confirmation is
// old; once approved, okoro sends it once and the agent's poll gets the provider's answer.
import path from "node:path";
import { expect, test } from "@playwright/test";
import { eq, sql } from "drizzle-orm";
import { openDatabase } from "@/db/client";
import { users, userSessions } from "@/db/schema";
import { OAUTH_PROVIDER, type Received } from "./oauth-provider";
import { PASSWORD, shot, signUp, uniqueEmail } from "./helpers";

async function withDatabase<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>["db"]) => Promise<T>): Promise<T> {
  const handle = await openDatabase({ driver: "pglite", pgliteDir: path.join(process.env.OKORO_E2E_DATA!, "pglite") });
  try {
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}

test("an agent's DELETE is held, shown as it will be sent, approved after a re-sign-in, and its poll gets the answer", async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(180_000);
  const email = uniqueEmail("held");
  await signUp(page, { email, name: "Ada" });

  // connect GitHub (the local stand-in on OAUTH_PROVIDER.url)
  await page.goto("/dashboard/connections");
  await page.getByTestId("connection-github").getByRole("button", { name: "Connect GitHub" }).click();
  await expect(page).toHaveURL((url) => url.origin === OAUTH_PROVIDER.url && url.pathname === "/authorize");
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page).toHaveURL(/^http:\/\/[^/]+\/dashboard\/connections\?connected=github$/);

  // a token whose deletes are held
  await page.goto("/dashboard/tokens");
  await page.getByRole("button", { name: "Create a service token" }).click();
  await page.getByLabel("Agent name").fill("cleanup-agent");
  await page.getByLabel("delete on GitHub").check();
  await page.getByLabel("Hold each delete request for my approval").check();
  await page.getByRole("button", { name: "Create token" }).click();
  const token = ((await page.getByTestId("token-created").getByTestId("new-token").textContent()) ?? "").trim();
  expect(token).toMatch(/^svc_[0-9A-Za-z]{38}$/);

  const exchanged = await request.post("/api/token", {
    headers: { Authorization: `Bearer ${token}` },
    data: { provider: "github", scope: "delete", intent: "remove the stale label" },
  });
  expect(exchanged.status()).toBe(200);
  const op = ((await exchanged.json()) as { access_token: string }).access_token;

  const before = (await (await request.get(`${OAUTH_PROVIDER.url}/__received`)).json()) as Received;
  const held = await request.delete("/p/github/repos/octo/hello/labels/stale?confirm=yes", {
    headers: { Authorization: `Bearer ${op}`, "content-type": "application/json" },
    data: { reason: "stale", labels: ["wontfix"] },
  });
  expect(held.status()).toBe(202);
  const body = (await held.json()) as { approval_url: string; poll_url: string; digest: string; status: string };
  expect(body.status).toBe("held");
  expect(body.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  const poll = () => request.get(new URL(body.poll_url).pathname, { headers: { Authorization: `Bearer ${token}` } });
  expect((await poll()).status()).toBe(202);

  // the list says what will be sent, in one line
  await page.goto("/dashboard/approvals");
  await expect(page.getByTestId("held-request-line")).toHaveText("DELETE /repos/octo/hello/labels/stale?confirm=yes");
  await shot(page, testInfo, "held-list");

  // the page shows the request as it will be sent
  const approvalPath = new URL(body.approval_url).pathname;
  await page.goto(approvalPath);
  await expect(page.getByTestId("held-method")).toHaveText("DELETE");
  await expect(page.getByTestId("held-url")).toHaveText(
    `${OAUTH_PROVIDER.url}/repos/octo/hello/labels/stale?confirm=yes`,
  );
  await expect(page.getByTestId("held-body")).toContainText('"labels": [');
  await expect(page.getByTestId("held-sentence")).toContainText("remove the stale label");
  await shot(page, testInfo, "held-pending");

  // the last confirmation is old: approving a delete asks for the password first
  await withDatabase(async (db) => {
    const [user] = await db.select().from(users).where(eq(users.email, email));
    await db
      .update(userSessions)
      .set({ verifiedAt: sql`now() - interval '11 minutes'` })
      .where(eq(userSessions.userId, user.id));
  });
  await page.getByRole("button", { name: "Approve once" }).click();
  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible();
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/^http:\/\/[^/]+\/dashboard\/approvals\/apr_[0-9A-Za-z]{22}$/);
  // nothing was sent before the approval
  const mid = (await (await request.get(`${OAUTH_PROVIDER.url}/__received`)).json()) as Received;
  expect(mid.api.filter((r) => r.method === "DELETE").length).toBe(
    before.api.filter((r) => r.method === "DELETE").length,
  );
  await page.getByRole("button", { name: "Approve once" }).click();
  await expect(page.getByRole("button", { name: "Approve once" })).toHaveCount(0);
  await shot(page, testInfo, "held-approved");

  // sent once; the agent's poll gets GitHub's own answer, then 410
  const after = (await (await request.get(`${OAUTH_PROVIDER.url}/__received`)).json()) as Received;
  const deletes = after.api.filter(
    (r) => r.method === "DELETE" && r.path === "/repos/octo/hello/labels/stale?confirm=yes",
  );
  expect(deletes).toHaveLength(1);
  expect(deletes[0].issuedHere).toBe(true);
  const answer = await poll();
  expect(answer.status()).toBe(404);
  expect(answer.headers()["okoro-approval-id"]).toBe(approvalPath.split("/").pop());
  expect(await answer.json()).toEqual({ message: "Not Found" });
  expect((await poll()).status()).toBe(410);
});
