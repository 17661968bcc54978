// A WebSocket→TCP bridge so that Neon's serverless driver can be exercised against a local
// PostgreSQL: the driver opens ws://bridge/v2?address=host:port and the bridge pipes the
// bytes to that address. Loopback targets only.
import net from "node:net";
import { WebSocketServer } from "ws";

export async function startNeonBridge(): Promise<{ address: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  wss.on("connection", (ws, req) => {
    const target = new URL(req.url ?? "/", "http://bridge").searchParams.get("address") ?? "";
    const [host, port] = target.split(":");
    if (!["127.0.0.1", "localhost", "::1"].includes(host) || !port) {
      ws.close(1008, "loopback targets only");
      return;
    }
    const socket = net.connect(Number(port), host);
    ws.binaryType = "nodebuffer";
    ws.on("message", (data) => socket.write(data as Buffer));
    ws.on("close", () => socket.end());
    ws.on("error", () => socket.destroy());
    socket.on("data", (chunk) => ws.readyState === ws.OPEN && ws.send(chunk));
    socket.on("close", () => ws.close());
    socket.on("error", () => ws.terminate());
  });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  const { port } = wss.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
