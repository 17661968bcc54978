// The client's IP address, for per-IP limits and the audit log.
//
// What Next.js 16 gives us (node_modules/next/dist/server/base-server.js, handleRequestImpl):
//
//   req.headers['x-forwarded-for'] ??= originalRequest.socket.remoteAddress
//
// i.e. `next start` writes the socket's address into X-Forwarded-For only when the request
// has no such header, and never appends to one. So when okoro faces the internet directly,
// a client that sends `X-Forwarded-For: 1.2.3.4` reaches us with exactly that and its real
// address is gone: no parsing of the header can tell a forged value from Next's own.
//
// Hence two sources, chosen by OKORO_TRUSTED_PROXY_HOPS (getEnv().trustedProxyHops):
//
// - hops = N ≥ 1 (behind N proxies that each append the address they saw, e.g. nginx's
//   $proxy_add_x_forwarded_for, a load balancer, Vercel): the client is the N-th entry from
//   the right. Entries further left were written by the client and are ignored.
// - hops = 0 (no proxy): only the TCP peer can be trusted. `npm start` runs
//   scripts/start.mjs, which serves Next through its documented custom-server API and sets
//   PEER_ADDRESS_HEADER from the socket on every request (overwriting anything the client
//   sent), and marks the process so we know the header is its own. Without that marker
//   (`next dev`, or `next start` run by hand) the header could be forged and is ignored; we
//   fall back to the last X-Forwarded-For entry — the socket address when the client sent
//   none, but spoofable — and say so once in production.
import "server-only";
import { isIP } from "node:net";
import { getEnv } from "@/lib/env";
import { getSlot } from "@/lib/serve/slots";

/** Set by scripts/start.mjs from the socket; trusted only when the peerAddressHeader slot is set. */
export const PEER_ADDRESS_HEADER = "x-okoro-peer-address";

export type ClientIpOptions = {
  /** defaults to getEnv().trustedProxyHops */
  hops?: number;
  /** defaults to whether scripts/start.mjs marked this process */
  peerHeaderTrusted?: boolean;
};

let warned = false;

export function clientIp(headers: Headers, options: ClientIpOptions = {}): string | null {
  const env = options.hops === undefined ? getEnv() : undefined;
  const hops = options.hops ?? env!.trustedProxyHops;

  if (hops === 0) {
    const trusted = options.peerHeaderTrusted ?? getSlot("peerAddressHeader") === true;
    if (trusted) return normalizeAddress(headers.get(PEER_ADDRESS_HEADER));
    if (env?.production && !warned) {
      warned = true;
      console.warn(
        "[okoro] Started without scripts/start.mjs (`npm start`) and OKORO_TRUSTED_PROXY_HOPS=0: " +
          "client IP addresses come from X-Forwarded-For and can be forged. Use `npm start`, or set " +
          "OKORO_TRUSTED_PROXY_HOPS to the number of proxies in front of okoro.",
      );
    }
  }

  const entries = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  // Fewer entries than promised proxies means a proxy did not append: the leftmost entry
  // is then the nearest thing to the client that any trusted hop wrote.
  const index = Math.max(0, entries.length - Math.max(hops, 1));
  return normalizeAddress(entries[index]);
}

/** A bare IPv4/IPv6 address, without port, brackets or the IPv4-mapped prefix; else null. */
export function normalizeAddress(value: string | null | undefined): string | null {
  if (!value) return null;
  let v = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(v);
  if (bracketed) v = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(v)) v = v.slice(0, v.lastIndexOf(":"));
  const zone = v.indexOf("%");
  if (zone > 0) v = v.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(v);
  if (mapped) v = mapped[1];
  if (isIP(v) === 0) return null;
  return v.toLowerCase();
}
