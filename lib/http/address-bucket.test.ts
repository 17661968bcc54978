import { describe, expect, it } from "vitest";
import { addressBucket, UNKNOWN_ADDRESS_BUCKET } from "@/lib/http/address-bucket";

describe("addressBucket", () => {
  it("keeps an IPv4 address as it is", () => {
    expect(addressBucket("203.0.113.7")).toBe("203.0.113.7");
    expect(addressBucket("::ffff:198.51.100.4")).toBe("198.51.100.4");
    expect(addressBucket("::FFFF:c633:6404")).toBe("198.51.100.4");
  });

  it("collapses IPv6 to its /64, however it is written", () => {
    const bucket = "2001:db8:1:2::/64";
    for (const a of [
      "2001:db8:1:2::1",
      "2001:0db8:0001:0002:ffff:ffff:ffff:ffff",
      "2001:DB8:1:2:a:b:c:d",
      "[2001:db8:1:2::9]",
      "2001:db8:1:2::1%eth0",
      "2001:db8:1:2:0:0:1.2.3.4",
    ]) {
      expect(addressBucket(a), a).toBe(bucket);
    }
    expect(addressBucket("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(addressBucket("::1")).toBe("0:0:0:0::/64");
    expect(addressBucket("fe80::1")).toBe("fe80:0:0:0::/64");
    expect(addressBucket("64:ff9b::1.2.3.4")).toBe("64:ff9b:0:0::/64");
  });

  it("puts a missing or unparsable address in one shared bucket", () => {
    for (const a of [null, undefined, "", "not an ip", "1.2.3", "1.2.3.4.5", "2001:db8::g", "x".repeat(100)]) {
      expect(addressBucket(a as string | null), String(a)).toBe(UNKNOWN_ADDRESS_BUCKET);
    }
  });
});
