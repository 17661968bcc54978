/** @type {import('next').NextConfig} */
const nextConfig = {
  // Lets several dev servers or builds share one checkout (each with its own directory).
  distDir: process.env.OKORO_NEXT_DIST_DIR || ".next",
  // Proxied responses (SSE, downloads) must reach the agent as the upstream sends them;
  // Next's gzip would hold chunks back. Static assets are compressed by the CDN in production.
  compress: false,
  poweredByHeader: false,
  // Native and WASM packages are loaded by Node at run time, never bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "pg", "@neondatabase/serverless", "ws", "undici"],
  typedRoutes: false,
};

export default nextConfig;
