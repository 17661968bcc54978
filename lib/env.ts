// Configuration, parsed and validated once (docs/configuration.md#configuration-and-running). Nothing else reads process.env.
// In development the embedded defaults live here: missing AUTH_SECRET and
// OKORO_MASTER_KEYS are generated once into .data/secrets.json. In production
// (NODE_ENV=production) every required variable must be set; assertProductionEnv names
// every missing one at once.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { generateMasterKey, parseMasterKeys, type MasterKeys } from "@/lib/crypto/envelope";

type Source = Record<string, string | undefined>;

export type DbDriver = "pglite" | "pg" | "neon";

export type Env = {
  production: boolean;
  dataDir: string;
  databaseUrl: string | undefined;
  dbDriver: DbDriver;
  /**
   * DATABASE_OWNER_URL: the role that owns the tables, for `okoro migrate` only. When it is
   * set, DATABASE_URL is the runtime role, which may not change or remove audit rows.
   */
  databaseOwnerUrl: string | undefined;
  /** CRON_SECRET: what Vercel Cron sends as a bearer token to /api/cron/… */
  cronSecret: string | undefined;
  /** embedded database directory (pglite driver only) */
  pgliteDir: string;
  /** test-only: host:port of a local WebSocket→TCP bridge the Neon driver goes through */
  neonWsProxy: string | undefined;
  url: string;
  origin: string;
  masterKeys: MasterKeys;
  authSecret: string;
  maxBodyBytes: number;
  upstreamTimeoutMs: number;
  authGithub?: { id: string; secret: string };
  authGoogle?: { id: string; secret: string };
  /** OKORO_<PROVIDER>_CLIENT_ID/_CLIENT_SECRET (Trello: OKORO_TRELLO_KEY/_SECRET) */
  oauthApp: (providerId: string) => { clientId: string; clientSecret: string } | undefined;
  /** OKORO_PROVIDER_<ID>_<NAME> overrides, e.g. providerOverride("github", "BASE_URL") */
  providerOverride: (providerId: string, name: ProviderOverride) => string | undefined;
  bench: boolean;
  /** how many proxies in front of the app append to X-Forwarded-For (0: trust none) */
  trustedProxyHops: number;
  /** sign-ups accepted per client address per hour (per-IP limit, docs/limits.md#limits) */
  signupsPerHour: number;
  /** sign-in attempts accepted per client address per 10 minutes (per-IP limit, docs/limits.md#limits) */
  signinsPer10Minutes: number;
  /**
   * OKORO_NOTIFY_PRIVATE_NETWORK: notifications may go to loopback and private addresses
   * (and over http). On by default in development, off in production
   * (docs/configuration.md#notifications).
   */
  notifyPrivateNetwork: boolean;
  /** OKORO_SMTP_URL: smtp:// or smtps:// with credentials; unset → the development outbox (docs/configuration.md#mail) */
  smtpUrl: string | undefined;
  /** OKORO_MAIL_FROM: the From of every message okoro sends */
  mailFrom: string;
  /** OKORO_SIGNUP: whether /sign-up accepts new accounts */
  signup: "open" | "closed";
};

