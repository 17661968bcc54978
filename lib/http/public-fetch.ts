// Fetching a URL that someone outside okoro chose (an MCP client's metadata document, a
// notification webhook)
// without letting them aim okoro at its own network: the host is resolved once, every
// address it resolves to must be public (no loopback, private, link-local — the cloud
// metadata service at 169.254.169.254 — multicast or reserved ranges, IPv4-mapped forms
// included), and the connection is pinned to the address that was checked, so a second
// DNS answer cannot swap in an internal one. No redirects are followed; the whole fetch
// has a deadline and the body a size cap, read no further than the cap.
import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { Agent, request } from "undici";

export type PublicFetchOptions = {
  maxBytes: number;
  timeoutMs: number;
  /** development only: let loopback and private addresses (and http) through */
  allowPrivateAddresses?: boolean;
  /** resolve the host (tests substitute an answer) */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>;
};

export type PublicFetchFailure =
  | "bad_url"
  | "private_address"
  | "unresolvable"
  | "status"
  | "too_large"
  | "timeout"
  | "unreachable";
export class PublicFetchError extends Error {
  constructor(
    readonly reason: PublicFetchFailure,
    message: string,
  ) {
    super(message);
    this.name = "PublicFetchError";
  }
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const)
  blocked.addSubnet(net, prefix, "ipv6");

/** Whether okoro may connect to this address on someone else's say-so. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, "ipv4");
  if (family !== 6) return false;
  const lower = address.toLowerCase();
  // an IPv4 address written as IPv6 (::ffff:127.0.0.1, ::ffff:7f00:1, ::127.0.0.1) is judged as IPv4
  const mapped = /^::(?:ffff:)?(?:0:)?(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return isPublicAddress(mapped[1]!);
  const hexMapped = /^::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hexMapped) {
    const hi = Number.parseInt(hexMapped[1]!, 16);
    const lo = Number.parseInt(hexMapped[2]!, 16);
    return isPublicAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return !blocked.check(address, "ipv6");
}

const defaultResolve = (host: string) => dnsLookup(host, { all: true, verbatim: true });

/**
 * Checks `url` under the rules above and opens a dispatcher pinned to the address that was
 * checked; the caller destroys the agent. Throws a PublicFetchError saying why not.
 */
async function pinnedTarget(
  url: string,
  options: Pick<PublicFetchOptions, "timeoutMs" | "allowPrivateAddresses" | "resolve">,
): Promise<{ parsed: URL; agent: Agent; deadline: AbortSignal }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PublicFetchError("bad_url", "not a URL");
  }
  const allowPrivate = options.allowPrivateAddresses === true;
  if (parsed.protocol !== "https:" && !(allowPrivate && parsed.protocol === "http:"))
    throw new PublicFetchError("bad_url", "must be https");
  if (parsed.username || parsed.password) throw new PublicFetchError("bad_url", "must not carry credentials");

  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const deadline = AbortSignal.timeout(options.timeoutMs);
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await Promise.race([
        (options.resolve ?? defaultResolve)(host),
        new Promise<never>((_, reject) =>
          deadline.addEventListener("abort", () => reject(new Error("timeout")), { once: true }),
        ),
      ]);
    } catch {
      throw new PublicFetchError(deadline.aborted ? "timeout" : "unresolvable", "the host does not resolve");
    }
  }
  if (addresses.length === 0) throw new PublicFetchError("unresolvable", "the host does not resolve");
  // every answer must be public: a host that resolves to one public and one internal
  // address is refused, not tried until the internal one answers
  if (!allowPrivate && !addresses.every((a) => isPublicAddress(a.address))) {
    throw new PublicFetchError("private_address", "the host resolves to a private, loopback or link-local address");
  }
  const pinned = addresses[0]!;
  const agent = new Agent({
    connect: {
      // connect to the address checked above and nothing else, whatever DNS says now
      lookup: ((
        _hostname: string,
        opts: { all?: boolean },
        callback: (err: null, address: unknown, family?: number) => void,
      ) => {
        if (opts?.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
        else callback(null, pinned.address, pinned.family);
      }) as unknown as import("node:net").LookupFunction,
    },
    connections: 1,
  });
  return { parsed, agent, deadline };
}

/**
 * POSTs `body` to `url` under the rules above (a notification to a URL a person set) and
 * answers the status; the response body is read no further than 4 KiB and dropped, so
 * a receiver cannot make okoro hold or store what it sends back.
 */
export async function postPublic(
  url: string,
  options: Pick<PublicFetchOptions, "timeoutMs" | "allowPrivateAddresses" | "resolve"> & {
    body: string;
    headers: Record<string, string>;
  },
): Promise<{ status: number }> {
  const { parsed, agent, deadline } = await pinnedTarget(url, options);
  try {
    const response = await request(parsed, {
      method: "POST",
      dispatcher: agent,
      signal: deadline,
      headers: options.headers,
      body: options.body,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    }).catch((e: unknown) => {
      throw new PublicFetchError(
        deadline.aborted ? "timeout" : "unreachable",
        deadline.aborted ? "took too long" : `unreachable (${(e as Error)?.name ?? "error"})`,
      );
    });
    let read = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        read += chunk.length;
        if (read > 4096) break;
      }
    } catch {
      // the status is what counts
    }
    response.body.destroy();
    return { status: response.statusCode };
  } finally {
    void agent.destroy().catch(() => {});
  }
}

/** GETs `url` under the rules above; the body as text, or a PublicFetchError saying why not. */
export async function fetchPublicText(url: string, options: PublicFetchOptions): Promise<string> {
  const { parsed, agent, deadline } = await pinnedTarget(url, options);
  try {
    const response = await request(parsed, {
      method: "GET",
      dispatcher: agent,
      signal: deadline,
      headers: { accept: "application/json" },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    }).catch((e: unknown) => {
      throw new PublicFetchError(
        deadline.aborted ? "timeout" : "unreachable",
        deadline.aborted ? "took too long" : `unreachable (${(e as Error)?.name ?? "error"})`,
      );
    });
    if (response.statusCode !== 200) {
      await response.body.dump().catch(() => {});
      throw new PublicFetchError("status", `answered ${response.statusCode}`);
    }
    const declared = Number(response.headers["content-length"] ?? "0");
    if (declared > options.maxBytes) {
      response.body.destroy();
      throw new PublicFetchError("too_large", `larger than ${options.maxBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > options.maxBytes) {
          response.body.destroy();
          throw new PublicFetchError("too_large", `larger than ${options.maxBytes} bytes`);
        }
        chunks.push(chunk);
      }
    } catch (e) {
      if (e instanceof PublicFetchError) throw e;
      throw new PublicFetchError(
        deadline.aborted ? "timeout" : "unreachable",
        deadline.aborted ? "took too long" : "the connection failed",
      );
    }
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    void agent.destroy().catch(() => {});
  }
}
