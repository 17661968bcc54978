// Checks on a dashboard request that need nothing but its headers, kept apart from
// lib/auth/session.ts so they can be tested without Next.js: where a form may be posted
// from (CSRF), and where a `next` parameter may send the browser (no open redirect).

/** A `next` parameter made safe to redirect to: a local path, or the dashboard. */
export function safeNextPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || /[\\\u0000-\u001f]/.test(value))
    return "/dashboard";
  return value;
}

/**
 * Whether this request comes from okoro's own pages: its Origin (or, for the rare
 * browser that omits it, its Referer) must be OKORO_URL's origin; with neither it is
 * refused. In development the server's own address also counts (Host and
 * X-Forwarded-Proto, as Next.js sets them), because `next dev` moves to port 3001 when
 * 3000 is busy and OKORO_URL's default would then refuse every form.
 */
export function originAllowed(
  h: { get(name: string): string | null },
  env: { origin: string; production: boolean },
): boolean {
  let origin = h.get("origin");
  if (!origin) {
    const referer = h.get("referer");
    try {
      origin = referer ? new URL(referer).origin : null;
    } catch {
      origin = null;
    }
  }
  if (!origin || origin === "null") return false;
  if (origin === new URL(env.origin).origin) return true;
  if (env.production) return false;
  const host = h.get("host");
  const proto = h.get("x-forwarded-proto")?.split(",")[0].trim() || "http";
  return Boolean(host) && origin === `${proto}://${host}`;
}
