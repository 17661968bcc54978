// Stand-in authorization servers for the connect and refresh tests: real HTTP servers on
// 127.0.0.1 that are as strict as the providers (stricter where that catches our
// mistakes), reached through the OKORO_PROVIDER_<ID>_*_URL overrides.
//
// - OAuth 2 (RFC 6749 + RFC 7636): checks client authentication (the method configured,
//   not the other), the exact redirect_uri at both steps, PKCE S256, single-use and
//   short-lived codes; issues expiring access tokens and refresh tokens; counts refresh
//   calls; can be told to refuse consent or refresh (invalid_grant), to be down (503), to
//   be slow, or to rotate refresh tokens. With consent "ask" it shows a consent page
//   (Allow / Deny) instead of answering at once, for the browser tests; on a fixed port
//   with a fallback handler it can also stand in for the provider's API (e2e/oauth-provider.ts).
// - OAuth 1.0a (RFC 5849): verifies HMAC-SHA1 signatures — written here from the RFC,
//   independently of lib/providers/oauth1.ts, so a shared misreading cannot pass — for
//   the request-token, access-token and userinfo steps, plus timestamps, nonces,
//   oauth_callback and the verifier.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

const random = (prefix: string) => `${prefix}${randomBytes(18).toString("base64url")}`;

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

function redirect(res: http.ServerResponse, location: string) {
  res.writeHead(302, { location });
  res.end();
}

