import { PHASE_DEVELOPMENT_SERVER } from "next/constants.js";

/**
 * The headers every page carries: no framing by other sites (clickjacking an approval or
 * a token form), no MIME sniffing, no full URLs in the Referer sent to other origins.
 *
 * The policy is what the app needs and no more: Next's App Router bootstraps with inline
 * scripts and React/recharts set style attributes, so both allow 'unsafe-inline' (nonces
 * would need a middleware on every path, which would buffer the proxy's bodies and make
 * every page dynamic). `next dev` also evaluates code and talks to its HMR WebSocket.
 * `form-action` is left out on purpose: browsers apply it to the redirects that follow a
 * form POST, and signing in with GitHub or connecting a provider is exactly such a form
 * whose answer redirects to the provider.
 *
 * HSTS follows OKORO_URL as it is when the headers are compiled: `next build` bakes them
 * into its routes manifest (Vercel builds with the deploy's variables); `npm start`
 * re-applies it from the running configuration (scripts/start.mjs).
 *
 * @param {{ dev: boolean; okoroUrl: string | undefined }} options
 * @returns {{ key: string; value: string }[]}
 */
export function pageSecurityHeaders({ dev, okoroUrl }) {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const headers = [
    { key: "Content-Security-Policy", value: csp },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "X-Frame-Options", value: "DENY" },
  ];
  if (okoroUrl?.trim().toLowerCase().startsWith("https://")) {
    headers.push({ key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" });
  }
  return headers;
}

/** @type {(phase: string) => import('next').NextConfig} */
const nextConfig = (phase) => ({
  // Lets several dev servers or builds share one checkout (each with its own directory).
  distDir: process.env.OKORO_NEXT_DIST_DIR || ".next",
  // Proxied responses (SSE, downloads) must reach the agent as the upstream sends them;
  // Next's gzip would hold chunks back. Static assets are compressed by the CDN in production.
  compress: false,
  poweredByHeader: false,
  // Native and WASM packages are loaded by Node at run time, never bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "pg", "@neondatabase/serverless", "ws", "undici"],
  typedRoutes: false,
  async headers() {
    // Everything but the proxy (/p/…): a proxied answer is the upstream's and gets its own
    // headers in the proxy core. Headers cost nothing per byte, unlike a middleware, which
    // would buffer request bodies.
    return [
      {
        source: "/:path((?!p/|p$).*)",
        headers: pageSecurityHeaders({ dev: phase === PHASE_DEVELOPMENT_SERVER, okoroUrl: process.env.OKORO_URL }),
      },
    ];
  },
});

export default nextConfig;
