import { describe, expect, it } from "vitest";
import { flagLabel, reasonsPerFlag } from "@/app/dashboard/audit/format";
import {
  CREDENTIAL_REFLECTED_REASON,
  flagsFor,
  intentVerbClasses,
  providersNamed,
  verbForms,
  withReflectedCredential,
  type Flag,
  type FlagInput,
} from "@/lib/audit/flags";

type Case = [name: string, input: FlagInput, flags: Flag[], reason?: string | RegExp];

const use = (over: Partial<FlagInput>): FlagInput => ({
  scope: "read",
  intent: "",
  provider: "trello",
  event: "proxy.request",
  ...over,
});

describe("flagsFor", () => {
  const cases: Case[] = [
    // the example of docs/audit.md#audit-log
    [
      "docs example: check todo items with a delete token",
      use({ scope: "delete", intent: "check todo items on the board", event: "token.issued" }),
      ["intent_mismatch"],
      'Intent "check todo items on the board" reads, but the token allows delete.',
    ],
    [
      "docs example: check todo items with a DELETE request",
      use({ scope: "all", requiredScope: "delete", intent: "check todo items on the board" }),
      ["all_scope", "intent_mismatch"],
      /^A token with scope all was used; Intent "check todo items on the board" reads, but the request deletes\.$/,
    ],
    [
      "read intent, read token, read request",
      use({ scope: "read", requiredScope: "read", intent: "check todo items" }),
      [],
    ],
    [
      "delete intent, delete token",
      use({ scope: "delete", requiredScope: "delete", intent: "delete archived cards" }),
      [],
    ],
    ["no known verb", use({ scope: "delete", requiredScope: "delete", intent: "the usual housekeeping" }), []],
    ["empty intent", use({ scope: "delete", intent: "" }), []],
    ["null intent", use({ scope: "delete", intent: null }), []],
    ["several classes, scope among them", use({ scope: "update", intent: "read the card and update its title" }), []],
    [
      "several classes, scope above them",
      use({ scope: "delete", intent: "read the card and update its title" }),
      ["intent_mismatch"],
      'Intent "read the card and update its title" reads and updates, but the token allows delete.',
    ],
    [
      "write intent, update token",
      use({ scope: "update", intent: "add a card to Doing" }),
      ["intent_mismatch"],
      /writes, but the token allows update/,
    ],
    [
      "a token narrower than the intent is no mismatch",
      use({ scope: "read", requiredScope: "read", intent: "delete old cards" }),
      [],
    ],
    [
      "archive (delete) with an update token is not narrower",
      use({ scope: "update", provider: "gmail", intent: "archive newsletters" }),
      [],
    ],
    [
      "read intent, read token, request tries to delete",
      use({ scope: "read", requiredScope: "delete", intent: "look at the cards", event: "proxy.denied" }),
      ["intent_mismatch"],
      /reads, but the request deletes/,
    ],
    [
      "token and request both broader",
      use({ scope: "delete", requiredScope: "delete", intent: "summarize the thread" }),
      ["intent_mismatch"],
      /reads, but the token allows delete and the request deletes\.$/,
    ],
    // inflections, case and whole words
    ["checking, upper case", use({ scope: "delete", intent: "CHECKING the board" }), ["intent_mismatch"]],
    ["checked", use({ scope: "write", intent: "checked items" }), ["intent_mismatch"]],
    ["creating with a write token", use({ scope: "write", intent: "Creating a card" }), []],
    [
      "created with a delete token",
      use({ scope: "delete", intent: "cards created yesterday" }),
      ["intent_mismatch"],
      /writes, but the token allows delete/,
    ],
    ["deletes / deleting match delete", use({ scope: "delete", intent: "deleting stale branches" }), []],
    ["replied", use({ scope: "update", intent: "replied to the thread" }), ["intent_mismatch"]],
    [
      "substrings are not verbs: checkout, listener, readme, addendum",
      use({ scope: "delete", intent: "checkout listener readme addendum" }),
      [],
    ],
    // provider names
    [
      "names another provider",
      use({ scope: "read", provider: "trello", intent: "check issues on GitHub" }),
      ["provider_mismatch"],
      "Intent names GitHub, but the token is for Trello.",
    ],
    ["names its own provider", use({ scope: "read", provider: "github", intent: "check issues on GitHub" }), []],
    [
      "google drive for the google-drive token",
      use({ scope: "read", provider: "google-drive", intent: "list files in Google Drive" }),
      [],
    ],
    [
      "drive for gmail",
      use({ scope: "read", provider: "gmail", intent: "find the report in my drive" }),
      ["provider_mismatch"],
      /names Google Drive, but the token is for Gmail/,
    ],
    [
      "ChatGPT and Claude for Slack",
      use({ scope: "read", provider: "slack", intent: "summarize what ChatGPT and Claude said" }),
      ["provider_mismatch"],
      /names OpenAI and Anthropic, but the token is for Slack/,
    ],
    [
      "open ai as two words",
      use({ scope: "read", provider: "anthropic", intent: "compare with Open AI" }),
      ["provider_mismatch"],
    ],
    [
      "no false positives on substrings",
      use({
        scope: "read",
        provider: "trello",
        intent: "read stripes, notional slacker drivers, githubusercontent, claudette",
      }),
      [],
    ],
    [
      "an e-mail address is not a provider",
      use({ scope: "write", provider: "slack", intent: "invite alice@gmail.com to the channel" }),
      [],
    ],
    // all and replay
    [
      "all issued",
      use({ scope: "all", intent: "migrate the board", event: "token.issued" }),
      ["all_scope"],
      "A token with scope all was issued.",
    ],
    [
      "all requested and denied",
      use({ scope: "all", intent: "migrate", event: "token.denied" }),
      ["all_scope"],
      "A token with scope all was requested.",
    ],
    [
      "all used",
      use({ scope: "all", requiredScope: "update", intent: "move cards", event: "proxy.request" }),
      ["all_scope"],
    ],
    [
      "replay by flag",
      use({ scope: "read", intent: "check items", replay: true }),
      ["replay"],
      "A single-use token was used again.",
    ],
    ["replay by event", use({ scope: "read", intent: "check items", event: "token_replayed" }), ["replay"]],
    [
      "everything at once, in a fixed order",
      use({
        scope: "all",
        requiredScope: "delete",
        provider: "trello",
        intent: "check the Slack channel",
        event: "token_replayed",
      }),
      ["all_scope", "intent_mismatch", "provider_mismatch", "replay"],
      'A token with scope all was used; Intent "check the Slack channel" reads, but the request deletes; Intent names Slack, but the token is for Trello; A single-use token was used again.',
    ],
    ["events without scope or intent", { event: "auth.signin" }, []],
  ];

  it.each(cases)("%s", (_name, input, flags, reason) => {
    const result = flagsFor(input);
    expect(result.flags).toEqual(flags);
    if (flags.length === 0) expect(result.flagReason).toBeNull();
    else {
      expect(result.flagReason).toEqual(expect.any(String));
      expect(result.flagReason).not.toMatch(/[\n\r]/);
      if (typeof reason === "string") expect(result.flagReason).toBe(reason);
      else if (reason) expect(result.flagReason).toMatch(reason);
    }
  });

  it("keeps the reason on one line and short, whatever the intent holds", () => {
    const { flagReason } = flagsFor(use({ scope: "delete", intent: `check\nthis ${"very ".repeat(60)}long intent` }));
    expect(flagReason).not.toMatch(/[\n\r]/);
    expect(flagReason!.length).toBeLessThan(160);
    expect(flagReason).toContain("…");
  });
});

