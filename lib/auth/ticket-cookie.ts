// The sign-in ticket between the password and the second factor travels in a short-lived,
// HttpOnly cookie scoped to /sign-in (docs/dashboard.md#two-factor-authentication): never
// in a URL, where it would reach history, logs and Referer headers.
import "server-only";
import { cookies } from "next/headers";
import { TICKET_TTL_MS } from "@/lib/auth/two-factor";
import { getEnv } from "@/lib/env";

const NAME = "okoro-2fa-ticket";
const PATH = "/sign-in";

export async function setTicketCookie(ticket: string): Promise<void> {
  (await cookies()).set(NAME, ticket, {
    httpOnly: true,
    sameSite: "lax",
    secure: getEnv().origin.startsWith("https:"),
    path: PATH,
    maxAge: Math.floor(TICKET_TTL_MS / 1000),
  });
}

export async function readTicketCookie(): Promise<string | null> {
  const value = (await cookies()).get(NAME)?.value;
  return value && value.length <= 100 ? value : null;
}

export async function clearTicketCookie(): Promise<void> {
  (await cookies()).delete({ name: NAME, path: PATH });
}
