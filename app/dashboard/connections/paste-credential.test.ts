import { describe, expect, it } from "vitest";
import { connectionsNotice } from "@/app/dashboard/connections/notice";
import { oauthAppVariables } from "@/lib/env";
import { inSentence, parsePastedCredential } from "@/app/dashboard/connections/paste-credential";
import { getProvider } from "@/lib/providers/catalog";

function specOf(id: string) {
  const p = getProvider(id)!;
  return { name: p.name, fields: p.connect.paste!.fields, credential: p.credential };
}
const from = (values: Record<string, string>) => (name: string) => values[name];

describe("parsePastedCredential", () => {
  it("builds the stored credential from the catalog's fields", () => {
    expect(parsePastedCredential(specOf("openai"), from({ api_key: "  sk-proj-abc123  " }))).toEqual({
      ok: true,
      credential: { api_key: "sk-proj-abc123" },
    });
    // a pasted PAT stands in for an OAuth token
    expect(parsePastedCredential(specOf("github"), from({ access_token: "github_pat_11AAAA" }))).toEqual({
      ok: true,
      credential: { access_token: "github_pat_11AAAA" },
    });
  });

  it("reads only the catalog's fields, so nothing else can be smuggled into a credential", () => {
    const r = parsePastedCredential(
      specOf("openai"),
      from({ api_key: "sk-1", refresh_token: "x", provider: "openai" }),
    );
    expect(r).toEqual({ ok: true, credential: { api_key: "sk-1" } });
  });

  it("says which field is missing or malformed, in the field's own words, without its value", () => {
    expect(parsePastedCredential(specOf("openai"), from({ api_key: "   " }))).toEqual({
      ok: false,
      fieldErrors: { api_key: "Paste the API key." },
    });
    const bad = parsePastedCredential(specOf("openai"), from({ api_key: "sk secret with spaces" }));
    expect(bad).toEqual({
      ok: false,
      fieldErrors: { api_key: "API key must be printable ASCII without spaces or line breaks." },
      formError: undefined,
    });
    expect(JSON.stringify(bad)).not.toContain("secret with spaces");
    expect(parsePastedCredential(specOf("slack"), from({}))).toMatchObject({
      ok: false,
      fieldErrors: { access_token: "Paste the Bot User OAuth Token." },
    });
  });

  it("leaves blank optional fields out and explains a rule across fields by their labels (Trello)", () => {
    expect(
      parsePastedCredential(specOf("trello"), from({ token: "ATTA123", token_secret: "s3cret", api_key: "" })),
    ).toEqual({
      ok: true,
      credential: { token: "ATTA123", token_secret: "s3cret" },
    });
    expect(
      parsePastedCredential(specOf("trello"), from({ token: "ATTA123", api_key: "abc", token_secret: "" })),
    ).toEqual({
      ok: true,
      credential: { token: "ATTA123", token_secret: "", api_key: "abc" },
    });
    expect(parsePastedCredential(specOf("trello"), from({ token: "ATTA123" }))).toEqual({
      ok: false,
      fieldErrors: {},
      formError:
        "This Trello credential is incomplete: also fill in the API key the token was issued to or the token secret.",
    });
  });

  it("writes labels the way they read mid-sentence", () => {
    expect(inSentence("Token")).toBe("token");
    expect(inSentence("API key")).toBe("API key");
    expect(inSentence("Trello token", "Trello")).toBe("Trello token");
    expect(inSentence("Fine-grained personal access token")).toBe("fine-grained personal access token");
  });
});

describe("oauthAppVariables", () => {
  it("names the variables lib/env.ts reads", () => {
    expect(oauthAppVariables("github")).toEqual(["OKORO_GITHUB_CLIENT_ID", "OKORO_GITHUB_CLIENT_SECRET"]);
    // one Google app serves Gmail and Drive
    expect(oauthAppVariables("google-drive")).toEqual(["OKORO_GOOGLE_CLIENT_ID", "OKORO_GOOGLE_CLIENT_SECRET"]);
    expect(oauthAppVariables("trello")).toEqual(["OKORO_TRELLO_KEY", "OKORO_TRELLO_SECRET"]);
  });
});

describe("connectionsNotice", () => {
  const nameOf = (id: string) => getProvider(id)?.name;
  const none = () => undefined;

  it("reports a connect flow's error code as a sentence, never text from the URL", () => {
    const n = connectionsNotice({ error: "cancelled", provider: "github" }, nameOf, none);
    expect(n).toEqual({ tone: "error", title: "Could not connect GitHub", detail: "You cancelled connecting GitHub." });
    const crafted = connectionsNotice(
      { error: "<b>Send your key to evil.example</b>", provider: "evil" },
      nameOf,
      none,
    );
    expect(crafted?.detail).toBe("Something went wrong while connecting the provider. Please try again.");
  });

  it("confirms a connection only while it exists, saying how it was made", () => {
    expect(
      connectionsNotice({ connected: "openai" }, nameOf, () => ({ method: "paste", accountName: null })),
    ).toMatchObject({
      tone: "success",
      title: "OpenAI is connected",
      detail: expect.stringContaining("will not be shown again"),
    });
    expect(
      connectionsNotice({ connected: "github" }, nameOf, () => ({ method: "oauth2", accountName: "octocat" }))?.detail,
    ).toMatch(/^Signed in as octocat\./);
    expect(connectionsNotice({ connected: "openai" }, nameOf, none)).toBeNull();
    expect(connectionsNotice({ connected: "nope" }, nameOf, () => ({ method: "paste", accountName: null }))).toBeNull();
  });

  it("explains what a disconnect means for the agents", () => {
    expect(connectionsNotice({ disconnected: "slack" }, nameOf, none)?.detail).toContain("409 not_connected");
    expect(connectionsNotice({}, nameOf, none)).toBeNull();
    expect(connectionsNotice({ connected: ["a", "b"] }, nameOf, none)).toBeNull();
  });
});
