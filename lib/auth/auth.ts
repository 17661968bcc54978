// Dashboard accounts (next-auth v5): e-mail + password always, GitHub and Google when
// configured. Sessions are JWTs in an encrypted cookie; the token's `sub` is our user id,
// and every page re-checks the user row (lib/auth/session.ts), so a disabled or deleted
// user is out on their next request even though a JWT cannot be revoked.
//
// The configuration is built lazily, per request: `next build` imports this module
// without any production variables set, and the Credentials/OAuth callbacks need the
// request (client address, user agent) for the audit log.
import "server-only";
import type {} from "next-auth/jwt";
import NextAuth, { CredentialsSignin, type DefaultSession, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import { headers } from "next/headers";
import { getDb } from "@/lib/serve/database";
import { findUserByAccount, findUserById } from "@/db/queries/users";
import { signInSchema } from "@/lib/auth/forms";
import { githubVerifiedEmail, oauthSignIn } from "@/lib/auth/oauth-sign-in";
import { passwordSignIn, type SignInContext } from "@/lib/auth/password-sign-in";
import { endSession, SESSION_MAX_AGE_SECONDS, type SignInMethod, startSession } from "@/lib/auth/sessions";
import { setTicketCookie } from "@/lib/auth/ticket-cookie";
import {
  completeSignInWithCode,
  completeSignInWithPasskey,
  type FirstFactor,
  oauthSecondFactorTicket,
  passkeySignIn,
} from "@/lib/auth/two-factor";
import { getEnv } from "@/lib/env";
import { clientIp } from "@/lib/http/client-ip";

declare module "next-auth" {
  interface Session {
    user: { id: string } & DefaultSession["user"];
    /** the user_sessions row this cookie stands for (lib/auth/sessions.ts) */
    sid?: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    sid?: string;
  }
}

/** Wrong e-mail or password (one code for both: the form must not reveal which). */
export class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}

export class AccountDisabled extends CredentialsSignin {
  code = "account_disabled";
}

export class TooManyAttempts extends CredentialsSignin {
  code = "rate_limited";
  constructor(readonly retryAfterSeconds: number) {
    super();
  }
}

/** The password was right and a second factor is enrolled: `ticket` opens step two. */
export class SecondFactorRequired extends CredentialsSignin {
  code = "second_factor";
  constructor(readonly ticket: string) {
    super();
  }
}

/** Step two refused: `wrong_code`, `replayed`, `expired` (start again) or `rate_limited`. */
export class SecondFactorRefused extends CredentialsSignin {
  constructor(
    code: "wrong_code" | "replayed" | "expired" | "rate_limited",
    readonly attemptsLeft?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super();
    this.code = code;
  }
}

/** What the second-factor provider hands the jwt callback: the user and how step one was made. */
type SecondStepUser = {
  id: string;
  email: string;
  name: string | null;
  image: string | null;
  firstFactor: FirstFactor;
};

function contextOf(headers: Headers | undefined, url?: string): SignInContext {
  if (!headers) return { ip: null, userAgent: null, path: null };
  return {
    ip: clientIp(headers),
    userAgent: headers.get("user-agent"),
    path: url ? new URL(url).pathname : null,
  };
}

/**
 * The request's headers where next-auth was handed no request: a sign-in started by a
 * server action (the sign-in form) runs inside that action's request.
 */
async function incomingHeaders(): Promise<Headers | undefined> {
  try {
    return new Headers(await headers());
  } catch {
    return undefined; // outside any request (tests)
  }
}

function signInMethod(provider: string): SignInMethod {
  if (provider === "credentials" || provider === "second-factor") return "password";
  if (provider === "passkey" || provider === "github" || provider === "google") return provider;
  throw new Error(`unknown sign-in provider ${provider}`);
}

/** Where next-auth's endpoints live (app/api/auth/[...nextauth]). */
const AUTH_BASE_PATH = "/api/auth";