async function listen(handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>, listenPort = 0) {
  const server = http.createServer((req, res) => {
    handler(req, res).catch((e) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(listenPort, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// ---- OAuth 2 ------------------------------------------------------------------------

export type OAuth2ServerOptions = {
  clientId: string;
  clientSecret: string;
  /** how the client must authenticate at the token endpoint; the other way is refused */
  clientAuth: "basic" | "body";
  /** the one redirect URI registered for the client */
  redirectUri: string;
  /** refuse authorization requests without a PKCE S256 challenge */
  requirePkce?: boolean;
  /** how the token request body must be encoded (Notion: json) */
  requestFormat?: "form" | "json";
  /** seconds; 0 issues tokens without expires_in */
  accessTokenTtl?: number;
  /** merged into every token response (Slack's team, Notion's workspace_name…) */
  tokenResponseExtra?: Record<string, unknown>;
  /** what GET /userinfo answers for a valid access token */
  userinfo?: Record<string, unknown>;
  /** 0 (default): any free port */
  port?: number;
  /** the initial settings.consent */
  consent?: "approve" | "deny" | "ask";
  /** answers requests the server does not know (default 404) */
  fallback?: (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;
};

type IssuedCode = {
  clientId: string;
  redirectUri: string;
  challenge?: string;
  scope: string;
  expiresAt: number;
  used: boolean;
};

export type OAuth2Server = Awaited<ReturnType<typeof startOAuth2Server>>;

export async function startOAuth2Server(options: OAuth2ServerOptions) {
  const settings = {
    /** "ask": show a consent page whose Allow / Deny buttons answer (POST /authorize) */
    consent: (options.consent ?? "approve") as "approve" | "deny" | "ask",
    accessTokenTtl: options.accessTokenTtl ?? 3600,
    /** answer refresh requests with 400 invalid_grant */
    failRefresh: false,
    /** answer refresh requests with 503, as during an outage */
    refreshOutage: false,
    /** issue a new refresh token at every refresh (and revoke the old one) */
    rotateRefreshTokens: false,
    /** ms each refresh takes, to make concurrent requests overlap */
    refreshDelayMs: 0,
  };
  const stats = {
    authorizeRequests: 0,
    /** authorization_code grants received, good or bad */
    codeExchanges: 0,
    /** refresh_token grants received, good or bad */
    refreshCalls: 0,
    userinfoCalls: 0,
    /** why requests were refused, in order */
    rejected: [] as string[],
    /** the last authorization request's query */
    lastAuthorize: undefined as URLSearchParams | undefined,
  };
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, { expiresAt: number | null }>();
  const refreshTokens = new Map<string, { scope: string; revoked: boolean }>();

  const reject = (res: http.ServerResponse, status: number, error: string, why: string) => {
    stats.rejected.push(why);
    json(res, status, { error, error_description: why });
  };

  const issue = (scope: string, refreshToken?: string) => {
    const access = random("at_");
    const ttl = settings.accessTokenTtl;
    accessTokens.set(access, { expiresAt: ttl > 0 ? Date.now() + ttl * 1000 : null });
    const refresh = refreshToken ?? random("rt_");
    if (!refreshToken) refreshTokens.set(refresh, { scope, revoked: false });
    return {
      access_token: access,
      token_type: "Bearer",
      ...(ttl > 0 ? { expires_in: ttl } : {}),
      ...(refreshToken ? {} : { refresh_token: refresh }),
      ...(scope ? { scope } : {}),
      ...options.tokenResponseExtra,
    };
  };

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");

    // GET: the authorization request; POST (same query): the consent page's answer
    if ((req.method === "GET" || req.method === "POST") && url.pathname === "/authorize") {
      const decision = req.method === "POST" ? new URLSearchParams(await readBody(req)).get("decision") : undefined;
      if (decision === null || (decision !== undefined && decision !== "allow" && decision !== "deny"))
        return reject(res, 400, "invalid_request", "consent answer without a decision");
      if (req.method === "GET") stats.authorizeRequests++;
      const q = url.searchParams;
      stats.lastAuthorize = q;
      // never redirect to a URI that is not the registered one (RFC 6749 §4.1.2.1)
      if (q.get("client_id") !== options.clientId) return reject(res, 400, "invalid_request", "unknown client_id");
      if (q.get("redirect_uri") !== options.redirectUri)
        return reject(res, 400, "invalid_request", "redirect_uri mismatch");
      const back = (params: Record<string, string>) => {
        const target = new URL(options.redirectUri);
        for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
        const state = q.get("state");
        if (state !== null) target.searchParams.set("state", state);
        redirect(res, target.toString());
      };
      if (q.get("response_type") !== "code") return back({ error: "unsupported_response_type" });
      if (!q.get("state")) return back({ error: "invalid_request", error_description: "state is required" });
      const challenge = q.get("code_challenge") ?? undefined;
      if (challenge !== undefined && q.get("code_challenge_method") !== "S256")
        return back({ error: "invalid_request", error_description: "only S256" });
      if (challenge !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(challenge))
        return back({ error: "invalid_request", error_description: "bad code_challenge" });
      if (options.requirePkce && challenge === undefined)
        return back({ error: "invalid_request", error_description: "PKCE required" });
      if (decision === undefined && settings.consent === "ask") {
        // the query goes back with the answer, as a real provider keeps it in its session
        const action = escapeHtml(`/authorize${url.search}`);
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
        res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorize application</title></head>
<body style="font-family:sans-serif;max-width:32rem;margin:4rem auto">
<h1>Authorize ${escapeHtml(options.clientId)}</h1>
<p>This application wants access to your account: <code>${escapeHtml(q.get("scope") ?? "")}</code></p>
<form method="post" action="${action}">
<button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button>
</form></body></html>`);
        return;
      }
      if (decision === "deny" || (decision === undefined && settings.consent === "deny"))
        return back({ error: "access_denied" });
      const code = random("code_");
      codes.set(code, {
        clientId: options.clientId,
        redirectUri: options.redirectUri,
        challenge,
        scope: q.get("scope") ?? "",
        expiresAt: Date.now() + 60_000,
        used: false,
      });
      return back({ code });
    }

    if (req.method === "POST" && url.pathname === "/token") {
      const raw = await readBody(req);
      const contentType = req.headers["content-type"] ?? "";
      const expected = options.requestFormat ?? "form";
      let params: Record<string, string>;
      if (contentType.startsWith("application/json")) {
        if (expected !== "json") return reject(res, 400, "invalid_request", "token request must be form-encoded");
        params = JSON.parse(raw) as Record<string, string>;
      } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
        if (expected !== "form") return reject(res, 400, "invalid_request", "token request must be JSON");
        params = Object.fromEntries(new URLSearchParams(raw));
      } else {
        return reject(res, 400, "invalid_request", `unexpected content-type ${contentType}`);
      }
      const grant = params.grant_type;
      if (grant === "authorization_code") stats.codeExchanges++;
      if (grant === "refresh_token") stats.refreshCalls++;

      // client authentication: exactly the configured method
      const authorization = req.headers.authorization;
      let clientId: string | undefined;
      let clientSecret: string | undefined;
      if (options.clientAuth === "basic") {
        if (params.client_secret !== undefined)
          return reject(res, 401, "invalid_client", "client_secret in the body, basic expected");
        const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(authorization ?? "");
        if (!m) return reject(res, 401, "invalid_client", "no basic client authentication");
        const decoded = Buffer.from(m[1], "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        // RFC 6749 §2.3.1: both halves are form-encoded
        const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
        clientId = formDecode(decoded.slice(0, colon));
        clientSecret = formDecode(decoded.slice(colon + 1));
      } else {
        if (authorization) return reject(res, 401, "invalid_client", "Authorization header, body credentials expected");
        clientId = params.client_id;
        clientSecret = params.client_secret;
      }
      if (clientId !== options.clientId || !clientSecret || !safeEqual(clientSecret, options.clientSecret)) {
        return reject(res, 401, "invalid_client", "bad client credentials");
      }

      if (grant === "authorization_code") {
        const issued = codes.get(params.code ?? "");
        if (!issued) return reject(res, 400, "invalid_grant", "unknown code");
        if (issued.used) return reject(res, 400, "invalid_grant", "code already used");
        issued.used = true;
        if (issued.expiresAt < Date.now()) return reject(res, 400, "invalid_grant", "code expired");
        if (params.redirect_uri !== issued.redirectUri)
          return reject(res, 400, "invalid_grant", "redirect_uri mismatch at token");
        const verifier = params.code_verifier;
        if (issued.challenge !== undefined) {
          if (!verifier) return reject(res, 400, "invalid_grant", "code_verifier missing");
          if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier))
            return reject(res, 400, "invalid_grant", "malformed code_verifier");
          const computed = createHash("sha256").update(verifier, "ascii").digest("base64url");
          if (computed !== issued.challenge) return reject(res, 400, "invalid_grant", "code_verifier does not match");
        } else if (verifier !== undefined) {
          return reject(res, 400, "invalid_grant", "code_verifier without a challenge");
        }
        return json(res, 200, issue(issued.scope));
      }

      if (grant === "refresh_token") {
        const known = refreshTokens.get(params.refresh_token ?? "");
        if (settings.refreshDelayMs > 0) await new Promise((r) => setTimeout(r, settings.refreshDelayMs));
        if (!known || known.revoked) return reject(res, 400, "invalid_grant", "unknown or revoked refresh token");
        if (settings.refreshOutage) return reject(res, 503, "temporarily_unavailable", "down for maintenance");
        if (settings.failRefresh) return reject(res, 400, "invalid_grant", "Token has been expired or revoked.");
        if (settings.rotateRefreshTokens) {
          known.revoked = true;
          return json(res, 200, issue(known.scope));
        }
        return json(res, 200, issue(known.scope, params.refresh_token));
      }
      return reject(res, 400, "unsupported_grant_type", `grant_type ${grant}`);
    }

    if (req.method === "GET" && url.pathname === "/userinfo") {
      stats.userinfoCalls++;
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
      const known = accessTokens.get(token);
      if (!known || (known.expiresAt !== null && known.expiresAt < Date.now()))
        return reject(res, 401, "invalid_token", "userinfo: bad token");
      return json(res, 200, options.userinfo ?? { login: "octo-user" });
    }

    if (options.fallback) return options.fallback(req, res);
    res.writeHead(404);
    res.end();
  }, options.port);

  return {
    url: server.url,
    authorizeUrl: `${server.url}/authorize`,
    tokenUrl: `${server.url}/token`,
    userinfoUrl: `${server.url}/userinfo`,
    settings,
    stats,
    /** whether the server issued this access token and it has not expired */
    isValidAccessToken(token: string): boolean {
      const known = accessTokens.get(token);
      return known !== undefined && (known.expiresAt === null || known.expiresAt > Date.now());
    },
    isValidRefreshToken(token: string): boolean {
      const known = refreshTokens.get(token);
      return known !== undefined && !known.revoked;
    },
    close: server.close,
  };
}

// ---- OAuth 1.0a ---------------------------------------------------------------------

/** RFC 5849 §3.6, byte by byte: unreserved characters as they are, everything else %XX (upper case). */
function rfc5849Encode(value: string): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const unreserved =
      (byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      byte === 0x2d ||
      byte === 0x2e ||
      byte === 0x5f ||
      byte === 0x7e;
    out += unreserved ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** §3.5.1: `OAuth name="value", …` with percent-encoded names and values. */
function parseOAuthHeader(header: string | undefined): Map<string, string> | undefined {
  if (!header || !/^OAuth\s/i.test(header)) return undefined;
  const params = new Map<string, string>();
  for (const part of header.replace(/^OAuth\s+/i, "").split(",")) {
    const m = /^\s*([^=\s]+)="([^"]*)"\s*$/.exec(part);
    if (!m) return undefined;
    params.set(decodeURIComponent(m[1]), decodeURIComponent(m[2]));
  }
  return params;
}

export type OAuth1ServerOptions = {
  consumerKey: string;
  consumerSecret: string;
  /** the oauth_callback the client must send, exactly */
  callbackUrl: string;
  /** what GET /1/members/me answers */
  member?: Record<string, unknown>;
};

export type OAuth1Server = Awaited<ReturnType<typeof startOAuth1Server>>;

export async function startOAuth1Server(options: OAuth1ServerOptions) {
  const settings = { consent: "approve" as "approve" | "deny" };
  const stats = {
    requestTokenCalls: 0,
    accessTokenCalls: 0,
    memberCalls: 0,
    /** signatures checked and found good */
    verifiedSignatures: 0,
    rejected: [] as string[],
    lastAuthorize: undefined as URLSearchParams | undefined,
  };
  const requestTokens = new Map<string, { secret: string; verifier?: string; used: boolean }>();
  const accessTokens = new Map<string, string>();
  const nonces = new Set<string>();
  let selfUrl = "";

  const reject = (res: http.ServerResponse, status: number, why: string) => {
    stats.rejected.push(why);
    res.writeHead(status, { "content-type": "text/plain" });
    res.end(why);
  };

  /** Verifies the request's signature with the token secret the server expects for oauth_token. Returns the oauth params or a reason. */
  const verify = (
    req: http.IncomingMessage,
    body: string,
    tokenSecretOf: (token: string | undefined) => string | undefined,
  ): Map<string, string> | string => {
    const oauth = parseOAuthHeader(req.headers.authorization);
    if (!oauth) return "no OAuth Authorization header";
    if (oauth.get("oauth_consumer_key") !== options.consumerKey) return "unknown consumer key";
    if (oauth.get("oauth_signature_method") !== "HMAC-SHA1") return "signature method must be HMAC-SHA1";
    const version = oauth.get("oauth_version");
    if (version !== undefined && version !== "1.0") return "oauth_version must be 1.0";
    const timestamp = Number(oauth.get("oauth_timestamp"));
    if (!Number.isInteger(timestamp) || Math.abs(timestamp - Date.now() / 1000) > 300)
      return "stale or missing timestamp";
    const nonce = oauth.get("oauth_nonce");
    if (!nonce) return "missing nonce";
    const nonceKey = `${timestamp}:${nonce}:${oauth.get("oauth_token") ?? ""}`;
    if (nonces.has(nonceKey)) return "nonce reused";
    const signature = oauth.get("oauth_signature");
    if (!signature) return "missing signature";
    const tokenSecret = tokenSecretOf(oauth.get("oauth_token"));
    if (tokenSecret === undefined) return "unknown token";

    // §3.4.1.3: query + form body + oauth_* from the header (not the signature, not realm)
    const url = new URL(req.url ?? "/", selfUrl);
    const pairs: [string, string][] = [...url.searchParams];
    if ((req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded"))
      pairs.push(...new URLSearchParams(body));
    for (const [k, v] of oauth) if (k !== "oauth_signature" && k !== "realm") pairs.push([k, v]);
    const normalized = pairs
      .map(([k, v]) => [rfc5849Encode(k), rfc5849Encode(v)])
      .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    // §3.4.1.2: the server's own scheme and authority, the request path, no query
    const baseUri = `${selfUrl}${url.pathname}`;
    const base = [req.method ?? "GET", rfc5849Encode(baseUri), rfc5849Encode(normalized)].join("&");
    const key = `${rfc5849Encode(options.consumerSecret)}&${rfc5849Encode(tokenSecret)}`;
    const expected = createHmac("sha1", key).update(base).digest("base64");
    if (!safeEqual(expected, signature)) return "bad signature";
    nonces.add(nonceKey);
    stats.verifiedSignatures++;
    return oauth;
  };

  const form = (res: http.ServerResponse, params: Record<string, string>) => {
    res.writeHead(200, { "content-type": "application/x-www-form-urlencoded" });
    res.end(new URLSearchParams(params).toString());
  };

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = await readBody(req);

    if (url.pathname === "/1/OAuthGetRequestToken") {
      stats.requestTokenCalls++;
      // signed with the consumer secret only: no oauth_token allowed
      const oauth = verify(req, body, (token) => (token === undefined ? "" : undefined));
      if (typeof oauth === "string") return reject(res, 401, `request token: ${oauth}`);
      if (oauth.get("oauth_callback") !== options.callbackUrl)
        return reject(res, 400, "request token: oauth_callback mismatch");
      const token = random("rq_");
      const secret = random("rqs_");
      requestTokens.set(token, { secret, used: false });
      return form(res, { oauth_token: token, oauth_token_secret: secret, oauth_callback_confirmed: "true" });
    }

    if (req.method === "GET" && url.pathname === "/1/OAuthAuthorizeToken") {
      stats.lastAuthorize = url.searchParams;
      const token = url.searchParams.get("oauth_token") ?? "";
      const pending = requestTokens.get(token);
      if (!pending) return reject(res, 400, "authorize: unknown request token");
      const target = new URL(options.callbackUrl);
      target.searchParams.set("oauth_token", token);
      if (settings.consent === "approve") {
        pending.verifier = random("v_");
        target.searchParams.set("oauth_verifier", pending.verifier);
      }
      return redirect(res, target.toString());
    }

    if (url.pathname === "/1/OAuthGetAccessToken") {
      stats.accessTokenCalls++;
      const oauth = verify(req, body, (token) => (token ? requestTokens.get(token)?.secret : undefined));
      if (typeof oauth === "string") return reject(res, 401, `access token: ${oauth}`);
      const pending = requestTokens.get(oauth.get("oauth_token")!)!;
      if (pending.used) return reject(res, 401, "access token: request token already used");
      pending.used = true;
      if (!pending.verifier || oauth.get("oauth_verifier") !== pending.verifier)
        return reject(res, 401, "access token: bad verifier");
      const token = random("ac_");
      const secret = random("acs_");
      accessTokens.set(token, secret);
      return form(res, { oauth_token: token, oauth_token_secret: secret });
    }

    if (req.method === "GET" && url.pathname === "/1/members/me") {
      stats.memberCalls++;
      const oauth = verify(req, body, (token) => (token ? accessTokens.get(token) : undefined));
      if (typeof oauth === "string") return reject(res, 401, `members/me: ${oauth}`);
      return json(res, 200, options.member ?? { username: "trello-user", fullName: "Trello User" });
    }

    res.writeHead(404);
    res.end();
  });
  selfUrl = server.url;

  return {
    url: server.url,
    requestTokenUrl: `${server.url}/1/OAuthGetRequestToken`,
    authorizeUrl: `${server.url}/1/OAuthAuthorizeToken`,
    accessTokenUrl: `${server.url}/1/OAuthGetAccessToken`,
    memberUrl: `${server.url}/1/members/me`,
    settings,
    stats,
    /** the secret the server holds for an access token it issued */
    accessTokenSecret: (token: string) => accessTokens.get(token),
    close: server.close,
  };
}
