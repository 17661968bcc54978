// Which addresses okoro may fetch on someone else's say-so (a client's metadata document).
import { describe, expect, it } from "vitest";
import { fetchPublicText, isPublicAddress } from "@/lib/http/public-fetch";

describe("isPublicAddress", () => {
  it("refuses loopback, private, link-local (cloud metadata), CGNAT, multicast and reserved IPv4", () => {
    for (const a of [
      "127.0.0.1",
      "127.8.9.10",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
      "198.18.0.1",
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });
  it("refuses the same in IPv6, IPv4-mapped and NAT64 forms included", () => {
    for (const a of [
      "::1",
      "::",
      "fe80::1",
      "fd00::1",
      "fc12::3",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:169.254.169.254",
      "::ffff:a9fe:a9fe",
      "::ffff:7f00:1",
      "64:ff9b::a9fe:a9fe",
      "2001:db8::1",
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });
  it("allows public addresses, and refuses what is not an address", () => {
    for (const a of ["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700:4700::1111"])
      expect(isPublicAddress(a), a).toBe(true);
    expect(isPublicAddress("example.com")).toBe(false);
  });
});

describe("fetchPublicText", () => {
  const options = { maxBytes: 1024, timeoutMs: 1000 };
  it("refuses non-https, credentials in the URL and private addresses before connecting", async () => {
    await expect(fetchPublicText("http://93.184.216.34/x", options)).rejects.toMatchObject({ reason: "bad_url" });
    await expect(fetchPublicText("https://u:p@93.184.216.34/x", options)).rejects.toMatchObject({ reason: "bad_url" });
    await expect(fetchPublicText("https://169.254.169.254/latest/meta-data/", options)).rejects.toMatchObject({
      reason: "private_address",
    });
    await expect(fetchPublicText("https://[::ffff:127.0.0.1]/x", options)).rejects.toMatchObject({
      reason: "private_address",
    });
    await expect(
      fetchPublicText("https://internal.example/x", {
        ...options,
        resolve: async () => [{ address: "10.0.0.5", family: 4 }],
      }),
    ).rejects.toMatchObject({ reason: "private_address" });
  });
});