export type ProviderOverride =
  | "BASE_URL"
  | "AUTHORIZE_URL"
  | "TOKEN_URL"
  | "REQUEST_TOKEN_URL"
  | "ACCESS_TOKEN_URL"
  | "USERINFO_URL";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`okoro cannot start — fix the configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const REQUIRED_IN_PRODUCTION = ["DATABASE_URL", "OKORO_URL", "OKORO_MASTER_KEYS", "AUTH_SECRET"] as const;

const positiveInt = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) {
        ctx.addIssue({ code: "custom", message: `${name} must be a positive whole number` });
        return z.NEVER;
      }
      return n;
    });

const GOOGLE_PRODUCTS = new Set(["gmail", "google-drive"]);

/** The variables that configure a provider's OAuth app, as a person should set them. */
export function oauthAppVariables(providerId: string): [string, string] {
  if (providerId === "trello") return ["OKORO_TRELLO_KEY", "OKORO_TRELLO_SECRET"];
  if (GOOGLE_PRODUCTS.has(providerId)) return ["OKORO_GOOGLE_CLIENT_ID", "OKORO_GOOGLE_CLIENT_SECRET"];
  const key = envKey(providerId);
  return [`OKORO_${key}_CLIENT_ID`, `OKORO_${key}_CLIENT_SECRET`];
}

function envKey(providerId: string): string {
  return providerId.toUpperCase().replace(/-/g, "_");
}

function isLocalHost(hostname: string): boolean {
  return (
    hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]" || hostname.endsWith(".localhost")
  );
}

/** Whether a host name is this machine by definition (not by what a resolver answers). */
function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * OKORO_BENCH=1 serves the benchmark's floor and statistics routes and counts database
 * round trips: tools for a run on one machine, never for a deployment. The benchmark runs
 * the production server (`npm start`, NODE_ENV=production) on loopback, so "not in
 * production" means: only with an OKORO_URL on loopback, and never on Vercel.
 */
function benchProblem(enabled: boolean, url: string, onVercel: boolean): string | undefined {
  if (!enabled) return undefined;
  let loopback = false;
  try {
    loopback = isLoopbackHost(new URL(url).hostname);
  } catch {
    // the URL's own problem is reported already
  }
  if (onVercel || !loopback) {
    return "OKORO_BENCH=1 is for benchmark runs on this machine only: unset it (it needs OKORO_URL on localhost, 127.0.0.1 or [::1], and no Vercel)";
  }
  return undefined;
}

/** Which driver a DATABASE_URL means (docs/configuration.md#configuration-and-running): unset → PGlite; a Neon host → Neon; else pg. */
export function driverFor(databaseUrl: string | undefined, forced?: string): DbDriver {
  if (forced === "pglite" || forced === "pg" || forced === "neon") return forced;
  if (!databaseUrl) return "pglite";
  if (/^(file|pglite):/i.test(databaseUrl)) return "pglite";
  try {
    const host = new URL(databaseUrl).hostname;
    if (host.endsWith(".neon.tech") || host.endsWith(".neon.build")) return "neon";
  } catch {
    // not a URL: pg will explain
  }
  return "pg";
}

type DevSecrets = { AUTH_SECRET: string; OKORO_MASTER_KEYS: string };

/** Development only: read or create .data/secrets.json, saying so the first time. */
function devSecrets(dataDir: string): DevSecrets {
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as DevSecrets;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets: DevSecrets = {
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    OKORO_MASTER_KEYS: generateMasterKey(`dev-${new Date().toISOString().slice(0, 10).replace(/-/g, "")}`),
  };
  try {
    writeFileSync(file, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600, flag: "wx" });
    console.warn(
      `[okoro] Generated AUTH_SECRET and OKORO_MASTER_KEYS for development into ${file}.\n` +
        `[okoro] Keep that file private; set both variables yourself in production.`,
    );
  } catch (e) {
    // another process created it first: use theirs
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return JSON.parse(readFileSync(file, "utf8")) as DevSecrets;
  }
  return secrets;
}

/** Parses configuration from a source (process.env by default). Throws ConfigError. */
export function loadEnv(source: Source = process.env, cwd = process.cwd()): Env {
  const production = source.NODE_ENV === "production";
  const problems: string[] = [];
  const get = (name: string) => {
    const v = source[name];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  };

  if (production) {
    for (const name of REQUIRED_IN_PRODUCTION) if (!get(name)) problems.push(`${name} is required in production`);
  }

  const dataDir = path.resolve(cwd, get("OKORO_DATA_DIR") ?? ".data");
  const needsDevSecrets = !production && (!get("AUTH_SECRET") || !get("OKORO_MASTER_KEYS"));
  const dev = needsDevSecrets ? devSecrets(dataDir) : undefined;

  const url = (get("OKORO_URL") ?? "http://localhost:3000").replace(/\/+$/, "");
  let origin = url;
  try {
    const parsed = new URL(url);
    origin = parsed.origin;
    if (production && parsed.protocol !== "https:" && !isLocalHost(parsed.hostname)) {
      problems.push("OKORO_URL must be an https:// URL in production");
    }
  } catch {
    problems.push("OKORO_URL must be an absolute URL such as https://okoro.example.com");
  }

  const bench = get("OKORO_BENCH") === "1";
  const benchRefused = benchProblem(bench, url, Boolean(get("VERCEL")));
  if (benchRefused) problems.push(benchRefused);

  let masterKeys: MasterKeys | undefined;
  const masterKeysValue = get("OKORO_MASTER_KEYS") ?? dev?.OKORO_MASTER_KEYS;
  if (masterKeysValue) {
    try {
      masterKeys = parseMasterKeys(masterKeysValue);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }

  const authSecret = get("AUTH_SECRET") ?? dev?.AUTH_SECRET;
  if (authSecret && authSecret.length < 32)
    problems.push("AUTH_SECRET must be at least 32 characters (e.g. `openssl rand -base64 32`)");

  const numbers = z
    .object({
      OKORO_MAX_BODY_BYTES: positiveInt("OKORO_MAX_BODY_BYTES", 10 * 1024 * 1024),
      OKORO_UPSTREAM_TIMEOUT_MS: positiveInt("OKORO_UPSTREAM_TIMEOUT_MS", 30_000),
      OKORO_SIGNUPS_PER_HOUR: positiveInt("OKORO_SIGNUPS_PER_HOUR", 10),
      OKORO_SIGNINS_PER_10_MIN: positiveInt("OKORO_SIGNINS_PER_10_MIN", 20),
      OKORO_TRUSTED_PROXY_HOPS: z
        .string()
        .optional()
        .transform((v) => (v === undefined || v === "" ? undefined : Number(v)))
        .pipe(z.number().int().min(0).max(10).optional()),
    })
    .safeParse({
      OKORO_MAX_BODY_BYTES: get("OKORO_MAX_BODY_BYTES"),
      OKORO_UPSTREAM_TIMEOUT_MS: get("OKORO_UPSTREAM_TIMEOUT_MS"),
      OKORO_SIGNUPS_PER_HOUR: get("OKORO_SIGNUPS_PER_HOUR"),
      OKORO_SIGNINS_PER_10_MIN: get("OKORO_SIGNINS_PER_10_MIN"),
      OKORO_TRUSTED_PROXY_HOPS: get("OKORO_TRUSTED_PROXY_HOPS"),
    });
  if (!numbers.success) for (const issue of numbers.error.issues) problems.push(issue.message);

  const pair = (id: string, secret: string) => {
    const a = get(id);
    const b = get(secret);
    if (a && !b) problems.push(`${secret} is required when ${id} is set`);
    return a && b ? { id: a, secret: b } : undefined;
  };
  const authGithub = pair("AUTH_GITHUB_ID", "AUTH_GITHUB_SECRET");
  const authGoogle = pair("AUTH_GOOGLE_ID", "AUTH_GOOGLE_SECRET");

  const databaseUrl = get("DATABASE_URL");
  const dbDriver = driverFor(databaseUrl, get("OKORO_DB_DRIVER"));
  const databaseOwnerUrl = get("DATABASE_OWNER_URL");
  if (databaseOwnerUrl) {
    if (!databaseUrl || dbDriver === "pglite")
      problems.push("DATABASE_OWNER_URL is for PostgreSQL: set DATABASE_URL to the runtime role's postgres:// URL too");
    else if (driverFor(databaseOwnerUrl, get("OKORO_DB_DRIVER")) !== dbDriver)
      problems.push("DATABASE_OWNER_URL must point at the same database server as DATABASE_URL (as its owner role)");
  }
  const notifyPrivate = get("OKORO_NOTIFY_PRIVATE_NETWORK");
  if (notifyPrivate !== undefined && !/^(0|1|true|false)$/i.test(notifyPrivate))
    problems.push("OKORO_NOTIFY_PRIVATE_NETWORK must be 1 or 0");
  const notifyPrivateNetwork = notifyPrivate === undefined ? !production : /^(1|true)$/i.test(notifyPrivate);
  const smtpUrl = get("OKORO_SMTP_URL");
  if (smtpUrl) {
    try {
      if (!/^smtps?:$/.test(new URL(smtpUrl).protocol)) throw new Error();
    } catch {
      problems.push(
        "OKORO_SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtps://user:password@smtp.example.com:465",
      );
    }
  }
  const signup = get("OKORO_SIGNUP") ?? "open";
  if (signup !== "open" && signup !== "closed") problems.push("OKORO_SIGNUP must be open or closed");

  const cronSecret = get("CRON_SECRET");
  if (cronSecret && cronSecret.length < 16) problems.push("CRON_SECRET must be at least 16 characters");

  if (problems.length > 0 || !masterKeys || !authSecret)
    throw new ConfigError(problems.length ? problems : ["configuration is incomplete"]);

  const pgliteDir =
    databaseUrl && /^(file|pglite):/i.test(databaseUrl)
      ? path.resolve(cwd, databaseUrl.replace(/^(file|pglite):(\/\/)?/i, ""))
      : path.join(dataDir, "pglite");

  // Vercel appends the client address as the last X-Forwarded-For entry; elsewhere the
  // operator says how many proxies to trust.
  const trustedProxyHops = numbers.data!.OKORO_TRUSTED_PROXY_HOPS ?? (get("VERCEL") ? 1 : 0);

  return {
    production,
    dataDir,
    databaseUrl,
    dbDriver,
    databaseOwnerUrl,
    cronSecret,
    pgliteDir,
    neonWsProxy: get("OKORO_NEON_WS_PROXY"),
    url,
    origin,
    masterKeys,
    authSecret,
    maxBodyBytes: numbers.data!.OKORO_MAX_BODY_BYTES,
    upstreamTimeoutMs: numbers.data!.OKORO_UPSTREAM_TIMEOUT_MS,
    signupsPerHour: numbers.data!.OKORO_SIGNUPS_PER_HOUR,
    signinsPer10Minutes: numbers.data!.OKORO_SIGNINS_PER_10_MIN,
    smtpUrl,
    mailFrom: get("OKORO_MAIL_FROM") ?? `okoro <no-reply@${mailDomain(url)}>`,
    signup: signup as Env["signup"],
    authGithub,
    authGoogle,
    oauthApp(providerId) {
      const key = envKey(providerId);
      let clientId = providerId === "trello" ? get("OKORO_TRELLO_KEY") : get(`OKORO_${key}_CLIENT_ID`);
      let clientSecret = providerId === "trello" ? get("OKORO_TRELLO_SECRET") : get(`OKORO_${key}_CLIENT_SECRET`);
      // Gmail and Drive are usually one Google OAuth app (each product still asks only its
      // own scopes): OKORO_GOOGLE_CLIENT_ID/_SECRET serve both unless one has its own.
      if (!clientId && GOOGLE_PRODUCTS.has(providerId)) {
        clientId = get("OKORO_GOOGLE_CLIENT_ID");
        clientSecret = get("OKORO_GOOGLE_CLIENT_SECRET");
      }
      return clientId && clientSecret ? { clientId, clientSecret } : undefined;
    },
    providerOverride(providerId, name) {
      return get(`OKORO_PROVIDER_${envKey(providerId)}_${name}`);
    },
    bench,
    trustedProxyHops,
    notifyPrivateNetwork,
  };
}

function mailDomain(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, "") || "localhost";
  } catch {
    return "localhost";
  }
}

/**
 * A server that lets strangers sign up must be able to mail them their verification and
 * reset links (docs/configuration.md#mail): in production, open sign-up needs
 * OKORO_SMTP_URL. Checked when the server starts (lib/startup.ts), not by the CLI, which
 * sends no mail.
 */
export function mailSetupProblem(env: Pick<Env, "production" | "signup" | "smtpUrl">): string | undefined {
  if (!env.production || env.signup === "closed" || env.smtpUrl) return undefined;
  return "OKORO_SMTP_URL is required in production while sign-up is open (or set OKORO_SIGNUP=closed)";
}

let cached: Env | undefined;

/** The process's configuration, parsed on first use. */
export function getEnv(): Env {
  cached ??= loadEnv();
  return cached;
}

/** For tests and the CLI: replace the process's configuration. */
export function setEnvForTesting(env: Env | undefined): void {
  cached = env;
}
