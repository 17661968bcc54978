// The MCP setup shown next to a new service token: okoro's /mcp URL and ready-to-paste
// configuration for the clients people use most. Each carries the token in the header
// okoro reads; Claude Desktop reaches remote servers through the mcp-remote bridge, with
// the header in an environment variable so no shell splits it.
export type McpSetup = { url: string; clients: { id: string; label: string; where: string; text: string }[] };

export function mcpSetup(options: { token: string; baseUrl: string }): McpSetup {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/mcp`;
  const authorization = `Bearer ${options.token}`;
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  return {
    url,
    clients: [
      {
        id: "claude-code",
        label: "Claude Code",
        where: "Run in a terminal:",
        text: `claude mcp add --transport http okoro ${url} --header "Authorization: ${authorization}"`,
      },
      {
        id: "cursor",
        label: "Cursor",
        where: "In ~/.cursor/mcp.json (or .cursor/mcp.json in a project):",
        text: json({ mcpServers: { okoro: { url, headers: { Authorization: authorization } } } }),
      },
      {
        id: "vscode",
        label: "VS Code",
        where: "In .vscode/mcp.json:",
        text: json({ servers: { okoro: { type: "http", url, headers: { Authorization: authorization } } } }),
      },
      {
        id: "claude-desktop",
        label: "Claude Desktop",
        where: "In claude_desktop_config.json (Settings → Developer → Edit Config):",
        text: json({
          mcpServers: {
            okoro: {
              command: "npx",
              args: ["-y", "mcp-remote", url, "--header", "Authorization:${OKORO_AUTH}"],
              env: { OKORO_AUTH: authorization },
            },
          },
        }),
      },
    ],
  };
}
