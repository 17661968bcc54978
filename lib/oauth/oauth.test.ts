// okoro as the OAuth authorization server of /mcp, end to end: a real HTTP server serves
// /mcp (as npm start does), the metadata, registration and token endpoints (as their thin
// routes do), and /oauth/authorize as a signed-in person who approves "GitHub read" on the
// consent page. The official MCP SDK client plays Claude.ai; then every attack the issue
// lists is tried and must be refused with the RFC's error and an `oauth.denied` event.
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { UnauthorizedError, type OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { revokeServiceToken } from "@/lib/tokens/service-tokens";
import { auditEvents, serviceTokens } from "@/db/schema";
import { OkoroError, errorResponse } from "@/lib/errors";
import { authenticateServiceToken } from "@/lib/exchange";
import { protectedResourceMetadata } from "@/lib/mcp/metadata";
import { createNodeMcpListener, isMcpUrl } from "@/lib/serve/mcp-node";
import { createMcpRuntime, type McpRuntime } from "@/lib/mcp/runtime";
import {
  approveAuthorization,
  authorizeParams,
  checkAuthorizeRequest,
  denyAuthorization,
  type AuthorizeParams,
} from "@/lib/oauth/authorize";
import { clearMetadataCacheForTesting, registerClient } from "@/lib/oauth/clients";
import type { OAuthContext } from "@/lib/oauth/context";
import { authorizationServerMetadata } from "@/lib/oauth/metadata";
import { tokenForm, tokenRequest } from "@/lib/oauth/token";
import { toWebRequest, writeResponse } from "@/lib/serve/node-server";
import { describeDatabases } from "@/test/databases";
import { createHarness, type Harness } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();
const REDIRECT = "https://claude.example/api/mcp/auth_callback";

/** The MCP SDK's client-side auth, remembered in memory as a hosted client would in its database. */
class MemoryProvider implements OAuthClientProvider {
  info?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier = "";
  authorizationUrl?: URL;
  constructor(readonly redirect = REDIRECT) {}
  get redirectUrl() {
    return this.redirect;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "Claude",
      redirect_uris: [this.redirect],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  state() {
    return "state-123";
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
}

const pkce = () => {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
};

describeDatabases("OAuth for MCP clients", (getDb) => {
  let h: Harness;
  let runtime: McpRuntime;
  let server: http.Server;
  let base: string;
  /** what the signed-in person ticks on the consent page */
  let consentGrants: Record<string, ("read" | "write" | "update" | "delete" | "all")[]> = { github: ["read"] };
  const clients: Client[] = [];
  const ctx = (over: Partial<OAuthContext> = {}): OAuthContext => ({
    db: h.db,
    env: h.env,
    ip: "127.0.0.1",
    userAgent: "vitest",
    ...over,
  });

  async function route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    try {
      if (url.pathname === "/.well-known/oauth-protected-resource/mcp")
        return Response.json(protectedResourceMetadata(h.env.url));
      if (url.pathname === "/.well-known/oauth-authorization-server")
        return Response.json(authorizationServerMetadata(h.env.url));
      // registrations are limited per address: each test registers from an address of its own
      // (x-test-ip) unless it is testing that limit
      if (url.pathname === "/api/oauth/register") {
        return Response.json(
          await registerClient(ctx({ ip: request.headers.get("x-test-ip") ?? "127.0.0.1" }), await request.json()),
          { status: 201 },
        );
      }
      if (url.pathname === "/api/oauth/token")
        return Response.json(await tokenRequest(ctx(), tokenForm(await request.text())));
      if (url.pathname === "/oauth/authorize") {
        // the browser of a signed-in person who approves what consentGrants says
        const search: Record<string, string | string[]> = {};
        for (const [k, v] of url.searchParams) search[k] = k in search ? [search[k] as string, v] : v;
        const params = authorizeParams(search);
        const check = await checkAuthorizeRequest(ctx(), params, { userId: h.user.id });
        if (check.kind === "error") return new Response(`error page: ${check.title}`, { status: 400 });
        if (check.kind === "redirect")
          return new Response(null, { status: 302, headers: { location: check.location } });
        const location = await approveAuthorization(ctx(), {
          userId: h.user.id,
          params,
          choice: { grants: consentGrants },
        });
        return new Response(null, { status: 302, headers: { location } });
      }
      return new Response("not found", { status: 404 });
    } catch (e) {
      return errorResponse(e, { context: "test" });
    }
  }

  beforeAll(async () => {
    let mcp: ReturnType<typeof createNodeMcpListener>;
    server = http.createServer((req, res) => {
      if (isMcpUrl(req.url ?? "")) return void mcp(req, res);
      void route(toWebRequest(req, res)).then((r) => writeResponse(res, r));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    h = await createHarness(getDb().db, upstream.url, { OKORO_URL: base });
    await h.connect("github");
    runtime = createMcpRuntime({ db: h.db, env: h.env });
    mcp = createNodeMcpListener(() => runtime);
  });
  afterAll(async () => {
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await h?.close();
  });
  beforeEach(() => {
    consentGrants = { github: ["read"] };
    clearMetadataCacheForTesting();
  });

  const lastDenied = async () => {
    const [row] = await h.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.event, "oauth.denied"))
      .orderBy(desc(auditEvents.at), desc(auditEvents.seq))
      .limit(1);
    return row;
  };
  const deniedCount = async () =>
    (await h.db.select().from(auditEvents).where(eq(auditEvents.event, "oauth.denied"))).length;
  const post = (path: string, form: Record<string, string>) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form),
    });
  const register = async (redirectUris: unknown[] = [REDIRECT], name = "Test client") => {
    const res = await fetch(`${base}/api/oauth/register`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-test-ip": `10.0.${randomBytes(1)[0]}.${randomBytes(1)[0]}` },
      body: JSON.stringify({ client_name: name, redirect_uris: redirectUris }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };
  /** registers, approves and returns a fresh code with its verifier */
  const authorize = async (options: { clientId?: string; redirect?: string } = {}) => {
    const clientId = options.clientId ?? (await register()).body.client_id!;
    const { verifier, challenge } = pkce();
    const q = new URLSearchParams({
      response_type: "code",
      client_id: clientId,
      redirect_uri: options.redirect ?? REDIRECT,
      code_challenge: challenge,
      code_challenge_method: "S256",
      state: "xyz",
      resource: `${base}/mcp`,
    });
    const res = await fetch(`${base}/oauth/authorize?${q}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location")!);
    expect(location.searchParams.get("state")).toBe("xyz");
    return { clientId, verifier, code: location.searchParams.get("code")!, location };
  };
  const redeem = (a: { clientId: string; verifier?: string; code: string }, over: Record<string, string> = {}) =>
    post("/api/oauth/token", {
      grant_type: "authorization_code",
      code: a.code,
      redirect_uri: REDIRECT,
      client_id: a.clientId,
      ...(a.verifier ? { code_verifier: a.verifier } : {}),
      ...over,
    });
  const mcpCall = (accessToken: string) =>
    fetch(`${base}/mcp`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${accessToken}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-06-18",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
    });

  it("the official SDK client completes the flow unmodified: 401 → discovery → registration → consent → tokens → read tools only → a call → revoke → 401", async () => {
    // 1. unauthenticated /mcp points at the metadata
    const bare = await fetch(`${base}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(bare.status).toBe(401);
    expect(bare.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`,
    );

    // 2. the SDK discovers and registers, then sends the person to okoro
    const provider = new MemoryProvider();
    const first = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { authProvider: provider });
    await expect(new Client({ name: "claude-ai", version: "1" }).connect(first)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    expect(provider.info?.client_id).toMatch(/^mcp_/);
    const authUrl = provider.authorizationUrl!;
    expect(authUrl.pathname).toBe("/oauth/authorize");
    expect(authUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authUrl.searchParams.get("resource")).toBe(`${base}/mcp`);

    // 3. the signed-in person approves GitHub read; the browser comes back with a code
    const consent = await fetch(authUrl, { redirect: "manual" });
    const back = new URL(consent.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get("state")).toBe("state-123");
    expect(back.searchParams.get("iss")).toBe(base);

    // 4. tokens, and a tool listing of GitHub read tools only
    await first.finishAuth(back.searchParams.get("code")!);
    expect(provider.saved?.access_token).toMatch(/^oat_/);
    expect(provider.saved?.refresh_token).toMatch(/^ort_/);
    expect(provider.saved?.expires_in).toBe(3600);
    const client = new Client({ name: "claude-ai", version: "1" });
    clients.push(client);
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { authProvider: provider }));
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain("github_list_repos");
    expect(names).not.toContain("github_create_issue");
    expect(names.filter((n) => !n.startsWith("github_") && n !== "okoro_explain")).toEqual([]);

    // 5. a call works, audited under the client's name
    const result = await client.callTool({
      name: "github_request",
      arguments: { method: "GET", path: "/user", intent: "check who I am" },
    });
    expect(result.isError).toBeFalsy();
    const [grant] = await h.db
      .select()
      .from(serviceTokens)
      .where(eq(serviceTokens.oauthClientId, provider.info!.client_id));
    expect(grant).toMatchObject({ name: "Claude", oauthRedirectHost: "claude.example", grants: { github: ["read"] } });
    const authorized = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.serviceTokenId, grant!.id), eq(auditEvents.event, "oauth.authorized")));
    expect(authorized).toHaveLength(1);
    const requests = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.serviceTokenId, grant!.id), eq(auditEvents.event, "proxy.request")));
    expect(requests[0]).toMatchObject({ agent: "Claude", via: "mcp", tool: "github_request" });
    // the database holds no plaintext access or refresh token
    const stored = JSON.stringify(await h.db.execute("SELECT * FROM oauth_tokens"));
    expect(stored).not.toContain(provider.saved!.access_token);
    expect(stored).not.toContain(provider.saved!.refresh_token);

    // 6. Revoke on the dashboard: the next call gets 401
    await revokeServiceToken(h.db, { id: grant!.id, userId: h.user.id });
    const after = await mcpCall(provider.saved!.access_token);
    expect(after.status).toBe(401);
    const refreshed = await post("/api/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: provider.saved!.refresh_token!,
      client_id: provider.info!.client_id,
    });
    expect(refreshed.status).toBe(400);
    expect(await refreshed.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("access tokens are accepted only at /mcp: the exchange refuses them", async () => {
    const a = await authorize();
    const { access_token } = (await (await redeem(a)).json()) as { access_token: string };
    expect((await mcpCall(access_token)).status).toBe(200);
    await expect(
      authenticateServiceToken({ db: h.db, url: base, ip: null, userAgent: null }, access_token),
    ).rejects.toMatchObject({ code: "invalid_token" });
    const res = await h.exchange(access_token, { provider: "github", scope: "read", intent: "read" });
    expect(res.status).toBe(401);
  });

  it("refresh tokens rotate; a refresh token replayed after rotation revokes the whole grant", async () => {
    const a = await authorize();
    const first = (await (await redeem(a)).json()) as { refresh_token: string };
    const rotated = await post("/api/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: first.refresh_token,
      client_id: a.clientId,
    });
    expect(rotated.status).toBe(200);
    const second = (await rotated.json()) as { access_token: string; refresh_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await mcpCall(second.access_token)).status).toBe(200);
    const [refreshedEvent] = await h.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.event, "oauth.refreshed"))
      .orderBy(desc(auditEvents.at))
      .limit(1);
    expect(refreshedEvent).toBeTruthy();

    const replay = await post("/api/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: first.refresh_token,
      client_id: a.clientId,
    });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: "invalid_grant" });
    expect(await lastDenied()).toMatchObject({
      error: "invalid_grant",
      userId: h.user.id,
      reason: expect.stringContaining("replayed after rotation; the grant is revoked"),
    });
    // the grant is gone: the newest access and refresh tokens die with it
    expect((await mcpCall(second.access_token)).status).toBe(401);
    const again = await post("/api/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: second.refresh_token,
      client_id: a.clientId,
    });
    expect(again.status).toBe(400);
  });

  describe("codes", () => {
    it("a wrong or missing verifier is invalid_grant, audited", async () => {
      const a = await authorize();
      const wrong = await redeem({ ...a, verifier: pkce().verifier });
      expect(wrong.status).toBe(400);
      expect(await wrong.json()).toMatchObject({ error: "invalid_grant" });
      expect(await lastDenied()).toMatchObject({
        error: "invalid_grant",
        reason: "token: wrong code_verifier",
        userId: h.user.id,
      });
      const missing = await redeem({ clientId: a.clientId, code: a.code });
      expect(missing.status).toBe(400);
      expect(await missing.json()).toMatchObject({ error: "invalid_grant" });
      expect(await lastDenied()).toMatchObject({ reason: "token: missing code_verifier" });
      // the right verifier still works: a failed guess does not burn the person's code
      expect((await redeem(a)).status).toBe(200);
    });

    it("a replayed code is invalid_grant and revokes what the code granted", async () => {
      const a = await authorize();
      const ok = (await (await redeem(a)).json()) as { access_token: string };
      const replay = await redeem(a);
      expect(replay.status).toBe(400);
      expect(await replay.json()).toMatchObject({ error: "invalid_grant" });
      expect(await lastDenied()).toMatchObject({ reason: "token: code replayed; the grant is revoked" });
      expect((await mcpCall(ok.access_token)).status).toBe(401);
    });

    it("a code presented by another client, or with another redirect URI, is invalid_grant", async () => {
      const a = await authorize();
      const other = (await register()).body.client_id!;
      const stolen = await redeem({ ...a, clientId: other });
      expect(stolen.status).toBe(400);
      expect(await stolen.json()).toMatchObject({ error: "invalid_grant" });
      expect(await lastDenied()).toMatchObject({ reason: `token: code presented by another client (${other})` });
      const moved = await redeem(a, { redirect_uri: "https://claude.example/other" });
      expect(await moved.json()).toMatchObject({ error: "invalid_grant" });
      expect(await lastDenied()).toMatchObject({ reason: "token: redirect_uri mismatch" });
    });

    it("a code lives 60 seconds", async () => {
      const a = await authorize();
      await h.db.execute(`UPDATE oauth_codes SET expires_at = now() - interval '1 second'`);
      const late = await redeem(a);
      expect(await late.json()).toMatchObject({ error: "invalid_grant" });
      expect(await lastDenied()).toMatchObject({ reason: "token: code expired" });
    });
  });

  describe("registration and redirect URIs", () => {
    it("refuses an http redirect URI that is not loopback, and other schemes, with invalid_redirect_uri, audited", async () => {
      for (const bad of [
        "http://evil.example/cb",
        "javascript:alert(1)",
        "https://claude.example/cb#frag",
        "https://user:pw@claude.example/cb",
        "data:text/html,hi",
      ]) {
        const before = await deniedCount();
        const res = await register([bad]);
        expect(res.status, bad).toBe(400);
        expect(res.body.error).toBe("invalid_redirect_uri");
        expect(await deniedCount()).toBe(before + 1);
      }
      expect((await register(["http://127.0.0.1:33418/callback"])).status).toBe(201);
      expect((await register(["http://localhost:6274/oauth/callback"])).status).toBe(201);
    });

    it("open-redirect attempts get okoro's error page, never a redirect, and are audited", async () => {
      const clientId = (await register()).body.client_id!;
      const { challenge } = pkce();
      for (const redirect of [
        "https://evil.example/steal",
        `${REDIRECT}/../../evil`,
        `${REDIRECT}?next=https://evil.example`,
        "https://claude.example.evil.example/api/mcp/auth_callback",
        `${REDIRECT}#x`,
      ]) {
        const q = new URLSearchParams({
          response_type: "code",
          client_id: clientId,
          redirect_uri: redirect,
          code_challenge: challenge,
          code_challenge_method: "S256",
        });
        const res = await fetch(`${base}/oauth/authorize?${q}`, { redirect: "manual" });
        expect(res.status, redirect).toBe(400);
        expect(res.headers.get("location")).toBeNull();
        expect(await lastDenied()).toMatchObject({
          error: "invalid_request",
          reason: expect.stringContaining("redirect_uri not registered"),
        });
      }
      // an unknown client cannot be redirected to either
      const q = new URLSearchParams({
        response_type: "code",
        client_id: "mcp_nobody",
        redirect_uri: REDIRECT,
        code_challenge: challenge,
        code_challenge_method: "S256",
      });
      const unknown = await fetch(`${base}/oauth/authorize?${q}`, { redirect: "manual" });
      expect(unknown.status).toBe(400);
      expect(await lastDenied()).toMatchObject({ error: "invalid_client" });
    });

    it("once client and redirect URI are valid, errors go back to the client with state: PKCE required, S256 only, resource must be /mcp", async () => {
      const clientId = (await register()).body.client_id!;
      const { challenge } = pkce();
      const cases: [Record<string, string>, string][] = [
        [{}, "invalid_request"],
        [{ code_challenge: challenge, code_challenge_method: "plain" }, "invalid_request"],
        [
          { code_challenge: challenge, code_challenge_method: "S256", resource: "https://evil.example/mcp" },
          "invalid_target",
        ],
        [
          { code_challenge: challenge, code_challenge_method: "S256", response_type: "token" },
          "unsupported_response_type",
        ],
      ];
      for (const [extra, error] of cases) {
        const q = new URLSearchParams({
          response_type: "code",
          client_id: clientId,
          redirect_uri: REDIRECT,
          state: "s1",
          ...extra,
        });
        const res = await fetch(`${base}/oauth/authorize?${q}`, { redirect: "manual" });
        expect(res.status).toBe(302);
        const location = new URL(res.headers.get("location")!);
        expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
        expect(location.searchParams.get("error")).toBe(error);
        expect(location.searchParams.get("state")).toBe("s1");
        expect(location.searchParams.get("code")).toBeNull();
      }
    });
  });

  describe("client ID metadata documents", () => {
    let docs: http.Server;
    let docsBase: string;
    beforeAll(async () => {
      docs = http.createServer((req, res) => {
        const self = `${docsBase}${req.url}`;
        if (req.url === "/client.json")
          return void res.end(JSON.stringify({ client_id: self, client_name: "ChatGPT", redirect_uris: [REDIRECT] }));
        if (req.url === "/huge.json") {
          // no content-length: the cap must hold as the stream passes it
          res.write(`{"client_id":"${self}","client_name":"`);
          res.write("x".repeat(64 * 1024));
          return void res.end(`","redirect_uris":["${REDIRECT}"]}`);
        }
        if (req.url === "/slow.json")
          return void setTimeout(
            () => res.end(JSON.stringify({ client_id: self, redirect_uris: [REDIRECT] })),
            5000,
          ).unref();
        res.statusCode = 404;
        res.end();
      });
      await new Promise<void>((resolve) => docs.listen(0, "127.0.0.1", resolve));
      docsBase = `http://127.0.0.1:${(docs.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      docs.closeAllConnections();
      await new Promise<void>((resolve) => docs.close(() => resolve()));
    });
    const check = (clientId: string, over: Partial<OAuthContext> = {}) =>
      checkAuthorizeRequest(ctx(over), {
        response_type: "code",
        client_id: clientId,
        redirect_uri: REDIRECT,
        code_challenge: pkce().challenge,
        code_challenge_method: "S256",
      } satisfies AuthorizeParams);

    it("a document okoro can fetch names the client (development: a local document is allowed)", async () => {
      const result = await check(`${docsBase}/client.json`);
      expect(result).toMatchObject({ kind: "consent", client: { name: "ChatGPT", kind: "metadata_document" } });
    });

    it("outside development, a client_id URL pointing at 127.0.0.1 or 169.254.169.254 is refused before any connection", async () => {
      const prod = () => ({ env: { ...h.env, production: true } });
      for (const clientId of [
        "https://127.0.0.1/client.json",
        `https://127.0.0.1:${new URL(docsBase).port}/client.json`,
        "https://169.254.169.254/latest/meta-data/",
        "https://[::ffff:169.254.169.254]/x",
        "https://[::1]/x",
        "https://10.0.0.7/x",
      ]) {
        const result = await check(clientId, prod());
        expect(result.kind, clientId).toBe("error");
        expect(await lastDenied()).toMatchObject({
          error: "invalid_client",
          reason: expect.stringContaining("private_address"),
        });
      }
      // a name that resolves to an internal address, even among public ones, is refused too
      const rebinding = await check("https://metadata.evil.example/client.json", {
        ...prod(),
        resolveHost: async () => [
          { address: "93.184.216.34", family: 4 },
          { address: "169.254.169.254", family: 4 },
        ],
      });
      expect(rebinding.kind).toBe("error");
      expect(await lastDenied()).toMatchObject({ reason: expect.stringContaining("private_address") });
      // and plain http is refused outside development
      expect((await check(`${docsBase}/client.json`, prod())).kind).toBe("error");
      expect(await lastDenied()).toMatchObject({ reason: expect.stringContaining("bad_url") });
    });

    it("an oversized or slow metadata document is refused, audited", async () => {
      expect((await check(`${docsBase}/huge.json`)).kind).toBe("error");
      expect(await lastDenied()).toMatchObject({
        error: "invalid_client",
        reason: expect.stringContaining("too_large"),
      });
      const started = Date.now();
      expect((await check(`${docsBase}/slow.json`)).kind).toBe("error");
      expect(Date.now() - started).toBeLessThan(4500);
      expect(await lastDenied()).toMatchObject({ error: "invalid_client", reason: expect.stringContaining("timeout") });
    }, 10_000);
  });

  describe("the person's answer", () => {
    const request = async (over: AuthorizeParams = {}): Promise<AuthorizeParams> => ({
      response_type: "code",
      client_id: (await register()).body.client_id,
      redirect_uri: REDIRECT,
      code_challenge: pkce().challenge,
      code_challenge_method: "S256",
      state: "st",
      ...over,
    });

    it("Deny sends access_denied (with state) back to the client, audited on the person's chain", async () => {
      const params = await request();
      const location = new URL(await denyAuthorization(ctx(), { userId: h.user.id, params }));
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
      expect(Object.fromEntries(location.searchParams)).toMatchObject({
        error: "access_denied",
        state: "st",
        iss: base,
      });
      expect(location.searchParams.get("code")).toBeNull();
      expect(await lastDenied()).toMatchObject({ userId: h.user.id, error: "access_denied", agent: "Test client" });
    });

    it("Approve checks the request again: a redirect URI changed in the form makes no grant and no code", async () => {
      const params = await request();
      const before = (await h.db.select().from(serviceTokens)).length;
      await expect(
        approveAuthorization(ctx(), {
          userId: h.user.id,
          params: { ...params, redirect_uri: "https://evil.example/cb" },
          choice: { grants: { github: ["read"] } },
        }),
      ).rejects.toMatchObject({ code: "invalid_request" });
      await expect(
        approveAuthorization(ctx(), {
          userId: h.user.id,
          params: { ...params, code_challenge: undefined },
          choice: { grants: { github: ["read"] } },
        }),
      ).rejects.toMatchObject({ code: "invalid_request" });
      expect((await h.db.select().from(serviceTokens)).length).toBe(before);
    });

    it("the grant takes the person's limits and approval scopes from the consent form", async () => {
      const params = await request();
      const location = new URL(
        await approveAuthorization(ctx(), {
          userId: h.user.id,
          params,
          choice: { grants: { github: ["read", "write"] }, rateLimit: 30, approvalScopes: ["write"], maxTtl: 120 },
        }),
      );
      const code = location.searchParams.get("code")!;
      expect(code).toMatch(/^oac_/);
      const [grant] = await h.db.select().from(serviceTokens).where(eq(serviceTokens.oauthClientId, params.client_id!));
      expect(grant).toMatchObject({
        grants: { github: ["read", "write"] },
        rateLimit: 30,
        approvalScopes: ["write"],
        maxTtl: 120,
        oauthRedirectHost: "claude.example",
      });
      // the code is stored only as its hash
      expect(JSON.stringify(await h.db.execute("SELECT * FROM oauth_codes"))).not.toContain(code);
    });
  });

  it("registration is limited per address: past the limit, 429 with Retry-After (and nothing stored)", async () => {
    let refused: Response | undefined;
    for (let i = 0; i < 25 && !refused; i++) {
      const res = await fetch(`${base}/api/oauth/register`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-test-ip": "192.0.2.9" },
        body: JSON.stringify({ redirect_uris: [REDIRECT] }),
      });
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(201);
    }
    expect(refused?.status).toBe(429);
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused?.json()).toMatchObject({ error: "rate_limited" });
  });

  it("errors are OkoroErrors with the RFC's codes", () => {
    expect(new OkoroError("invalid_grant").status).toBe(400);
    expect(new OkoroError("invalid_client").status).toBe(401);
  });
});
