// Every table okoro keeps. Tables first, then inferred types. Ids are opaque text made by
// lib/ids.ts; times are timestamptz. Secrets are only ever stored as encrypted envelopes
// (lib/crypto/envelope.ts) or SHA-256 hashes.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { Envelope } from "@/lib/crypto/envelope";
import type { Scope } from "@/lib/scopes";

export type { Scope };

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** provider id → scopes the service token may request */
export type Grants = Record<string, Scope[]>;

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name"),
  image: text("image"),
  // argon2id PHC string; null for accounts that only sign in through GitHub/Google
  passwordHash: text("password_hash"),
  emailVerified: ts("email_verified"),
  // true from a password sign-up until its link is used (docs/dashboard.md#e-mail-verification);
  // false by default so accounts from before, the CLI's and GitHub/Google ones count as verified
  emailUnverified: boolean("email_unverified").notNull().default(false),
  status: text("status", { enum: ["active", "disabled"] })
    .notNull()
    .default("active"),
  approvalWebhookUrl: text("approval_webhook_url"),
  createdAt: ts("created_at").notNull().defaultNow(),
});

/**
 * Dashboard sign-ins. The session cookie (a JWT) carries this row's id as `sid`, and every
 * page and action reads the row: revoking it (sign out, "sign out everywhere", a password
 * change or reset) ends that session on its next request, which a JWT alone cannot do.
 * `verified_at` is the last time the person proved it is them (signing in, re-entering the
 * password or a second factor): sensitive actions need it within the last 10 minutes.
 */
export const userSessions = pgTable(
  "user_sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // how it was signed in: password, github, google, passkey
    method: text("method").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: ts("created_at").notNull().defaultNow(),
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
    verifiedAt: ts("verified_at").notNull().defaultNow(),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId, t.lastSeenAt)],
);

/** External sign-in identities (GitHub, Google) linked to a user. */
export const accounts = pgTable(
  "accounts",
  {
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] }), index("accounts_user_idx").on(t.userId)],
);

/** One user's credential for one provider; reconnecting replaces the row's credential. */
export const connections = pgTable(
  "connections",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    // how the credential was obtained: oauth2 | oauth1 | paste
    method: text("method", { enum: ["oauth2", "oauth1", "paste"] }).notNull(),
    status: text("status", { enum: ["active", "expired", "error"] })
      .notNull()
      .default("active"),
    statusDetail: text("status_detail"),
    credential: jsonb("credential").$type<Envelope>().notNull(),
    credentialHint: text("credential_hint"),
    accountName: text("account_name"),
    grantedScopes: text("granted_scopes"),
    // OAuth 2 access-token expiry, kept in clear so refresh can be planned without decrypting
    accessExpiresAt: ts("access_expires_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    refreshedAt: ts("refreshed_at"),
    lastUsedAt: ts("last_used_at"),
  },
  (t) => [uniqueIndex("connections_user_provider_uq").on(t.userId, t.provider)],
);

export const serviceTokens = pgTable(
  "service_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    hint: text("hint").notNull(),
    grants: jsonb("grants").$type<Grants>().notNull(),
    maxTtl: integer("max_ttl").notNull().default(900),
    expiresAt: ts("expires_at"),
    rateLimit: integer("rate_limit"),
    quota: integer("quota"),
    quotaPeriod: text("quota_period", { enum: ["day", "month"] }),
    approvalScopes: jsonb("approval_scopes").$type<Scope[]>().notNull().default(sql`'[]'::jsonb`),
    /** scopes whose every proxied request waits for a person (docs/agent-api.md#held-requests) */
    holdScopes: jsonb("hold_scopes").$type<Scope[]>().notNull().default(sql`'[]'::jsonb`),
    createdAt: ts("created_at").notNull().defaultNow(),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
    revokedReason: text("revoked_reason", { enum: ["revoked", "leaked"] }),
    /** set when an MCP client was authorized through okoro's OAuth flow: its client_id */
    oauthClientId: text("oauth_client_id"),
    /** the host of the redirect URI the person approved, shown next to the client's name */
    oauthRedirectHost: text("oauth_redirect_host"),
  },
  (t) => [uniqueIndex("service_tokens_hash_uq").on(t.tokenHash), index("service_tokens_user_idx").on(t.userId)],
);

