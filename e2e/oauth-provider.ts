// A stand-in GitHub for the browser tests, on a fixed port so the app can be pointed at it
// before it starts (playwright.config.ts runs `node --import tsx e2e/oauth-provider.ts`
// as a webServer and gives the app OKORO_PROVIDER_GITHUB_*_URL overrides to here):
//
// - the strict OAuth 2 server of test/oauth-servers.ts (PKCE S256, client secret in the
//   body, exact redirect_uri, single-use codes) with a real consent page, Allow / Deny;
// - GitHub's API for everything else: `GET /user` answers for an access token this server
//   issued, 401 otherwise — the proxy's upstream;
// - `GET /__received`: what the API and the authorization server saw, for the tests to
//   assert on (the access token okoro injected is in there; nothing is logged).
import type http from "node:http";
import { pathToFileURL } from "node:url";
import { startOAuth2Server, type OAuth2Server } from "../test/oauth-servers";

export const OAUTH_PROVIDER = {
  port: 3191,
  url: "http://127.0.0.1:3191",
  clientId: "okoro-e2e-github",
  /** the GitHub login the userinfo endpoint and GET /user answer */
  login: "octo-e2e",
};

/** One request that reached the API. */
export type ApiRequest = {
  method: string;
  path: string;
  authorization: string | null;
  userAgent: string | null;
  /** the bearer is an access token this server issued (and it has not expired) */
  issuedHere: boolean;
};

export type Received = {
  api: ApiRequest[];
  oauth: { authorizeRequests: number; codeExchanges: number; userinfoCalls: number; rejected: string[] };
};

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

async function main() {
  const okoroUrl = process.env.OKORO_URL;
  const clientSecret = process.env.OKORO_E2E_GITHUB_CLIENT_SECRET;
  if (!okoroUrl || !clientSecret)
    throw new Error("OKORO_URL and OKORO_E2E_GITHUB_CLIENT_SECRET must be set (playwright.config.ts does)");
  const user = { login: OAUTH_PROVIDER.login, id: 4242, name: "Octo E2E" };
  const api: ApiRequest[] = [];
  // the fallback runs only once the server is up, so `server` is set by then
  const server: OAuth2Server = await startOAuth2Server({
    port: OAUTH_PROVIDER.port,
    clientId: OAUTH_PROVIDER.clientId,
    clientSecret,
    // what the catalog says GitHub does
    clientAuth: "body",
    requirePkce: true,
    redirectUri: `${okoroUrl}/api/connect/github/callback`,
    userinfo: user,
    consent: "ask",
    fallback(req, res) {
      const url = new URL(req.url ?? "/", OAUTH_PROVIDER.url);
      if (url.pathname === "/__health") return json(res, 200, { ok: true });
      // the browser's own request on the consent page, not an API call
      if (url.pathname === "/favicon.ico") return json(res, 404, { message: "Not Found" });
      if (url.pathname === "/__received") {
        const { authorizeRequests, codeExchanges, userinfoCalls, rejected } = server.stats;
        return json(res, 200, {
          api,
          oauth: { authorizeRequests, codeExchanges, userinfoCalls, rejected },
        } satisfies Received);
      }
      const authorization = req.headers.authorization ?? null;
      const bearer = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
      const issuedHere = bearer !== undefined && server.isValidAccessToken(bearer);
      api.push({
        method: req.method ?? "",
        path: `${url.pathname}${url.search}`,
        authorization,
        userAgent: req.headers["user-agent"] ?? null,
        issuedHere,
      });
      // GitHub's answers, in its words
      if (!issuedHere) return json(res, 401, { message: "Bad credentials" });
      if (req.method === "GET" && url.pathname === "/user") return json(res, 200, user);
      return json(res, 404, { message: "Not Found" });
    },
  });
  console.log(`[oauth-provider] local GitHub (OAuth 2 + API) on ${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

// run as a script (the webServer); imported by the config and the spec for the constants
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error("[oauth-provider]", e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
