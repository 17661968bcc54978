// /docs — the agent API (docs/agent-api.md#conventions, docs/agent-api.md#agent-tooling, docs/errors.md#error-codes): how an agent exchanges its service token and
// calls providers through the proxy, every error code, and the retry rules.
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { ERROR_STATUS, type ErrorCode } from "@/lib/errors";
import { listProviders } from "@/lib/providers/catalog";
import { CURATED_TOOLS, toolPrefix } from "@/lib/providers/tools";
import { SCOPE_DESCRIPTIONS, SCOPES } from "@/lib/scopes";

export const metadata: Metadata = {
  title: "Docs — okoro",
  description: "The okoro agent API: token exchange, the proxy, error codes and retry rules.",
};

const ERROR_MEANING: Partial<Record<ErrorCode, string>> = {
  invalid_request:
    "Malformed body, bad field, or a path that tries to leave the provider's API (.., backslashes, NUL).",
  reason_required: "Scope all without a reason of at least 10 characters.",
  invalid_token:
    "Missing, malformed, bad-checksum, unknown, expired, revoked or replayed token. The body is the same whatever the cause.",
  scope_not_granted: "The exchange asked for more than the service token's grants.",
  insufficient_scope: "The request needs another scope than the operation token's; the description names it.",
  wrong_provider: "The operation token is for another provider than the URL's.",
  approval_denied: "A person denied the approval.",
  unknown_provider: "The provider is not in the catalog.",
  method_not_allowed: "TRACE, CONNECT and unknown methods.",
  not_connected: "The user has no active connection for the provider (disconnected, or its OAuth refresh failed).",
  approval_expired: "No one decided within 15 minutes.",
  approval_used: "The approved token was already handed out.",
  payload_too_large:
    "The request body is over the limit: 10 MiB by default through the proxy, 64 KiB at /api/token and /api/leaks.",
  rate_limited:
    "Too many requests per minute for this service token, or too many invalid tokens from your address; see Retry-After.",
  quota_exceeded: "The token's daily or monthly quota is used up; the description names the reset time.",
  internal_error: "Unexpected failure. Details are only in the server's logs and the audit log.",
  upstream_unreachable: "The provider could not be reached.",
  audit_unavailable: "The audit log cannot be written, so nothing was forwarded.",
  unavailable: "The database is unavailable.",
  upstream_timeout: "The provider did not send its response headers in time.",
  invalid_grant:
    "OAuth token endpoint: the code or refresh token is unknown, expired, already used, for another client or redirect URI, or its PKCE verifier is wrong.",
  invalid_client: "OAuth: okoro does not know the client_id, or could not use its metadata document.",
  invalid_redirect_uri:
    "OAuth registration: a redirect URI that is not https (or http to loopback), or has a fragment or credentials.",
  invalid_client_metadata: "OAuth registration: a field okoro does not support (only public clients with PKCE).",
  unsupported_grant_type: "OAuth token endpoint: only authorization_code and refresh_token.",
};

function Code({ children }: { children: ReactNode }) {
  return <code className="rounded bg-zinc-100 px-1.5 py-0.5 text-[0.85em] text-ink">{children}</code>;
}

function Block({ children, label }: { children: string; label?: string }) {
  return (
    <figure className="my-4">
      {label && (
        <figcaption className="mb-1 text-xs font-medium uppercase tracking-wide text-ink-subtle">{label}</figcaption>
      )}
      <pre className="overflow-x-auto rounded-lg bg-zinc-900 p-4 text-[13px] leading-relaxed text-zinc-100">
        <code>{children}</code>
      </pre>
    </figure>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section id={id} className="scroll-mt-8 border-t border-line pt-8">
      <h2 className="text-xl font-semibold tracking-tight">
        <a href={`#${id}`} className="hover:underline">
          {title}
        </a>
      </h2>
      <div className="mt-3 space-y-3 text-ink-muted [&_strong]:text-ink">{children}</div>
    </section>
  );
}

const TOC = [
  ["overview", "How it works"],
  ["exchange", "1. Exchange the service token"],
  ["proxy", "2. Call the provider through the proxy"],
  ["scopes", "Scopes"],
  ["approvals", "Approvals"],
  ["explain", "Explain"],
  ["retries", "Retry rules"],
  ["errors", "Error codes"],
  ["providers", "Providers"],
  ["client", "TypeScript client"],
  ["mcp", "MCP (Claude Code, Cursor…)"],
  ["mcp-oauth", "Claude.ai and ChatGPT (OAuth)"],
  ["leaks", "Leaked tokens"],
] as const;