/** Ed25519 keys that sign operation tokens. The private half is an encrypted envelope. */
export const signingKeys = pgTable("signing_keys", {
  kid: text("kid").primaryKey(),
  publicJwk: jsonb("public_jwk").$type<Record<string, string>>().notNull(),
  privateKey: jsonb("private_key").$type<Envelope>().notNull(),
  createdAt: ts("created_at").notNull().defaultNow(),
  // set when a newer key becomes current; the key is published until retiredAt + max TTL
  retiredAt: ts("retired_at"),
});

/**
 * The audit log. Append-only (a trigger in the migrations rejects UPDATE, DELETE and
 * TRUNCATE). `chain` is the user id, or "_system" for events no user can be tied to;
 * `seq` is gap-free per chain and `hash` links each row to the one before.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    chain: text("chain").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    id: text("id").notNull(),
    at: ts("at").notNull(),
    userId: text("user_id"),
    event: text("event").notNull(),
    agent: text("agent"),
    serviceTokenId: text("service_token_id"),
    jti: text("jti"),
    provider: text("provider"),
    scope: text("scope"),
    requiredScope: text("required_scope"),
    intent: text("intent"),
    reason: text("reason"),
    method: text("method"),
    path: text("path"),
    query: text("query"),
    status: integer("status"),
    durationMs: integer("duration_ms"),
    bytesIn: bigint("bytes_in", { mode: "number" }),
    bytesOut: bigint("bytes_out", { mode: "number" }),
    outcome: text("outcome", { enum: ["allowed", "denied", "error"] }),
    error: text("error"),
    flags: jsonb("flags").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    flagReason: text("flag_reason"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    requestId: text("request_id"),
    // added after the first release: present in the hashed canonical JSON only when set,
    // so rows written before them keep their hashes
    /** how a call reached okoro when not the plain HTTP API: "mcp" */
    via: text("via"),
    /** the MCP tool that made the call */
    tool: text("tool"),
    /** how many refusals one aggregated event stands for (per-address failure limits) */
    count: integer("count"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.chain, t.seq] }),
    uniqueIndex("audit_events_id_uq").on(t.id),
    index("audit_events_user_at_idx").on(t.userId, t.at),
    index("audit_events_user_agent_idx").on(t.userId, t.agent, t.seq),
    index("audit_events_user_provider_idx").on(t.userId, t.provider, t.seq),
    index("audit_events_token_idx").on(t.serviceTokenId),
    // the audit viewer (db/queries/audit.ts): event filter, flagged-only, and the status and
    // duration sorts, each an index range instead of a scan of the user's whole log
    index("audit_events_user_event_idx").on(t.userId, t.event, t.seq),
    index("audit_events_user_flagged_idx").on(t.userId, t.seq).where(sql`jsonb_array_length(${t.flags}) > 0`),
    index("audit_events_user_status_idx").on(t.userId, t.status, t.seq).where(sql`${t.status} IS NOT NULL`),
    index("audit_events_user_duration_idx").on(t.userId, t.durationMs, t.seq).where(sql`${t.durationMs} IS NOT NULL`),
  ],
);

/** Head of each audit chain: the row lock on it serializes appends so a chain never forks. */
export const auditHeads = pgTable("audit_heads", {
  chain: text("chain").primaryKey(),
  seq: bigint("seq", { mode: "number" }).notNull().default(0),
  hash: text("hash").notNull().default(""),
});

/**
 * Signed checkpoints of the audit chain heads (lib/audit/checkpoint.ts): every chain's
 * seq and hash at `at`, signed with a key derived from the master key `kid`. The key is
 * never stored here, so someone who can rewrite the database cannot sign a new one.
 */
export const auditCheckpoints = pgTable(
  "audit_checkpoints",
  {
    id: text("id").primaryKey(),
    at: ts("at").notNull(),
    kid: text("kid").notNull(),
    /** chain → [seq, hash] */
    heads: jsonb("heads").$type<Record<string, [number, string]>>().notNull(),
    signature: text("signature").notNull(),
  },
  (t) => [index("audit_checkpoints_at_idx").on(t.at)],
);

