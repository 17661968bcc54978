import { describe, expect, it } from "vitest";
import { heldSentence, readableBody } from "@/lib/held/describe";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("a held request made readable", () => {
  it("pretty-prints JSON keeping its lines, and strips bidi overrides", () => {
    const body = readableBody(bytes('{"a":1,"b":["\u202ex"]}'), "application/json");
    expect(body).toEqual({ kind: "json", text: '{\n  "a": 1,\n  "b": [\n    "x"\n  ]\n}' });
  });
  it("lists form fields, shows GraphQL, describes binary", () => {
    expect(readableBody(bytes("closed=true&name=a+b"), "application/x-www-form-urlencoded")).toEqual({
      kind: "form",
      fields: [
        ["closed", "true"],
        ["name", "a b"],
      ],
    });
    expect(readableBody(bytes('{"query":"mutation { x }","variables":{"id":1}}'), "application/json")).toMatchObject({
      kind: "graphql",
      query: "mutation { x }",
    });
    expect(readableBody(new Uint8Array([0xff, 0xfe, 0x00]), "image/png")).toEqual({
      kind: "binary",
      bytes: 3,
      contentType: "image/png",
    });
    expect(readableBody(new Uint8Array(0), null)).toEqual({ kind: "empty" });
  });
  it("says what a known kind of request does", () => {
    expect(
      heldSentence({ provider: "trello", method: "DELETE", path: "/1/cards/5f2abc123456", intent: "clean up" }),
    ).toBe("Delete the Trello card 5f2abc… — 'clean up'");
  });
});
