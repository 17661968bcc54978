import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createScrubber,
  MIN_SECRET_LENGTH,
  REDACTED,
  scrubPatterns,
  scrubString,
  secretForms,
  type ScrubPatterns,
} from "@/lib/proxy/scrub";

/** Written apart from the module: at each position, the longest form that starts there, else one char. */
function oneShot(text: string, secrets: string[]): string {
  const forms = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH).flatMap(secretForms))].sort(
    (a, b) => b.length - a.length,
  );
  let out = "";
  for (let i = 0; i < text.length; ) {
    const form = forms.find((f) => text.startsWith(f, i));
    if (form) {
      out += REDACTED;
      i += form.length;
    } else out += text[i++];
  }
  return out;
}

/** Feeds `text` in the given pieces and returns everything that came out, with what each push returned. */
function streamed(text: string, cuts: number[], patterns: ScrubPatterns) {
  const bytes = Buffer.from(text, "latin1");
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const scrubber = createScrubber(patterns);
  const outputs: Buffer[] = [];
  let from = 0;
  for (const to of [...points, bytes.length]) {
    outputs.push(Buffer.from(scrubber.push(bytes.subarray(from, to))));
    from = to;
  }
  outputs.push(Buffer.from(scrubber.flush()));
  return { text: Buffer.concat(outputs).toString("latin1"), outputs, found: scrubber.found };
}

// credential characters (printable ASCII, no space), without the brackets of the marker so
// that a redaction can never spell a secret with the text around it
const secretChar = fc.constantFrom(
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/=!*'()%\"\\:".split(""),
);
const secret = fc.string({ unit: secretChar, minLength: MIN_SECRET_LENGTH, maxLength: 40 });

describe("the scrubber", () => {
  it("replaces a secret in the forms an echo writes it", () => {
    const s = "ab/c+d=e!f'g\"h~i*j";
    const patterns = scrubPatterns([s])!;
    const forms = [
      s,
      encodeURIComponent(s),
      encodeURIComponent(s).toLowerCase(),
      "ab%2Fc%2Bd%3De%21f%27g%22h~i%2Aj",
      new URLSearchParams({ s }).toString().slice(2),
      JSON.stringify(s),
      JSON.stringify(s).replace(/\//g, "\\/"),
    ];
    for (const form of forms) {
      const out = streamed(`before ${form} after`, [], patterns);
      expect(out.text).not.toContain(s);
      expect(out.text).toMatch(/^before "?\[redacted by okoro\]"? after$/);
      expect(out.found).toBe(1);
    }
  });

  it("catches a secret split across chunks and holds back no more than could still match", () => {
    const patterns = scrubPatterns(["ghp_SECRETSECRET"])!;
    const scrubber = createScrubber(patterns);
    expect(Buffer.from(scrubber.push(Buffer.from("token: ghp_SECR"))).toString()).toBe("token: ");
    expect(Buffer.from(scrubber.push(Buffer.from("ETSECRET done\n\n"))).toString()).toBe(
      "[redacted by okoro] done\n\n",
    );
    // an SSE event ends in a blank line, which cannot begin a secret: it goes out whole
    expect(Buffer.from(scrubber.push(Buffer.from("data: g\n\n"))).toString()).toBe("data: g\n\n");
    expect(Buffer.from(scrubber.push(Buffer.from("data: gh"))).toString()).toBe("data: ");
    expect(Buffer.from(scrubber.flush()).toString()).toBe("gh");
    expect(scrubber.found).toBe(1);
  });

  it("ignores values too short to mean anything", () => {
    expect(scrubPatterns(["short", ""])).toBeNull();
    expect(scrubPatterns(["short", "long-enough-1"])!.strings).toEqual(["long-enough-1"]);
  });

  it("scrubs header values", () => {
    const patterns = scrubPatterns(["CANARYsecret/1"])!;
    expect(scrubString("Bearer CANARYsecret/1, CANARYsecret%2F1", patterns)).toEqual({
      value: `Bearer ${REDACTED}, ${REDACTED}`,
      found: 2,
    });
    expect(scrubString("nothing here", patterns)).toEqual({ value: "nothing here", found: 0 });
  });

  it("streamed equals one-shot and leaves no secret, for any secrets, text and chunking", () => {
    fc.assert(
      fc.property(
        fc.array(secret, { minLength: 1, maxLength: 3 }),
        // text woven from noise, pieces of secrets and whole secrets in their encoded forms
        fc.array(
          fc.oneof(fc.string({ unit: secretChar, maxLength: 12 }), fc.nat(), fc.constantFrom("\n\n", " ", "data: ")),
          { maxLength: 30 },
        ),
        fc.array(fc.nat(), { maxLength: 20 }),
        (secrets, parts, cuts) => {
          const forms = secrets.flatMap(secretForms);
          const text = parts
            .map((p) => {
              if (typeof p === "string") return p;
              const form = forms[p % forms.length];
              // a whole form, or a prefix or suffix of one (near misses)
              return p % 3 === 0
                ? form
                : p % 3 === 1
                  ? form.slice(0, 1 + (p % form.length))
                  : form.slice(p % form.length);
            })
            .join("");
          const patterns = scrubPatterns(secrets)!;
          const out = streamed(text, cuts, patterns);
          expect(out.text).toBe(oneShot(text, secrets));
          for (const s of secrets) for (const form of secretForms(s)) expect(out.text).not.toContain(form);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("holds back exactly the longest tail that could still become a secret", () => {
    fc.assert(
      fc.property(secret, fc.string({ unit: secretChar, maxLength: 60 }), (s, text) => {
        fc.pre(oneShot(text, [s]) === text);
        const scrubber = createScrubber(scrubPatterns([s])!);
        const out = Buffer.from(scrubber.push(Buffer.from(text, "latin1"))).toString("latin1");
        let longest = 0;
        for (const form of secretForms(s))
          for (let k = Math.min(form.length - 1, text.length); k > longest; k--)
            if (text.endsWith(form.slice(0, k))) longest = k;
        expect(out).toBe(text.slice(0, text.length - longest));
        expect(Buffer.from(scrubber.flush()).toString("latin1")).toBe(text.slice(text.length - longest));
      }),
      { numRuns: 300 },
    );
  });
});