export const approvals = pgTable(
  "approvals",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    serviceTokenId: text("service_token_id")
      .notNull()
      .references(() => serviceTokens.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    scope: text("scope").notNull(),
    intent: text("intent").notNull(),
    reason: text("reason"),
    ttl: integer("ttl").notNull(),
    singleUse: boolean("single_use").notNull().default(false),
    // true when the scope was not granted and the agent asked for it (request_approval)
    beyondGrant: boolean("beyond_grant").notNull().default(false),
    status: text("status", { enum: ["pending", "approved", "denied", "used", "expired"] })
      .notNull()
      .default("pending"),
    remember: boolean("remember").notNull().default(false),
    /** "held": one stored request waits on this approval (held_requests), not a token */
    kind: text("kind", { enum: ["exchange", "held"] })
      .notNull()
      .default("exchange"),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    decidedAt: ts("decided_at"),
  },
  (t) => [index("approvals_user_status_idx").on(t.userId, t.status)],
);

/** Single-use operation tokens already consumed (kept until the token would have expired). */
export const usedJtis = pgTable("used_jtis", {
  jti: text("jti").primaryKey(),
  expiresAt: ts("expires_at").notNull(),
});

/**
 * Fixed-window counters for every limit: per service token (rate, quota) and per IP
 * (sign-in, sign-up, bad exchanges, leak reports). Windows roll over lazily in the same
 * statement that counts, so there is no reset job to miss.
 */
export const limitCounters = pgTable("limit_counters", {
  key: text("key").primaryKey(),
  windowStart: ts("window_start").notNull(),
  count: integer("count").notNull().default(0),
});

/** Pending OAuth connect flows: single-use state bound to the user who started it. */
export const oauthStates = pgTable("oauth_states", {
  stateHash: text("state_hash").primaryKey(),
  userId: text("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  provider: text("provider").notNull(),
  // PKCE verifier or OAuth 1 request-token secret, encrypted
  secret: jsonb("secret").$type<Envelope>(),
  createdAt: ts("created_at").notNull().defaultNow(),
  expiresAt: ts("expires_at").notNull(),
});

/**
 * MCP clients registered dynamically (RFC 7591). Clients known by a Client ID Metadata
 * Document are not stored: their https client_id is fetched when needed. A registration
 * nobody ever authorized is swept after a day.
 */
export const oauthClients = pgTable(
  "oauth_clients",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    redirectUris: jsonb("redirect_uris").$type<string[]>().notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    /** the last time a person authorized it; null = never, so the sweep may remove it */
    lastAuthorizedAt: ts("last_authorized_at"),
  },
  (t) => [index("oauth_clients_created_idx").on(t.createdAt)],
);

/**
 * Authorization codes: single use, short-lived, bound to the client, the redirect URI and
 * the PKCE challenge. The grant they stand for is a service token made at consent.
 */
export const oauthCodes = pgTable(
  "oauth_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    serviceTokenId: text("service_token_id")
      .notNull()
      .references(() => serviceTokens.id, { onDelete: "cascade" }),
    clientId: text("client_id").notNull(),
    redirectUri: text("redirect_uri").notNull(),
    codeChallenge: text("code_challenge").notNull(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
  },
  (t) => [index("oauth_codes_expires_idx").on(t.expiresAt)],
);

/**
 * Access and refresh tokens handed to MCP clients, stored only as SHA-256. Their grant is
 * the service token: revoking it ends every token at once. A refresh token is used once
 * (`usedAt`) and replaced; presenting it again revokes the grant.
 */
export const oauthTokens = pgTable(
  "oauth_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    kind: text("kind", { enum: ["access", "refresh"] }).notNull(),
    serviceTokenId: text("service_token_id")
      .notNull()
      .references(() => serviceTokens.id, { onDelete: "cascade" }),
    clientId: text("client_id").notNull(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("oauth_tokens_service_token_idx").on(t.serviceTokenId),
    index("oauth_tokens_expires_idx").on(t.expiresAt),
  ],
);

