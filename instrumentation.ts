// Start-up checks (docs/configuration.md#configuration-and-running). Next.js calls register() once per server process while it
// prepares the server — at start-up, before the first request (`next start` and
// scripts/start.mjs both prepare eagerly). `next build` does not call it, so building
// needs no production variables.
export async function register(): Promise<void> {
  // NEXT_RUNTIME is inlined by Next's bundler for each runtime, so the edge build drops
  // the Node-only import below; it is not configuration.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { checkConfigurationOrExit, startMaintenance } = await import("@/lib/startup");
    checkConfigurationOrExit();
    // sweeps of tables that grow per request
    startMaintenance();
    // signed audit checkpoints at least every minute while the server runs
    const { startCheckpointTimer } = await import("@/lib/audit/checkpoint-timer");
    startCheckpointTimer();
    // notifications that are due (retries) without waiting for a request
    const { startNotificationTimer } = await import("@/lib/notify/cron");
    startNotificationTimer();
    // under `npm start` (scripts/start.mjs marks the process), /p/ and the exchange are
    // served without Next's router (lib/serve/start-hook.ts); elsewhere nothing is loaded
    const { getSlot } = await import("@/lib/serve/slots");
    if (getSlot("startServer") === true) {
      const { publishAgentListener } = await import("@/lib/serve/start-hook");
      publishAgentListener();
    }
  }
}
