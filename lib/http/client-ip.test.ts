import { describe, expect, it } from "vitest";
import { clientIp, normalizeAddress, PEER_ADDRESS_HEADER } from "@/lib/http/client-ip";

const h = (init: Record<string, string>) => new Headers(init);

describe("clientIp", () => {
  it("with no proxy, trusts only the peer address written by the start script", () => {
    const headers = h({ "x-forwarded-for": "6.6.6.6", [PEER_ADDRESS_HEADER]: "203.0.113.7" });
    expect(clientIp(headers, { hops: 0, peerHeaderTrusted: true })).toBe("203.0.113.7");
  });

  it("with no proxy, a forged X-Forwarded-For cannot replace the peer address", () => {
    const headers = h({ "x-forwarded-for": "1.1.1.1, 2.2.2.2", [PEER_ADDRESS_HEADER]: "::ffff:198.51.100.4" });
    expect(clientIp(headers, { hops: 0, peerHeaderTrusted: true })).toBe("198.51.100.4");
  });

  it("ignores a peer header the start script did not write", () => {
    const headers = h({ "x-forwarded-for": "127.0.0.1", [PEER_ADDRESS_HEADER]: "9.9.9.9" });
    expect(clientIp(headers, { hops: 0, peerHeaderTrusted: false })).toBe("127.0.0.1");
  });

  it("behind N proxies, takes the N-th entry from the right", () => {
    const headers = h({ "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.2" });
    expect(clientIp(headers, { hops: 1 })).toBe("10.0.0.2");
    expect(clientIp(headers, { hops: 2 })).toBe("203.0.113.9");
    // a client-written prefix is never reached
    expect(clientIp(h({ "x-forwarded-for": "6.6.6.6, 203.0.113.9" }), { hops: 1 })).toBe("203.0.113.9");
  });

  it("clamps when fewer entries than hops arrived", () => {
    expect(clientIp(h({ "x-forwarded-for": "203.0.113.9" }), { hops: 3 })).toBe("203.0.113.9");
  });

  it("returns null when there is nothing usable", () => {
    expect(clientIp(h({}), { hops: 1 })).toBeNull();
    expect(clientIp(h({ "x-forwarded-for": "not-an-ip" }), { hops: 1 })).toBeNull();
    expect(clientIp(h({}), { hops: 0, peerHeaderTrusted: true })).toBeNull();
  });
});

describe("normalizeAddress", () => {
  it("strips ports, brackets, zones and the IPv4-mapped prefix", () => {
    expect(normalizeAddress("203.0.113.1:5555")).toBe("203.0.113.1");
    expect(normalizeAddress("[2001:DB8::1]:443")).toBe("2001:db8::1");
    expect(normalizeAddress("fe80::1%eth0")).toBe("fe80::1");
    expect(normalizeAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeAddress("::1")).toBe("::1");
    expect(normalizeAddress("<script>")).toBeNull();
  });
});
