// scripts/start.mjs is plain JavaScript and cannot import our modules: it spells the
// process-wide slot names and the routable methods itself. These must stay equal.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROUTABLE_METHODS } from "@/lib/proxy/methods";
import { SLOT_NAMES, START_SCRIPT_SLOTS } from "@/lib/serve/slots";

const script = readFileSync(path.join(import.meta.dirname, "start.mjs"), "utf8");

describe("scripts/start.mjs", () => {
  it("uses the slot names lib/serve/slots.ts gives it", () => {
    const used = [...new Set([...script.matchAll(/Symbol\.for\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
    expect(used).toEqual(START_SCRIPT_SLOTS.map((k) => SLOT_NAMES[k]).sort());
  });

  it("routes the methods the proxy core routes", () => {
    const list = /ROUTABLE_METHODS = new Set\(\[([^\]]*)\]\)/.exec(script)?.[1] ?? "";
    expect([...list.matchAll(/"([A-Z]+)"/g)].map((m) => m[1]).sort()).toEqual([...ROUTABLE_METHODS].sort());
  });
});
