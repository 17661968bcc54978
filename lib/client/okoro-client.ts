// The agent-side client (docs/agent-api.md#agent-tooling): holds only the service token, exchanges it for
// operation tokens, caches them per (provider, scope, intent) until shortly before they
// expire, and calls providers through the proxy. Retry rules: a 401 from the proxy means
// the operation token is no longer good — exchange again and retry once; a 401 from the
// exchange means the service token itself is bad — stop. No Next.js, no Node-only APIs:
// it runs wherever `fetch` does.

export type Scope = "read" | "write" | "update" | "delete" | "all";

export type TokenRequest = {
  provider: string;
  scope: Scope;
  intent: string;
  /** required for scope "all" */
  reason?: string;
  ttl?: number;
  singleUse?: boolean;
  /** ask a person when the scope is not granted (the call then waits for approval) */
  requestApproval?: boolean;
};

export type OperationToken = {
  access_token: string;
  expires_in: number;
  provider: string;
  scope: Scope;
  jti: string;
  proxy_url: string;
};

export type ClientOptions = {
  serviceToken: string;
  /** okoro's URL, e.g. https://okoro.example.com */
  baseUrl: string;
  fetch?: typeof fetch;
  /** refresh this many seconds before expiry (default 15) */
  refreshMargin?: number;
  /** how long to wait for a person to approve (default 15 minutes) */
  approvalTimeoutMs?: number;
};

/** A request to explain (docs/agent-api.md#explain): the path as it would follow /p/{provider}. */
export type ExplainRequest = {
  provider: string;
  method: string;
  path: string;
  query?: Record<string, string | number | boolean> | string;
  body?: unknown;
  /** the intent a call would state, for the flags */
  intent?: string;
};

/** What okoro would do with a request, without sending it. */
export type Explanation = {
  provider: string;
  method: string;
  path: string;
  required_scope: Exclude<Scope, "all"> | null;
  token_scope: Scope | null;
  granted_scopes: Scope[];
  allowed: boolean;
  error: string | null;
  error_description: string | null;
  would_hold: boolean;
  needs_approval: boolean;
  rate_limit: { limit: number; remaining: number; reset: number } | null;
  quota: { limit: number; remaining: number; period: "day" | "month"; reset_at: string } | null;
  flags: string[];
  flag_reason: string | null;
};

/** okoro refused: `code` is the docs/errors.md#error-codes error code. */
export class OkoroRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    description: string,
  ) {
    super(`${code}: ${description}`);
    this.name = "OkoroRequestError";
  }
}

type Cached = { token: OperationToken; expiresAt: number };

export class OkoroClient {
  private readonly cache = new Map<string, Cached>();
  private readonly fetchImpl: typeof fetch;
  private readonly baseUrl: string;

  constructor(private readonly options: ClientOptions) {
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  /** An operation token for this request, from the cache when still fresh. */
  async token(request: TokenRequest): Promise<OperationToken> {
    const key = cacheKey(request);
    const cached = this.cache.get(key);
    const margin = (this.options.refreshMargin ?? 15) * 1000;
    if (cached && cached.expiresAt - margin > Date.now() && !request.singleUse) return cached.token;
    const token = await this.exchange(request);
    if (!request.singleUse) this.cache.set(key, { token, expiresAt: Date.now() + token.expires_in * 1000 });
    return token;
  }

  /**
   * Calls `path` on `provider` through the proxy, e.g.
   * `client.fetch({ provider: "github", scope: "read", intent: "list open issues" }, "/repos/o/r/issues")`.
   */
  async fetch(request: TokenRequest, path: string, init: RequestInit = {}): Promise<Response> {
    const body = init.body;
    const replayable =
      body === undefined ||
      body === null ||
      typeof body === "string" ||
      body instanceof ArrayBuffer ||
      ArrayBuffer.isView(body) ||
      body instanceof URLSearchParams;
    for (let attempt = 0; ; attempt++) {
      const token = await this.token(request);
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${token.access_token}`);
      const response = await this.fetchImpl(`${token.proxy_url}${path.startsWith("/") ? path : `/${path}`}`, {
        ...init,
        headers,
      });
      // Only okoro's own 401 (tagged okoro-error) means "exchange again"; a provider's 401 is the provider's answer.
      if (
        response.status === 401 &&
        response.headers.get("okoro-error") === "invalid_token" &&
        attempt === 0 &&
        replayable
      ) {
        this.cache.delete(cacheKey(request));
        await response.body?.cancel();
        continue;
      }
      return response;
    }
  }

  /**
   * What `request` would need and whether okoro would let it through now, asked with the
   * service token: nothing is sent, counted or audited.
   */
  async explain(request: ExplainRequest): Promise<Explanation> {
    const response = await this.fetchImpl(`${this.baseUrl}/api/explain`, {
      method: "POST",
      headers: { authorization: `Bearer ${this.options.serviceToken}`, "content-type": "application/json" },
      body: JSON.stringify(request),
    });
    const payload = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status !== 200)
      throw new OkoroRequestError(
        response.status,
        String(payload.error ?? "unknown_error"),
        String(payload.error_description ?? response.statusText),
      );
    return payload as unknown as Explanation;
  }

  private async exchange(request: TokenRequest): Promise<OperationToken> {
    const response = await this.fetchImpl(`${this.baseUrl}/api/token`, {
      method: "POST",
      headers: { authorization: `Bearer ${this.options.serviceToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        provider: request.provider,
        scope: request.scope,
        intent: request.intent,
        reason: request.reason,
        ttl: request.ttl,
        single_use: request.singleUse ?? false,
        request_approval: request.requestApproval ?? false,
      }),
    });
    if (response.status === 202)
      return this.waitForApproval((await response.json()) as { poll_url: string; interval: number });
    return this.readToken(response);
  }

  private async waitForApproval(pending: { poll_url: string; interval: number }): Promise<OperationToken> {
    const deadline = Date.now() + (this.options.approvalTimeoutMs ?? 15 * 60_000);
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, Math.max(1, pending.interval) * 1000));
      const response = await this.fetchImpl(pending.poll_url, {
        headers: { authorization: `Bearer ${this.options.serviceToken}` },
      });
      if (response.status === 202) {
        await response.body?.cancel();
        continue;
      }
      return this.readToken(response);
    }
    throw new OkoroRequestError(410, "approval_expired", "No one approved the request in time.");
  }

  private async readToken(response: Response): Promise<OperationToken> {
    const payload = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status !== 200) {
      throw new OkoroRequestError(
        response.status,
        String(payload.error ?? "unknown_error"),
        String(payload.error_description ?? response.statusText),
      );
    }
    return payload as unknown as OperationToken;
  }
}

function cacheKey(r: TokenRequest): string {
  return JSON.stringify([r.provider, r.scope, r.intent, r.reason ?? ""]);
}