// ---- Notifications (docs/dashboard.md#notifications) --------------------------------------

/**
 * Where a person wants to hear about approvals, held requests, `all` tokens and leaked
 * tokens: a Slack incoming webhook or the signed webhook. The URL is a secret (Slack's
 * carries its own credential in the path), so it is kept as an envelope; `url_hint` is
 * what the settings page shows (host and a masked path). The signed webhook's secret is
 * not stored: it is derived from AUTH_SECRET and the user id (lib/approvals/webhook.ts).
 */
export const notificationChannels = pgTable(
  "notification_channels",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["slack", "webhook"] }).notNull(),
    url: jsonb("url").$type<Envelope>().notNull(),
    urlHint: text("url_hint").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  // one of each kind per user: setting it again replaces the URL
  (t) => [uniqueIndex("notification_channels_user_kind_uq").on(t.userId, t.kind)],
);

/**
 * One message to one channel, and its retries. The payload is what the message says
 * (sentence, agent, intent, links) and never a secret; `last_error` is a short reason
 * (a status code, "timed out"), never a URL or a response body.
 */
export const notificationDeliveries = pgTable(
  "notification_deliveries",
  {
    id: text("id").primaryKey(),
    channelId: text("channel_id")
      .notNull()
      .references(() => notificationChannels.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    event: text("event").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    // when a pending delivery may next be claimed; a claim pushes it out by a lease
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    lastError: text("last_error"),
    lastStatus: integer("last_status"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    deliveredAt: ts("delivered_at"),
  },
  (t) => [
    index("notification_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("notification_deliveries_user_idx").on(t.userId, t.createdAt),
  ],
);

// ---- end of notifications ---------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// Held requests (docs/agent-api.md#held-requests): one proxied request, stored encrypted,
// waiting on its approval (approvals.kind = 'held', same id). `state` is the execution's:
// held → executing (one claim, one sender) → done | failed; `deliveredAt` marks the one
// poll that got the answer.
// ---------------------------------------------------------------------------------------

export type HeldState = "held" | "executing" | "done" | "failed";

export const heldRequests = pgTable(
  "held_requests",
  {
    id: text("id")
      .primaryKey()
      .references(() => approvals.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    serviceTokenId: text("service_token_id")
      .notNull()
      .references(() => serviceTokens.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    /** the connection the digest was computed with (the execution uses the current one) */
    connectionId: text("connection_id").notNull(),
    method: text("method").notNull(),
    /** the path after /p/{provider}, and the raw query string (no "?"), as the agent sent them */
    path: text("path").notNull(),
    query: text("query").notNull(),
    /** "sha256:" + hex of the canonical JSON of the request (docs/agent-api.md#held-requests) */
    digest: text("digest").notNull(),
    /** sealed { headers, body (base64) } */
    request: jsonb("request").$type<Envelope>().notNull(),
    bodyBytes: integer("body_bytes").notNull(),
    state: text("state", { enum: ["held", "executing", "done", "failed"] })
      .$type<HeldState>()
      .notNull()
      .default("held"),
    /** why a failed execution failed (upstream_timeout, not_connected, interrupted, …) */
    outcome: text("outcome"),
    responseStatus: integer("response_status"),
    /** sealed { headers, body (base64) }, the upstream's answer */
    response: jsonb("response").$type<Envelope>(),
    claimedAt: ts("claimed_at"),
    finishedAt: ts("finished_at"),
    /** the answer is kept for the agent until then */
    keepUntil: ts("keep_until"),
    deliveredAt: ts("delivered_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("held_requests_token_digest_idx").on(t.serviceTokenId, t.digest),
    index("held_requests_state_idx").on(t.state),
  ],
);

// ─── Two-factor authentication (docs/dashboard.md#two-factor-authentication) ───────────

/**
 * A user's authenticator-app (TOTP) secret, encrypted. Until `confirmed_at` is set the
 * enrolment is pending and does not count. `last_used_step` is the 30-second step of the
 * last code accepted: a code of that step or an earlier one is refused (replay).
 */
export const userTotp = pgTable("user_totp", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  secret: jsonb("secret").$type<Envelope>().notNull(),
  confirmedAt: ts("confirmed_at"),
  lastUsedStep: bigint("last_used_step", { mode: "number" }),
  createdAt: ts("created_at").notNull().defaultNow(),
});

/** One-time recovery codes, stored only as SHA-256; `used_at` makes each single-use. */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: ts("used_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("recovery_codes_user_hash_idx").on(t.userId, t.codeHash)],
);

/** WebAuthn credentials (passkeys). `id` is the credential id, base64url. */
export const passkeys = pgTable(
  "passkeys",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    publicKey: text("public_key").notNull(),
    counter: bigint("counter", { mode: "number" }).notNull().default(0),
    transports: jsonb("transports").$type<string[]>(),
    name: text("name").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    lastUsedAt: ts("last_used_at"),
  },
  (t) => [index("passkeys_user_idx").on(t.userId)],
);

/**
 * WebAuthn challenges handed to a browser: each one is for one purpose and one user (or
 * one sign-in ticket), expires after five minutes and is spent by the first answer.
 */
export const webauthnChallenges = pgTable(
  "webauthn_challenges",
  {
    challenge: text("challenge").primaryKey(),
    purpose: text("purpose", { enum: ["register", "sign_in", "step_up", "passkey_sign_in"] }).notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    ticketHash: text("ticket_hash"),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("webauthn_challenges_expires_idx").on(t.expiresAt)],
);

/**
 * The half-way point of a two-factor sign-in: a correct password with a factor enrolled
 * earns a ticket (stored as SHA-256), not a session. The ticket plus the second factor
 * starts the session; it is single-use, short-lived, and burnt after too many wrong codes.
 */
export const signInTickets = pgTable(
  "sign_in_tickets",
  {
    ticketHash: text("ticket_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // how the first step was made (password, github, google): the session records it
    method: text("method").notNull().default("password"),
    failures: integer("failures").notNull().default(0),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("sign_in_tickets_user_idx").on(t.userId)],
);

// ---- account links (docs/dashboard.md#e-mail-verification) ----

/**
 * Links mailed to a person: verify the sign-up address, reset the password, confirm a new
 * address. Stored only as SHA-256; single use (`used_at`), with an expiry; a newer link of
 * the same purpose ends the older ones, and a password change ends reset links.
 */
export const accountTokens = pgTable(
  "account_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["verify_email", "reset_password", "change_email"] }).notNull(),
    tokenHash: text("token_hash").notNull(),
    /** the address being confirmed (change_email only) */
    newEmail: text("new_email"),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("account_tokens_hash_uq").on(t.tokenHash),
    index("account_tokens_user_purpose_idx").on(t.userId, t.purpose),
  ],
);

export type UserSession = typeof userSessions.$inferSelect;
export type UserTotp = typeof userTotp.$inferSelect;
export type RecoveryCode = typeof recoveryCodes.$inferSelect;
export type Passkey = typeof passkeys.$inferSelect;
export type WebauthnChallenge = typeof webauthnChallenges.$inferSelect;
export type SignInTicket = typeof signInTickets.$inferSelect;
export type User = typeof users.$inferSelect;
export type Connection = typeof connections.$inferSelect;
export type ServiceToken = typeof serviceTokens.$inferSelect;
export type SigningKey = typeof signingKeys.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;
export type AuditCheckpointRow = typeof auditCheckpoints.$inferSelect;
export type Approval = typeof approvals.$inferSelect;
export type HeldRequest = typeof heldRequests.$inferSelect;
export type OAuthClient = typeof oauthClients.$inferSelect;
export type OAuthCode = typeof oauthCodes.$inferSelect;
export type OAuthToken = typeof oauthTokens.$inferSelect;
export type NotificationChannel = typeof notificationChannels.$inferSelect;
export type NotificationDelivery = typeof notificationDeliveries.$inferSelect;
export type AccountToken = typeof accountTokens.$inferSelect;
export type AccountTokenPurpose = AccountToken["purpose"];
