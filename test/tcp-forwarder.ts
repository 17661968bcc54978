// A TCP forwarder on 127.0.0.1 that a test can cut and restore, to stand for the network
// between okoro and its database. cut("reset") is the kind failure: every connection is
// closed and new ones are refused at once, as when the server is down. cut("silent") is
// the hard one: every connection — open or new — stays open and silent (no reset, no
// answer), as a dead route or a partition looks to the client. Restored, new connections
// are forwarded again; the ones silenced while cut stay silent (a client must give up on
// them by itself).
import net from "node:net";

export type TcpForwarder = {
  port: number;
  /** the target URL with its host and port replaced by the forwarder's */
  url: (target: string) => string;
  cut: (mode?: "silent" | "reset") => void;
  restore: () => void;
  close: () => Promise<void>;
};

export async function startTcpForwarder(target: { host: string; port: number }): Promise<TcpForwarder> {
  let open = true;
  let cutMode: "silent" | "reset" = "silent";
  const live = new Set<{ client: net.Socket; upstream: net.Socket | null }>();
  const silenced = new Set<net.Socket>();

  const silence = (client: net.Socket) => {
    client.removeAllListeners("data");
    client.unpipe();
    // swallow whatever the client sends, answer nothing
    client.on("data", () => {});
    client.on("error", () => {});
    silenced.add(client);
  };

  const server = net.createServer((client) => {
    client.on("error", () => {});
    if (!open) return cutMode === "reset" ? void client.destroy() : silence(client);
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    live.add(pair);
    upstream.on("error", () => client.destroy());
    client.on("close", () => {
      upstream.destroy();
      live.delete(pair);
    });
    upstream.on("close", () => {
      if (!silenced.has(client)) client.destroy();
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    url(t) {
      const u = new URL(t);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    cut(mode = "silent") {
      open = false;
      cutMode = mode;
      for (const pair of live) {
        if (mode === "reset") {
          pair.client.destroy();
          pair.upstream?.destroy();
          continue;
        }
        // the database side goes away quietly; the client side is left hanging
        pair.upstream?.unpipe();
        pair.upstream?.removeAllListeners("data");
        silence(pair.client);
        pair.upstream?.destroy();
        pair.upstream = null;
      }
      live.clear();
    },
    restore() {
      open = true;
    },
    close: async () => {
      for (const s of silenced) s.destroy();
      for (const { client, upstream } of live) {
        client.destroy();
        upstream?.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