describe("verb tables", () => {
  it("inflects regular and irregular verbs", () => {
    expect(verbForms("check").sort()).toEqual(["check", "checked", "checking", "checks"]);
    expect(verbForms("create")).toEqual(expect.arrayContaining(["creates", "created", "creating"]));
    expect(verbForms("delete")).toEqual(expect.arrayContaining(["deletes", "deleted", "deleting"]));
    expect(verbForms("reply")).toEqual(expect.arrayContaining(["replies", "replied", "replying"]));
    expect(verbForms("search")).toEqual(expect.arrayContaining(["searches", "searched", "searching"]));
    expect(verbForms("destroy")).toEqual(expect.arrayContaining(["destroys", "destroyed", "destroying"]));
    expect(verbForms("get")).toEqual(expect.arrayContaining(["gets", "got", "getting"]));
    expect(verbForms("write")).toEqual(expect.arrayContaining(["wrote", "written", "writing"]));
  });

  it.each([
    ["Read and summarize the latest emails", ["read"]],
    ["post a comment, then label the issue and remove the old one", ["write", "update", "delete"]],
    ["Sent the invites; moved cards; trashed drafts", ["write", "update", "delete"]],
    ["housekeeping", []],
  ] as const)("classifies %j", (intent, classes) => {
    expect(intentVerbClasses(intent)).toEqual(classes);
  });

  it("names providers by whole words and phrases", () => {
    expect(providersNamed("sync Notion pages to Google-Drive and post in #slack")).toEqual([
      "google-drive",
      "notion",
      "slack",
    ]);
    expect(providersNamed("the stripe's invoices")).toEqual(["stripe"]);
    expect(providersNamed("nothing here")).toEqual([]);
  });
});

describe("credential_reflected", () => {
  it("adds its flag and sentence after the request's own, and the viewer pairs each flag with its sentence", () => {
    const request = flagsFor({ scope: "all", intent: "check the issues", provider: "github", event: "proxy.request" });
    const response = withReflectedCredential(request);
    expect(response.flags).toEqual(["all_scope", "credential_reflected"]);
    expect(response.flagReason).toBe(`A token with scope all was used; ${CREDENTIAL_REFLECTED_REASON}.`);
    expect(reasonsPerFlag(response.flags, response.flagReason)).toEqual([
      "A token with scope all was used.",
      `${CREDENTIAL_REFLECTED_REASON}.`,
    ]);
    expect(flagLabel("credential_reflected")).toBe("Credential echoed");
  });

  it("stands alone on an unflagged request, once", () => {
    const once = withReflectedCredential({ flags: [], flagReason: null });
    expect(once).toEqual({ flags: ["credential_reflected"], flagReason: `${CREDENTIAL_REFLECTED_REASON}.` });
    expect(withReflectedCredential(once)).toEqual(once);
  });
});
