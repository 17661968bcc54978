// What the server checks before it serves anything (docs/configuration.md#configuration-and-running), called from
// instrumentation.ts in the Node.js runtime only.
import "server-only";
import { ConfigError, getEnv, mailSetupProblem } from "@/lib/env";
import { startSweeper } from "@/lib/sweep";

/**
 * Parses the configuration now rather than on the first request. In production a missing
 * or invalid variable prints every problem (names only, never values) and ends the
 * process with exit code 1, so a misconfigured deploy fails at once and visibly.
 */
export function checkConfigurationOrExit(): void {
  try {
    const problem = mailSetupProblem(getEnv());
    if (problem) throw new ConfigError([problem]);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`\n${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

/**
 * The periodic work of a long-running server: sweeping expired rows (lib/sweep.ts). Not
 * under OKORO_BENCH, whose runs count the database round trips of each request exactly.
 */
export function startMaintenance(): void {
  if (getEnv().bench) return;
  startSweeper();
}
