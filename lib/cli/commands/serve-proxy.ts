// `okoro serve-proxy`: the proxy core (lib/proxy) in a plain Node HTTP server, for agents
// that make heavy traffic. Same database, keys and audit log as the app; the dashboard and
// the exchange stay in the Next.js app. Runs until SIGINT/SIGTERM.
import { openDatabase } from "@/db/client";
import { setDbHandle } from "@/lib/serve/database";
import { CliError, defineCommand } from "@/lib/cli/command";
import { createCredentialRefresher } from "@/lib/connect/refresh";
import { createProxy } from "@/lib/serve/deps";
import { listenNodeProxy } from "@/lib/serve/node-server";

export const command = defineCommand({
  description: `Serve /p/{provider}/{path} from a plain Node HTTP server — the same checks, credential
injection and audit as the app's proxy, without Next.js per request. Point agents' proxy_url
at it (or route /p/ to it in front of the app). Use a PostgreSQL DATABASE_URL in production:
the embedded database serves one process at a time.`,
  options: {
    port: { type: "string", value: "N", description: "port to listen on (default 8787; 0 picks a free one)" },
    host: { type: "string", value: "H", description: "address to bind (default 127.0.0.1)" },
  },
  examples: ["okoro serve-proxy --port 8787", "DATABASE_URL=postgres://… okoro serve-proxy --host 0.0.0.0"],
  async run(ctx) {
    const port = Number(ctx.values.port ?? "8787");
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new CliError("--port must be a number from 0 to 65535");
    const env = ctx.env();
    // its own pool, sized for a server rather than a one-shot command
    const handle = await openDatabase({
      driver: env.dbDriver,
      url: env.databaseUrl,
      pgliteDir: env.pgliteDir,
      neonWsProxy: env.neonWsProxy,
      migrate: env.dbDriver === "pglite",
      max: 32,
    });
    setDbHandle(handle);
    const db = handle.db;
    // the same transparent OAuth 2 refresh as the app's proxy
    const proxy = createProxy({ db, env, resolveCredential: createCredentialRefresher({ db, env }) });
    const server = await listenNodeProxy(proxy, {
      port,
      host: ctx.values.host ?? "127.0.0.1",
      trustedProxyHops: env.trustedProxyHops,
    });
    ctx.output({ url: server.url }, `okoro proxy listening on ${server.url} (Ctrl-C to stop)`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await server.close();
    await handle.close();
  },
});
