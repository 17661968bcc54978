// The one error type. Every refusal okoro makes is an OkoroError with a code from docs/errors.md#error-codes;
// the code decides the HTTP status. Anything else that escapes is logged server-side and
// answered as 500 internal_error — driver messages and stacks never reach a client.

export const ERROR_STATUS = {
  invalid_request: 400,
  reason_required: 400,
  invalid_token: 401,
  // OAuth 2 errors, named as the RFCs name them (okoro as an authorization server for MCP clients)
  invalid_grant: 400,
  invalid_client: 401,
  unsupported_grant_type: 400,
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  access_denied: 403,
  scope_not_granted: 403,
  insufficient_scope: 403,
  wrong_provider: 403,
  approval_denied: 403,
  step_up_required: 403,
  email_unverified: 403,
  forbidden: 403,
  not_found: 404,
  unknown_provider: 404,
  method_not_allowed: 405,
  not_connected: 409,
  conflict: 409,
  approval_expired: 410,
  approval_used: 410,
  payload_too_large: 413,
  rate_limited: 429,
  quota_exceeded: 429,
  internal_error: 500,
  upstream_unreachable: 502,
  audit_unavailable: 503,
  unavailable: 503,
  upstream_timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

const DEFAULT_DESCRIPTION: Partial<Record<ErrorCode, string>> = {
  invalid_token: "The token is missing, malformed, expired or revoked.",
  internal_error: "Something went wrong on our side. It has been logged.",
  audit_unavailable: "The audit log cannot be written right now, so nothing was forwarded.",
  unavailable: "The service is temporarily unavailable.",
  not_found: "Not found.",
  email_unverified:
    "Confirm your e-mail address first: until then the account cannot connect providers or create service tokens.",
  step_up_required: "Confirm it is you first: this needs your password or second factor within the last 10 minutes.",
};

export class OkoroError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** extra response headers, e.g. Retry-After */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, description?: string, options?: { headers?: Record<string, string>; cause?: unknown }) {
    super(description ?? DEFAULT_DESCRIPTION[code] ?? code, { cause: options?.cause });
    this.name = "OkoroError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.headers = options?.headers ?? {};
  }

  get description(): string {
    return this.message;
  }

  toJSON() {
    return { error: this.code, error_description: this.message };
  }
}

export function isOkoroError(e: unknown): e is OkoroError {
  return e instanceof OkoroError;
}

/** Turns any thrown value into an OkoroError, logging what is not one. */
export function asOkoroError(e: unknown, context = "request"): OkoroError {
  if (e instanceof OkoroError) return e;
  if (isZodError(e)) {
    const first = e.issues[0];
    const where = first?.path?.length ? `${first.path.join(".")}: ` : "";
    return new OkoroError("invalid_request", `${where}${first?.message ?? "invalid request"}`);
  }
  if (isDatabaseUnreachable(e)) {
    // not a bug to hide behind 500: the caller may retry, and should be told so
    console.error(`[okoro] database unreachable during ${context}:`, (e as Error).message);
    return new OkoroError("unavailable");
  }
  console.error(`[okoro] unexpected error during ${context}:`, e);
  return new OkoroError("internal_error");
}

// SQLSTATE classes and driver messages that mean "the database could not be reached or
// went away", as opposed to a query it refused: connection exceptions (08), the server
// shutting down or not accepting connections (57P01–57P03), and the pool's own limits.
const UNREACHABLE_STATES = /^(08|57P0[123])/;
const UNREACHABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Query read timeout|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|connect ECONN|socket hang up/i;

/** Whether an error (or what it wraps: drizzle puts the driver's error in `cause`) says the database is unreachable. */
export function isDatabaseUnreachable(e: unknown, depth = 0): boolean {
  if (typeof e !== "object" || e === null || depth > 3) return false;
  const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
  if (
    typeof code === "string" &&
    (UNREACHABLE_STATES.test(code) || /^E(CONNREFUSED|CONNRESET|TIMEDOUT|HOSTUNREACH)$/.test(code))
  )
    return true;
  if (typeof message === "string" && UNREACHABLE_MESSAGES.test(message)) return true;
  return isDatabaseUnreachable(cause, depth + 1);
}

function isZodError(e: unknown): e is { issues: { path: PropertyKey[]; message: string }[] } {
  return (
    typeof e === "object" &&
    e !== null &&
    (e as { name?: string }).name === "ZodError" &&
    Array.isArray((e as { issues?: unknown }).issues)
  );
}

type ErrorOptions = { tagged?: boolean; headers?: Record<string, string>; context?: string };

/**
 * The JSON error of docs/agent-api.md#conventions as status, headers and body text, for writers that are not a
 * web Response (the proxy's Node server). `tagged` adds the `okoro-error` header, which
 * the proxy uses so agents can tell okoro's refusals from the upstream's own errors.
 */
export function errorParts(
  e: unknown,
  opts: ErrorOptions = {},
): { status: number; headers: Record<string, string>; body: string } {
  const err = asOkoroError(e, opts.context);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "cache-control": "no-store",
    ...err.headers,
    ...opts.headers,
  };
  if (opts.tagged) headers["okoro-error"] = err.code;
  return { status: err.status, headers, body: JSON.stringify(err.toJSON()) };
}

/** The JSON error response of docs/agent-api.md#conventions (see errorParts). */
export function errorResponse(e: unknown, opts: ErrorOptions = {}): Response {
  const { status, headers, body } = errorParts(e, opts);
  return new Response(body, { status, headers });
}