/**
 * next-auth builds every URL it hands out (OAuth callbacks, redirects after sign-in and
 * sign-out, its own session endpoint) from AUTH_URL when that is set, and otherwise from
 * the request's Host or X-Forwarded-Host, which any client can forge. It reads AUTH_URL
 * from process.env on each call, after asking for the configuration, so setting it here
 * pins all of them to OKORO_URL whatever a request claims.
 */
function pinAuthUrl(origin: string): void {
  const pinned = `${origin}${AUTH_BASE_PATH}`;
  if (process.env.AUTH_URL !== pinned) process.env.AUTH_URL = pinned;
}

function buildConfig(request: Request | undefined): NextAuthConfig {
  const env = getEnv();
  pinAuthUrl(env.origin);
  const providers: NextAuthConfig["providers"] = [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(credentials, req) {
        const parsed = signInSchema.safeParse(credentials);
        if (!parsed.success) throw new InvalidCredentials();
        const result = await passwordSignIn(await getDb(), parsed.data, contextOf(req.headers, req.url));
        if (result.ok)
          return { id: result.user.id, email: result.user.email, name: result.user.name, image: result.user.image };
        if (result.reason === "rate_limited") throw new TooManyAttempts(result.retryAfterSeconds);
        if (result.reason === "disabled") throw new AccountDisabled();
        if (result.reason === "second_factor") throw new SecondFactorRequired(result.ticket);
        throw new InvalidCredentials();
      },
    }),
    // step two of a two-factor sign-in (docs/dashboard.md#two-factor-authentication)
    Credentials({
      id: "second-factor",
      name: "Second factor",
      credentials: { ticket: {}, code: {}, passkey: {} },
      async authorize(credentials, req) {
        const str = (v: unknown) => (typeof v === "string" ? v : "");
        const { ip, userAgent } = contextOf(req.headers, req.url);
        const db = await getDb();
        const ticket = str(credentials.ticket);
        const result = str(credentials.passkey)
          ? await completeSignInWithPasskey(db, { ticket, response: str(credentials.passkey), ip, userAgent })
          : await completeSignInWithCode(db, { ticket, code: str(credentials.code), ip, userAgent });
        if (result.ok) {
          const user = await findUserById(db, { id: result.userId });
          if (user?.status !== "active") throw new AccountDisabled();
          const signedIn: SecondStepUser = {
            id: user.id,
            email: user.email,
            name: user.name,
            image: user.image,
            firstFactor: result.method,
          };
          return signedIn;
        }
        if (result.reason === "rate_limited")
          throw new SecondFactorRefused("rate_limited", 0, result.retryAfterSeconds);
        if (result.reason === "expired") throw new SecondFactorRefused("expired");
        throw new SecondFactorRefused(result.reason === "replayed" ? "replayed" : "wrong_code", result.attemptsLeft);
      },
    }),
    // "Sign in with a passkey": no password, the passkey checked its owner
    Credentials({
      id: "passkey",
      name: "Passkey",
      credentials: { passkey: {} },
      async authorize(credentials, req) {
        const { ip, userAgent } = contextOf(req.headers, req.url);
        const response = typeof credentials.passkey === "string" ? credentials.passkey : "";
        const result = await passkeySignIn(await getDb(), { response, ip, userAgent });
        if (result.ok)
          return { id: result.user.id, email: result.user.email, name: result.user.name, image: result.user.image };
        if (result.reason === "rate_limited") throw new TooManyAttempts(result.retryAfterSeconds);
        if (result.reason === "disabled") throw new AccountDisabled();
        throw new InvalidCredentials();
      },
    }),
  ];
  if (env.authGithub) providers.push(GitHub({ clientId: env.authGithub.id, clientSecret: env.authGithub.secret }));
  if (env.authGoogle) providers.push(Google({ clientId: env.authGoogle.id, clientSecret: env.authGoogle.secret }));

  return {
    secret: env.authSecret,
    basePath: AUTH_BASE_PATH,
    // the request's host is never used for URLs (pinAuthUrl), so there is nothing to distrust
    trustHost: true,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers,
    callbacks: {
      async signIn({ account, profile }) {
        if (!account || ["credentials", "second-factor", "passkey"].includes(account.provider)) return true;
        if (account.provider !== "github" && account.provider !== "google") return false;
        let email: string | null = null;
        let verified = false;
        if (account.provider === "google") {
          email = typeof profile?.email === "string" ? profile.email : null;
          verified = profile?.email_verified === true;
        } else if (account.access_token) {
          email = await githubVerifiedEmail(account.access_token);
          verified = email !== null;
        }
        const result = await oauthSignIn(
          await getDb(),
          {
            provider: account.provider,
            providerAccountId: account.providerAccountId,
            email,
            emailVerified: verified,
            name: typeof profile?.name === "string" ? profile.name : null,
            image:
              typeof profile?.picture === "string"
                ? profile.picture
                : typeof profile?.avatar_url === "string"
                  ? profile.avatar_url
                  : null,
          },
          contextOf(request?.headers, request?.url),
        );
        if (result.ok) {
          // with a second factor enrolled, the provider's sign-in is only step one
          // (docs/dashboard.md#two-factor-authentication)
          const ticket = await oauthSecondFactorTicket(await getDb(), result.user.id, account.provider);
          if (!ticket) return true;
          await setTicketCookie(ticket);
          return "/sign-in/second-factor?next=%2Fdashboard";
        }
        // the sign-in page explains each of these
        return `/sign-in?error=${result.reason === "not_linked" ? "OAuthAccountNotLinked" : result.reason === "disabled" ? "AccountDisabled" : "UnverifiedEmail"}`;
      },
      async jwt({ token, user, account }) {
        if (account && user) {
          if (["credentials", "second-factor", "passkey"].includes(account.provider)) {
            token.sub = user.id;
          } else {
            // the OAuth user object carries the provider's id; ours was linked in signIn above
            const ours = await findUserByAccount(await getDb(), {
              provider: account.provider,
              providerAccountId: account.providerAccountId,
            });
            if (!ours) return null;
            token.sub = ours.id;
            token.email = ours.email;
            token.name = ours.name;
          }
          // a sign-in starts a session row; the cookie carries only its id
          const context = contextOf(request?.headers ?? (await incomingHeaders()));
          token.sid = await startSession(await getDb(), {
            userId: token.sub as string,
            method:
              account.provider === "second-factor"
                ? ((user as SecondStepUser).firstFactor ?? "password")
                : signInMethod(account.provider),
            ip: context.ip,
            userAgent: context.userAgent,
          });
        }
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        if (token.sid) session.sid = token.sid;
        return session;
      },
    },
    events: {
      async signOut(message) {
        const token = "token" in message ? message.token : null;
        if (token?.sid && token.sub) await endSession(await getDb(), token.sub, token.sid);
      },
    },
    logger: {
      // Refused sign-ins are expected and already audited; anything else is logged by
      // name and message only (debug logging, which would print form bodies, stays off).
      error(error) {
        const type = (error as { type?: string }).type ?? error.name;
        if (error instanceof CredentialsSignin || type === "CredentialsSignin") return;
        const cause = (error.cause as { err?: unknown } | undefined)?.err;
        console.error(`[okoro] auth error: ${type}: ${error.message}`, cause instanceof Error ? cause : "");
      },
      warn(code) {
        if (code !== "debug-enabled") console.warn(`[okoro] auth warning: ${code}`);
      },
      debug() {},
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth((request) => buildConfig(request));

/** Which external sign-in buttons to show. */
export function oauthProviders(): { github: boolean; google: boolean } {
  const env = getEnv();
  return { github: Boolean(env.authGithub), google: Boolean(env.authGoogle) };
}
