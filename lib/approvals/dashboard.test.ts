// What the approval pages are handed: the agent's own words (its name, intent and reason)
// without control or bidi characters, even for rows stored before okoro cleaned what it
// stores — here such rows are written straight into the table.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { setDbHandle } from "@/lib/serve/database";
import { approvals, serviceTokens } from "@/db/schema";
import { approvalForUser, approvalsForDashboard } from "@/lib/approvals/dashboard";
import { readableAgentText } from "@/lib/approvals/describe";
import { newId } from "@/lib/ids";
import { describeDatabases } from "@/test/databases";
import { createHarness, type Harness } from "@/test/harness";

// "delete all repos" shown right to left would read as "soper lla eteled"; with the
// override gone the sentence reads as the agent typed it
const RLO = "\u202e";
const HOSTILE = {
  agent: `helper${RLO}tnega-daer\u200f`,
  intent: `tidy up\u0007 ${RLO}soper lla eteled\u202c\u2066 now\u2069\n\ttoday`,
  reason: `because\u001b[31m it is fine\u0085 \u2067!`,
};

describeDatabases("approval pages' text", (getDb) => {
  let h: Harness;
  let id: string;
  beforeAll(async () => {
    h = await createHarness(getDb().db, "http://127.0.0.1:9");
    setDbHandle(getDb());
    const { row: token } = await h.createToken({ grants: { github: ["read"] } });
    await h.db.update(serviceTokens).set({ name: HOSTILE.agent }).where(eq(serviceTokens.id, token.id));
    id = newId("apr");
    await h.db.insert(approvals).values({
      id,
      userId: h.user.id,
      serviceTokenId: token.id,
      provider: "github",
      scope: "delete",
      intent: HOSTILE.intent,
      reason: HOSTILE.reason,
      ttl: 300,
      expiresAt: new Date(Date.now() + 600_000),
    });
  });
  afterAll(() => setDbHandle(undefined));

  const unreadable = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udfff]/u;

  it("the list and the request's own page show the words without control or bidi characters", async () => {
    const { pending } = await approvalsForDashboard(h.user.id);
    const one = await approvalForUser(h.user.id, id);
    for (const a of [pending.find((p) => p.id === id)!, one!]) {
      expect(a.agent).toBe("helper tnega-daer");
      expect(a.intent).toBe("tidy up soper lla eteled now today");
      expect(a.reason).toBe("because [31m it is fine !");
      for (const text of [a.agent, a.intent, a.reason!]) expect(text).not.toMatch(unreadable);
    }
  });

  it("plain words are left as they are; what a database cannot hold is cleaned too", () => {
    expect(readableAgentText("a\u0000b \ud800")).toBe("a b \ufffd");
    expect(readableAgentText("clean up archived cards — ünïcode ✓ 👩‍💻 مرحبا")).toBe(
      "clean up archived cards — ünïcode ✓ 👩‍💻 مرحبا",
    );
  });
});
