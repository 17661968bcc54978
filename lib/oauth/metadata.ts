// RFC 8414 metadata for okoro as the authorization server of /mcp: what an MCP client reads
// (after the protected-resource document) to find where to register, send the person and
// trade codes for tokens. Only what okoro does is advertised: the code flow, PKCE S256,
// public clients, refresh tokens, registration and Client ID Metadata Documents.
import { SCOPES } from "@/lib/scopes";

export const AUTHORIZE_PATH = "/oauth/authorize";
export const TOKEN_PATH = "/api/oauth/token";
export const REGISTER_PATH = "/api/oauth/register";

export function authorizationServerMetadata(url: string) {
  return {
    issuer: url,
    authorization_endpoint: `${url}${AUTHORIZE_PATH}`,
    token_endpoint: `${url}${TOKEN_PATH}`,
    registration_endpoint: `${url}${REGISTER_PATH}`,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["none"],
    scopes_supported: [...SCOPES],
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
    service_documentation: `${url}/docs#mcp-oauth`,
  };
}
