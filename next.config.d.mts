// Types for what tests import from next.config.mjs (lib/security-headers.test.ts).
import type { NextConfig } from "next";

export function pageSecurityHeaders(options: { dev: boolean; okoroUrl: string | undefined }): {
  key: string;
  value: string;
}[];

declare const nextConfig: (phase: string) => NextConfig;
export default nextConfig;