export default function DocsPage() {
  const providers = listProviders();
  return (
    <main className="mx-auto grid max-w-6xl gap-10 px-5 pb-20 pt-6 sm:px-8 lg:grid-cols-[200px_1fr]">
      <nav aria-label="On this page" className="hidden lg:block">
        <ul className="sticky top-6 space-y-1.5 text-sm">
          {TOC.map(([id, label]) => (
            <li key={id}>
              <a href={`#${id}`} className="text-ink-muted hover:text-ink">
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <article className="min-w-0 max-w-3xl space-y-8">
        <header>
          <p className="text-sm font-medium text-accent-700">Agent API</p>
          <h1 className="mt-1 text-3xl font-semibold tracking-tight">Using okoro from an agent</h1>
          <p className="mt-3 text-lg text-ink-muted">
            Your agent holds one secret — a service token — and never a provider credential. Before it calls an API it
            trades that token for a short-lived operation token for one provider, one scope and a stated intent, then
            calls the provider through okoro, which checks the scope, injects the real credential and records the call
            in a tamper-evident audit log.
          </p>
        </header>

        <Section id="overview" title="How it works">
          <ol className="list-decimal space-y-1 pl-5">
            <li>
              A person creates a <strong>service token</strong> (<Code>svc_…</Code>) for the agent in the dashboard and
              grants it scopes per provider.
            </li>
            <li>
              The agent <strong>exchanges</strong> it at <Code>POST /api/token</Code> for an{" "}
              <strong>operation token</strong>: a JWT valid for at most 15 minutes (60 seconds for scope{" "}
              <Code>all</Code>).
            </li>
            <li>
              The agent calls <Code>/p/&lt;provider&gt;/&lt;path&gt;</Code> on okoro with the operation token. The path,
              query string and body are the provider&apos;s own API.
            </li>
          </ol>
          <Block label="Set up">{`export OKORO_URL=https://your-okoro.example.com
export OKORO_SERVICE_TOKEN=svc_…   # shown once when the token is created`}</Block>
        </Section>

        <Section id="exchange" title="1. Exchange the service token">
          <Block label="Request">{`curl -s "$OKORO_URL/api/token" \\
  -H "Authorization: Bearer $OKORO_SERVICE_TOKEN" \\
  -H "Content-Type: application/json" \\
  -d '{ "provider": "github", "scope": "read", "intent": "list open issues in the web repo" }'`}</Block>
          <p>
            <Code>provider</Code>, <Code>scope</Code> and <Code>intent</Code> (1–256 characters, why you make the call)
            are required. Optional: <Code>ttl</Code> in seconds (default 300, at least 10, lowered to the token&apos;s
            maximum), <Code>single_use</Code> (the first proxied request consumes the token), <Code>reason</Code>{" "}
            (required for <Code>all</Code>, at least 10 characters) and <Code>request_approval</Code>.
          </p>
          <Block label="200 OK">{`{
  "access_token": "eyJhbGciOiJFZERTQSIsInR5cCI6Im9wK2p3dCIs…",
  "token_type": "Bearer",
  "expires_in": 300,
  "issued_token_type": "urn:ietf:params:oauth:token-type:jwt",
  "provider": "github",
  "scope": "read",
  "jti": "9f2c…",
  "proxy_url": "https://your-okoro.example.com/p/github"
}`}</Block>
          <p>The same endpoint accepts an RFC 8693 token-exchange form:</p>
          <Block>{`curl -s "$OKORO_URL/api/token" \\
  -d grant_type=urn:ietf:params:oauth:grant-type:token-exchange \\
  -d subject_token="$OKORO_SERVICE_TOKEN" \\
  -d subject_token_type=urn:okoro:params:token-type:service-token \\
  -d resource=github -d scope=read -d intent="list open issues"`}</Block>
          <p>
            Operation tokens are EdDSA JWTs; anyone can verify them offline with the keys at{" "}
            <Link href="/.well-known/jwks.json" className="text-accent-700 underline">
              /.well-known/jwks.json
            </Link>
            .
          </p>
        </Section>

        <Section id="proxy" title="2. Call the provider through the proxy">
          <Block label="Request">{`TOKEN=$(curl -s "$OKORO_URL/api/token" -H "Authorization: Bearer $OKORO_SERVICE_TOKEN" \\
  -H "Content-Type: application/json" \\
  -d '{"provider":"github","scope":"read","intent":"list open issues"}' | jq -r .access_token)

curl -s "$OKORO_URL/p/github/repos/acme/web/issues?state=open" -H "Authorization: Bearer $TOKEN"`}</Block>
          <p>
            okoro works out what the request does (read, write, update or delete) from the method and the
            provider&apos;s rules, checks it against the token&apos;s scope, replaces your <Code>Authorization</Code>{" "}
            with the real credential, and streams the response back — server-sent events and large downloads are not
            buffered. Redirects are passed through, not followed. Every response carries <Code>okoro-request-id</Code>;
            okoro&apos;s own refusals also carry <Code>okoro-error</Code>, so you can tell them from the provider&apos;s
            errors.
          </p>
          <p>
            Cookies, <Code>Host</Code>, <Code>X-Forwarded-*</Code>, hop-by-hop and method-override headers are never
            forwarded; neither is
            <Code>Set-Cookie</Code> on the way back. Tokens with a rate limit get <Code>RateLimit-Limit</Code>,{" "}
            <Code>RateLimit-Remaining</Code> and <Code>RateLimit-Reset</Code> headers.
          </p>
        </Section>

        <Section id="scopes" title="Scopes">
          <table className="w-full text-left text-sm">
            <tbody className="divide-y divide-line">
              {SCOPES.map((s) => (
                <tr key={s}>
                  <td className="py-2 pr-4 align-top">
                    <Code>{s}</Code>
                  </td>
                  <td className="py-2">{SCOPE_DESCRIPTIONS[s]}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            An operation token allows exactly its own scope. A <Code>write</Code> token cannot read: an agent that must
            read and then update asks for two tokens. Some POST endpoints only read (search, GraphQL queries, LLM
            inference) and need <Code>read</Code>. Intents are recorded, never used to authorize — but an intent that
            says &quot;check&quot; used with a <Code>delete</Code> token is flagged for a person to review.
          </p>
        </Section>

        <Section id="approvals" title="Approvals">
          <p>
            When a scope needs a person&apos;s approval (or you ask for one you lack with{" "}
            <Code>&quot;request_approval&quot;: true</Code>), the exchange answers <strong>202</strong>:
          </p>
          <Block>{`{ "status": "pending", "approval_id": "apr_…", "approval_url": "…/dashboard/approvals/apr_…",
  "poll_url": "…/api/token/approvals/apr_…", "interval": 2, "expires_in": 900 }`}</Block>
          <p>
            Show <Code>approval_url</Code> to your person, then poll <Code>GET poll_url</Code> with the same service
            token every <Code>interval</Code> seconds: 202 while pending, 200 with the exchange response once approved
            (handed out once; later polls get 410 <Code>approval_used</Code>), 403 <Code>approval_denied</Code>, 410{" "}
            <Code>approval_expired</Code>.
          </p>
        </Section>

        <Section id="explain" title="Explain a request before making it">
          <p>
            <Code>POST /api/explain</Code> with an operation token (or the service token, naming the{" "}
            <Code>provider</Code>) and a request description says what the request would need and whether okoro would
            let it through now. Nothing is forwarded, counted against your limits or audited; it allows 60 explains a
            minute per service token. The MCP tool <Code>okoro_explain</Code> gives the same answer.
          </p>
          <Block>{`curl -sS -X POST "$OKORO_URL/api/explain" -H "Authorization: Bearer $OP_TOKEN" \\
  -d '{ "method": "POST", "path": "/graphql", "body": { "query": "mutation { … }" } }'
{ "provider": "github", "required_scope": "update", "token_scope": "read", "allowed": false,
  "error": "insufficient_scope", "would_hold": false, "needs_approval": false,
  "rate_limit": { "limit": 60, "remaining": 42, "reset": 18 }, "quota": null, "flags": [], … }`}</Block>
        </Section>

        <Section id="retries" title="Retry rules">
          <ul className="list-disc space-y-1 pl-5">
            <li>
              <strong>401 from the proxy</strong> (<Code>okoro-error: invalid_token</Code>): the operation token expired
              or was revoked — exchange again, then retry once.
            </li>
            <li>
              <strong>401 from the exchange</strong>: the service token itself is bad, revoked or expired —{" "}
              <strong>stop</strong> and tell a person. Retrying will not help.
            </li>
            <li>
              <strong>429</strong>: wait for <Code>Retry-After</Code> seconds.
            </li>
            <li>
              <strong>403</strong>: do not retry; exchange for the scope the description names, or request approval.
            </li>
            <li>
              <strong>502 / 503 / 504</strong>: retry later with backoff; nothing was forwarded on 503.
            </li>
          </ul>
        </Section>

        <Section id="errors" title="Error codes">
          <p>
            Every error is JSON: <Code>{`{ "error": "<code>", "error_description": "<text for a human>" }`}</Code>.
          </p>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase tracking-wide text-ink-subtle">
                <tr>
                  <th className="py-2 pr-4 font-medium">Status</th>
                  <th className="py-2 pr-4 font-medium">error</th>
                  <th className="py-2 font-medium">When</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-line">
                {(Object.keys(ERROR_MEANING) as ErrorCode[]).map((code) => (
                  <tr key={code}>
                    <td className="py-2 pr-4 align-top tabular-nums">{ERROR_STATUS[code]}</td>
                    <td className="py-2 pr-4 align-top">
                      <Code>{code}</Code>
                    </td>
                    <td className="py-2">{ERROR_MEANING[code]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>

        <Section id="providers" title="Providers">
          <ul className="grid gap-2 sm:grid-cols-2">
            {providers.map((p) => (
              <li key={p.id} className="rounded-lg border border-line bg-surface px-3 py-2">
                <span className="font-medium text-ink">{p.name}</span> <Code>{p.id}</Code>
                <p className="text-sm">
                  <Code>/p/{p.id}/…</Code> → {p.baseUrl}/…
                </p>
              </li>
            ))}
          </ul>
        </Section>

        <Section id="client" title="TypeScript client">
          <p>
            <Code>lib/client/okoro-client.ts</Code> (no dependencies) caches operation tokens per provider, scope and
            intent until shortly before they expire, and follows the retry rules above.
          </p>
          <Block>{`import { OkoroClient } from "./okoro-client";

const okoro = new OkoroClient({ baseUrl: process.env.OKORO_URL!, serviceToken: process.env.OKORO_SERVICE_TOKEN! });
const res = await okoro.fetch(
  { provider: "github", scope: "read", intent: "list open issues" },
  "/repos/acme/web/issues?state=open",
);
console.log(await res.json());`}</Block>
        </Section>

        <Section id="mcp" title="MCP (Claude Code, Cursor, VS Code, Claude Desktop…)">
          <p>
            okoro is also an MCP server at <Code>$OKORO_URL/mcp</Code> (Streamable HTTP, stateless, protocol 2025-06-18
            and later). An MCP client needs only that URL and a service token in{" "}
            <Code>Authorization: Bearer svc_…</Code>; the dashboard shows ready-to-paste setups next to a new token.
          </p>
          <Block label="Claude Code">{`claude mcp add --transport http okoro "$OKORO_URL/mcp" \
  --header "Authorization: Bearer $OKORO_SERVICE_TOKEN"`}</Block>
          <Block label="Cursor (~/.cursor/mcp.json) — VS Code takes the same under servers, with type http">{`{ "mcpServers": { "okoro": { "url": "https://your-okoro.example.com/mcp",
  "headers": { "Authorization": "Bearer svc_…" } } } }`}</Block>
          <p>
            <strong>Tools come from the grant.</strong> For each provider the token is granted and the owner has
            connected: a generic <Code>&lt;provider&gt;_request</Code> tool (
            <Code>{"{ method, path, query?, body?, intent }"}</Code>) and curated tools with typed inputs (
            {CURATED_TOOLS.length} in all, e.g.{" "}
            {[
              "github_list_repos",
              "gmail_send_message",
              "slack_post_message",
              "notion_search",
              "stripe_list_customers",
            ].map((n, i) => (
              <span key={n}>
                {i > 0 ? ", " : ""}
                <Code>{n}</Code>
              </span>
            ))}
            ). A tool whose scope is not granted is not listed; <Code>readOnlyHint</Code> and{" "}
            <Code>destructiveHint</Code> follow its scope. <Code>okoro_explain</Code> says what a request would need
            without sending it.
          </p>
          <p>
            <strong>A tool call is an exchange plus a proxied call</strong>, with the narrowest granted scope that
            covers the request: the same limits, approvals, audit events (marked <Code>via: mcp</Code> with the
            tool&apos;s name) and credential handling. Give each call an <Code>intent</Code>; curated tools default to
            their title.
          </p>
          <p>
            <strong>Results.</strong> Success: <Code>HTTP 200</Code> and the body (JSON pretty-printed, cut at 100 KB
            with a note). A refusal is a tool result with <Code>isError</Code> whose text starts with the error code
            above — <Code>insufficient_scope: …</Code>, <Code>not_connected: … Connect it at …</Code>,{" "}
            <Code>rate_limited: … retry after N s</Code>, <Code>approval_required: … &lt;url&gt;</Code> — and nothing
            was sent. A bad or revoked service token gets HTTP 401 with{" "}
            <Code>
              WWW-Authenticate: Bearer resource_metadata=&quot;…/.well-known/oauth-protected-resource/mcp&quot;
            </Code>
            .
          </p>
          <ul className="grid gap-1 text-sm sm:grid-cols-3">
            {providers.map((p) => (
              <li key={p.id}>
                <Code>{toolPrefix(p.id)}_…</Code> {CURATED_TOOLS.filter((t) => t.provider === p.id).length} tools
              </li>
            ))}
          </ul>
        </Section>

        <Section id="mcp-oauth" title="Claude.ai, ChatGPT and other hosted MCP clients (OAuth)">
          <p>
            Hosted clients cannot be given a header, so they connect through okoro&apos;s OAuth flow instead, in your
            browser. Paste this URL where the client asks for a remote MCP server (Claude.ai:{" "}
            <em>Settings → Connectors → Add custom connector</em>; ChatGPT: <em>Settings → Connectors → Create</em>,
            with developer mode on):
          </p>
          <Block label="Remote MCP server URL">{"https://your-okoro.example.com/mcp"}</Block>
          <p>What happens next:</p>
          <ol className="list-decimal space-y-1 pl-5">
            <li>
              The client calls <Code>/mcp</Code>, gets 401 pointing at{" "}
              <Code>/.well-known/oauth-protected-resource/mcp</Code>, finds okoro&apos;s authorization server metadata
              and registers itself (or presents its own client metadata URL).
            </li>
            <li>
              Your browser opens okoro. Sign in if needed; the consent page names the app and the host it will send you
              back to — check both.
            </li>
            <li>
              Tick what it may do on the same grid as a service token (say GitHub <em>read</em> only), set limits and
              the scopes that need your approval each time, and press <strong>Approve</strong> — or{" "}
              <strong>Deny</strong>.
            </li>
            <li>
              The client gets an access token for <Code>/mcp</Code> only (one hour, refreshed with rotating refresh
              tokens) and sees the tools your grant allows. Its calls appear in the audit log under its name.
            </li>
          </ol>
          <p>
            The app appears on <em>Service tokens</em> marked <strong>OAuth client</strong>, with its grants, usage and
            Revoke: revoking ends its access and refresh tokens at once. Audit events: <Code>oauth.authorized</Code>,{" "}
            <Code>oauth.denied</Code> (including every refused code, verifier, redirect URI or replayed refresh token,
            which also ends the grant) and <Code>oauth.refreshed</Code>.
          </p>
          <p className="text-sm text-ink-muted">
            For client developers: metadata at <Code>/.well-known/oauth-authorization-server</Code>; dynamic
            registration at <Code>POST /api/oauth/register</Code> (public clients, redirect URIs https or loopback
            http); or an https <Code>client_id</Code> pointing at a client metadata document (public addresses only, at
            most 16 KiB, answered within 3 s). Authorization code flow with PKCE S256 at <Code>/oauth/authorize</Code>;{" "}
            <Code>resource</Code>, when sent, must be the <Code>/mcp</Code> URL; codes live 60 seconds and work once.
          </p>
        </Section>

        <Section id="leaks" title="Leaked tokens">
          <p>
            Found a service token where it should not be? Report it — a live token is revoked at once. The answer is
            always the same 202.
          </p>
          <Block>{`curl -s "$OKORO_URL/api/leaks" -H "Content-Type: application/json" -d '{ "token": "svc_…" }'`}</Block>
        </Section>
      </article>
    </main>
  );
}
