// Where /mcp lives and the RFC 9728 document that describes it: what an MCP client reads
// after a 401 to learn which authorization server issues /mcp's tokens.
export const MCP_PATH = "/mcp";

export function protectedResourceMetadataUrl(url: string): string {
  return `${url}/.well-known/oauth-protected-resource${MCP_PATH}`;
}

export function protectedResourceMetadata(url: string) {
  return {
    resource: `${url}${MCP_PATH}`,
    authorization_servers: [url],
    scopes_supported: ["read", "write", "update", "delete", "all"],
    bearer_methods_supported: ["header"],
    resource_name: "okoro",
    resource_documentation: `${url}/docs#mcp`,
  };
}
