import { describe, expect, it } from "vitest";
import { agentSnippet, EXAMPLE_CALLS, exampleScope } from "@/app/dashboard/tokens/snippet";
import { PROVIDER_IDS } from "@/lib/providers/catalog";

const TOKEN = "svc_0123456789abcdefghijABCDEFGHIJ012345";

describe("agentSnippet", () => {
  it("exports the token once and exchanges and calls each granted provider", () => {
    const snippet = agentSnippet({
      token: TOKEN,
      baseUrl: "https://okoro.example/",
      grants: [
        { provider: "github", name: "GitHub", scopes: ["read", "write"] },
        { provider: "google-drive", name: "Google Drive", scopes: ["all"] },
      ],
      approvalScopes: [],
    });
    expect(snippet.split(TOKEN)).toHaveLength(2);
    expect(snippet).toContain(`export OKORO_SERVICE_TOKEN=${TOKEN}`);
    expect(snippet).toContain("curl -sS -X POST https://okoro.example/api/token");
    expect(snippet).toContain(
      `-d '{"provider":"github","scope":"read","intent":"check which GitHub account is connected"}'`,
    );
    expect(snippet).toContain('curl -sS "https://okoro.example/p/github/user"');
    // all covers read, so the example stays harmless and needs no reason
    expect(snippet).toContain('"provider":"google-drive","scope":"read"');
    expect(snippet).toContain('"https://okoro.example/p/google-drive/drive/v3/about?fields=user"');
    expect(snippet).not.toContain("//api/token");
  });

  it("uses the granted scope when the token cannot read, with a method that fits it", () => {
    const snippet = agentSnippet({
      token: TOKEN,
      baseUrl: "http://localhost:3000",
      grants: [{ provider: "slack", name: "Slack", scopes: ["delete"] }],
      approvalScopes: [],
    });
    expect(snippet).toContain('"scope":"delete"');
    expect(snippet).toContain('curl -sS -X DELETE "http://localhost:3000/p/slack/…"');
  });

  it("warns when the example scope needs the person's approval", () => {
    const snippet = agentSnippet({
      token: TOKEN,
      baseUrl: "http://localhost:3000",
      grants: [{ provider: "openai", name: "OpenAI", scopes: ["read"] }],
      approvalScopes: ["read"],
    });
    expect(snippet).toMatch(/read needs your approval: the answer is 202/);
  });

  it("quotes intents safely for the shell", () => {
    const snippet = agentSnippet({
      token: TOKEN,
      baseUrl: "http://x",
      grants: [{ provider: "openai", name: "Open'AI", scopes: ["write"] }],
      approvalScopes: [],
    });
    expect(snippet).toContain(`'{"provider":"openai","scope":"write","intent":"write on Open'"'"'AI"}'`);
  });

  it("has a harmless example for every provider in the catalog", () => {
    for (const id of PROVIDER_IDS) expect(EXAMPLE_CALLS[id], id).toBeDefined();
    expect(exampleScope(["update", "delete"])).toBe("update");
  });
});
