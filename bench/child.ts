// What the bench's own helper processes (the upstream, node_floor) share: they announce
// their port on stdout as one JSON line, and they exit when the harness goes away (their
// stdin is a pipe from it, so EOF means it died or finished), so nothing outlives a run.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";

export function listenAndAnnounce(server: Server): void {
  // long keep-alive: idle client connections between rounds must not be reset under them
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`${JSON.stringify({ ready: true, port })}\n`);
  });
  process.stdin.resume();
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("error", () => process.exit(0));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
}
