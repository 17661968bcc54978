import { describe, expect, it } from "vitest";
import { mcpSetup } from "@/app/dashboard/tokens/mcp-snippet";

const TOKEN = "svc_0123456789abcdefghijABCDEFGHIJ012345";

describe("mcpSetup", () => {
  it("gives the /mcp URL and a setup per client, each with the token in the Authorization header", () => {
    const setup = mcpSetup({ token: TOKEN, baseUrl: "https://okoro.example/" });
    expect(setup.url).toBe("https://okoro.example/mcp");
    const byId = Object.fromEntries(setup.clients.map((c) => [c.id, c.text]));
    expect(byId["claude-code"]).toBe(
      `claude mcp add --transport http okoro https://okoro.example/mcp --header "Authorization: Bearer ${TOKEN}"`,
    );
    expect(JSON.parse(byId.cursor)).toEqual({
      mcpServers: { okoro: { url: "https://okoro.example/mcp", headers: { Authorization: `Bearer ${TOKEN}` } } },
    });
    expect(JSON.parse(byId.vscode).servers.okoro).toMatchObject({ type: "http", url: "https://okoro.example/mcp" });
    expect(JSON.parse(byId["claude-desktop"]).mcpServers.okoro.env).toEqual({ OKORO_AUTH: `Bearer ${TOKEN}` });
  });
});
