import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: import.meta.dirname + "/" },
      // `server-only` throws outside React Server Components; tests run server code directly
      { find: /^server-only$/, replacement: path.resolve(import.meta.dirname, "test/server-only-stub.ts") },
    ],
  },
  test: {
    environment: "node",
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".next/**", ".data/**"],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    // next-auth imports "next/server" without an extension, which Node's resolver refuses;
    // run through Vite, which resolves it as Next's bundler does
    server: { deps: { inline: ["next-auth"] } },
  },
});
