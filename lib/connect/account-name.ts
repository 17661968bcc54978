// The name the dashboard shows for a connected account ("octocat", "me@gmail.com", "Acme
// workspace"). Some providers say it in the token response (Slack's team, Notion's
// workspace); the others answer at the entry's userinfo URL. A missing name never fails a
// connection: this returns null instead.
import "server-only";
import { displayText } from "@/lib/connect/oauth2";
import { providerRequest } from "@/lib/connect/provider-http";

// Where the catalog's providers put a readable name, most telling first:
// GitHub /user → login; Trello members/me → username; Gmail profile → emailAddress;
// Drive about → user.emailAddress; Slack auth.test → team; Notion → workspace_name.
const USERINFO_FIELDS = [
  "login",
  "username",
  "emailAddress",
  "email",
  "user.emailAddress",
  "user.displayName",
  "team",
  "workspace_name",
  "bot.workspace_name",
  "fullName",
  "name",
];
const TOKEN_RESPONSE_FIELDS = ["team.name", "workspace_name"];

function pick(json: unknown, path: string): unknown {
  let value = json;
  for (const key of path.split(".")) {
    if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function firstName(json: unknown, fields: string[]): string | null {
  for (const field of fields) {
    const name = displayText(pick(json, field), 120);
    if (name) return name;
  }
  return null;
}

export function accountNameFromTokenResponse(response: Record<string, unknown>): string | null {
  return firstName(response, TOKEN_RESPONSE_FIELDS);
}

export function accountNameFromUserinfo(json: unknown): string | null {
  return firstName(json, USERINFO_FIELDS);
}

/** GETs the userinfo URL with the given (credential) headers; null on any failure. */
export async function fetchAccountName(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<string | null> {
  try {
    const response = await providerRequest(
      url,
      { method: "GET", headers: { Accept: "application/json", ...headers } },
      timeoutMs,
    );
    if (response.status !== 200) return null;
    return accountNameFromUserinfo(JSON.parse(response.text));
  } catch {
    return null;
  }
}
