import zlib from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  crc32,
  crc32Table,
  generateServiceToken,
  hashServiceToken,
  isWellFormedServiceToken,
  serviceTokenHint,
  SERVICE_TOKEN_PATTERN,
} from "@/lib/tokens/service-token";

const B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// an independent base62 encoding, so the test does not trust lib/ids.ts's
const base62 = (n: number, width: number) => {
  let s = "";
  for (let v = BigInt(n); v > 0n; v /= 62n) s = B62[Number(v % 62n)] + s;
  return s.padStart(width, "0");
};

describe("crc32", () => {
  const vectors: [string, number][] = [
    ["", 0],
    ["a", 0xe8b7be43],
    ["123456789", 0xcbf43926],
    ["The quick brown fox jumps over the lazy dog", 0x414fa339],
  ];
  it.each(vectors)("crc32(%j) = %i", (input, expected) => {
    expect(crc32Table(input)).toBe(expected);
    expect(crc32(input)).toBe(expected);
  });

  it("the table agrees with zlib.crc32 where it exists", () => {
    const native = (zlib as { crc32?: (d: string) => number }).crc32;
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 64 }), (s) => {
        expect(crc32Table(s)).toBe(crc32(s));
        if (native) expect(crc32Table(s)).toBe(native(s) >>> 0);
      }),
    );
  });
});

describe("generateServiceToken", () => {
  it("makes svc_ + 32 base62 + 6 base62 CRC32 of the 32", () => {
    for (let i = 0; i < 200; i++) {
      const t = generateServiceToken();
      expect(t).toMatch(/^svc_[0-9A-Za-z]{38}$/);
      expect(t).toMatch(SERVICE_TOKEN_PATTERN);
      const body = t.slice(4, 36);
      expect(t.slice(36)).toBe(base62(crc32Table(body), 6));
      expect(isWellFormedServiceToken(t)).toBe(true);
    }
  });

  it("is random (no repeats over 2000 tokens, every base62 character used)", () => {
    const tokens = new Set(Array.from({ length: 2000 }, generateServiceToken));
    expect(tokens.size).toBe(2000);
    const chars = new Set([...tokens].flatMap((t) => [...t.slice(4, 36)]));
    expect(chars.size).toBe(62);
  });

  it("left-pads a short checksum with 0", () => {
    // about one body in five has a CRC below 62^5
    let padded: string | undefined;
    for (let i = 0; i < 500 && !padded; i++) {
      const t = generateServiceToken();
      if (crc32Table(t.slice(4, 36)) < 62 ** 5) padded = t;
    }
    expect(padded).toBeDefined();
    expect(padded!.slice(36, 37)).toBe("0");
    expect(isWellFormedServiceToken(padded)).toBe(true);
  });
});

describe("isWellFormedServiceToken", () => {
  const body = "0123456789abcdefghijABCDEFGHIJxy";
  const good = `svc_${body}${base62(crc32Table(body), 6)}`;

  it("accepts a hand-built token", () => {
    expect(isWellFormedServiceToken(good)).toBe(true);
  });

  it("rejects any single changed character (the checksum catches it)", () => {
    for (let i = 4; i < good.length; i++) {
      const c = good[i] === "A" ? "B" : "A";
      const changed = good.slice(0, i) + c + good.slice(i + 1);
      expect(isWellFormedServiceToken(changed), `position ${i}`).toBe(false);
    }
  });

  it("rejects a swapped checksum and a checksum of another body", () => {
    const other = generateServiceToken();
    expect(isWellFormedServiceToken(good.slice(0, 36) + other.slice(36))).toBe(false);
  });

  it.each([
    ["empty", ""],
    ["prefix only", "svc_"],
    ["wrong prefix", `tok_${good.slice(4)}`],
    ["upper-case prefix", `SVC_${good.slice(4)}`],
    ["too short", good.slice(0, -1)],
    ["too long", `${good}0`],
    ["leading space", ` ${good}`],
    ["trailing newline", `${good}\n`],
    ["non-base62 character", `${good.slice(0, 10)}-${good.slice(11)}`],
    ["unicode look-alike", `${good.slice(0, 10)}\u0430${good.slice(11)}`],
    ["bearer prefix", `Bearer ${good}`],
  ])("rejects %s", (_name, value) => {
    expect(isWellFormedServiceToken(value)).toBe(false);
  });

  it("never throws, whatever it is given", () => {
    for (const v of [null, undefined, 42, {}, [], Symbol("x"), () => good, new String(good)]) {
      expect(isWellFormedServiceToken(v)).toBe(false);
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (s) => {
        expect(typeof isWellFormedServiceToken(s)).toBe("boolean");
        expect(typeof isWellFormedServiceToken(`svc_${s}`)).toBe("boolean");
      }),
    );
  });

  it("rejects random 38-character bodies almost always", () => {
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      const s = `svc_${Array.from({ length: 38 }, () => B62[Math.floor(Math.random() * 62)]).join("")}`;
      if (isWellFormedServiceToken(s)) accepted++;
    }
    expect(accepted).toBe(0);
  });
});

describe("hashServiceToken and serviceTokenHint", () => {
  it("hashes with SHA-256 hex", () => {
    expect(hashServiceToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const t = generateServiceToken();
    expect(hashServiceToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashServiceToken(t)).not.toBe(hashServiceToken(generateServiceToken()));
  });

  it("hints with svc_ + first 4 … last 4 of the 38 characters", () => {
    const body = "ab12" + "x".repeat(30) + "9xYz";
    expect(serviceTokenHint(`svc_${body}`)).toBe("svc_ab12…9xYz");
    const t = generateServiceToken();
    const hint = serviceTokenHint(t);
    expect(hint).toBe(`svc_${t.slice(4, 8)}…${t.slice(-4)}`);
    // the hint reveals 8 of 38 characters, never enough to use
    expect(hint.length).toBe(4 + 4 + 1 + 4);
  });
});
