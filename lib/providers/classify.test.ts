import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getProvider, listProviders } from "@/lib/providers/catalog";
import { classifyRequest, defaultScope, needsBody } from "@/lib/providers/classify";
import { normalizePath, SCOPE_RANK } from "@/lib/providers/normalize";
import { GRAPHQL_MAX_TOKENS, graphqlIsReadOnly, slackMethodScope, stripePostScope } from "@/lib/providers/rules";
import type { ClassifyInput } from "@/lib/providers/types";
import type { RequestScope } from "@/lib/scopes";

type Body = string | object | undefined;
type Expected = RequestScope | "method_not_allowed";

const enc = new TextEncoder();

/** Builds the input as the proxy does: the body is read (empty when absent) only if needsBody says so. */
function inputFor(id: string, method: string, target: string, body?: Body, contentType?: string): ClassifyInput {
  const provider = getProvider(id)!;
  const q = target.indexOf("?");
  const path = q === -1 ? target : target.slice(0, q);
  const query = new URLSearchParams(q === -1 ? "" : target.slice(q + 1));
  const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  const type = contentType ?? (body !== undefined && typeof body === "object" ? "application/json" : undefined);
  const base = { method, path, query, contentType: type };
  return needsBody(provider, base) ? { ...base, body: enc.encode(text ?? "") } : base;
}

function classify(id: string, method: string, target: string, body?: Body, contentType?: string): Expected {
  return classifyRequest(getProvider(id)!, inputFor(id, method, target, body, contentType));
}

type Case = [method: string, target: string, expected: Expected, body?: Body, contentType?: string];

function table(id: string, cases: Case[]) {
  it.each(cases)(`${id}: %s %s → %s`, (method, target, expected, body, contentType) => {
    expect(classify(id, method, target, body, contentType)).toBe(expected);
  });
}

const FORM = "application/x-www-form-urlencoded";

describe("default rule", () => {
  table("openai", [
    ["GET", "/v1/models", "read"],
    ["HEAD", "/v1/models", "read"],
    ["OPTIONS", "/v1/models", "read"],
    ["POST", "/v1/files", "write"],
    ["PUT", "/v1/files/x", "update"],
    ["PATCH", "/v1/files/x", "update"],
    ["DELETE", "/v1/files/x", "delete"],
    ["get", "/v1/models", "read"],
    ["Delete", "/v1/files/x", "delete"],
    ["TRACE", "/v1/models", "method_not_allowed"],
    ["CONNECT", "/v1/models", "method_not_allowed"],
    ["PROPFIND", "/v1/models", "method_not_allowed"],
    ["", "/v1/models", "method_not_allowed"],
    ["GET ", "/v1/models", "method_not_allowed"],
    ["poſt", "/v1/models", "method_not_allowed"],
  ]);

  it("defaultScope", () => {
    expect(defaultScope("patch")).toBe("update");
    expect(defaultScope("TRACE")).toBe("method_not_allowed");
    expect(defaultScope("constructor")).toBe("method_not_allowed");
    expect(defaultScope("__proto__")).toBe("method_not_allowed");
  });

  describe("method-override parameters are judged too (the worse answer wins)", () => {
    table("openai", [
      ["POST", "/v1/files?_method=DELETE", "delete"],
      ["GET", "/v1/files/x?X-HTTP-Method-Override=delete", "delete"],
      ["POST", "/v1/chat/completions?_method=PUT", "update"],
      ["GET", "/v1/models?_method=TRACE", "method_not_allowed"],
      ["GET", "/v1/models?_method=GET", "read"],
    ]);
    table("trello", [
      ["POST", "/1/cards/abc?_method=PUT&closed=true", "delete"],
      ["POST", "/1/cards/abc", "delete", "_method=PUT&closed=true", FORM],
    ]);
  });

  it("a path still encoded after the decoding bound is delete", () => {
    let path = "/v1/models";
    for (let i = 0; i < 12; i++) path = path.replace(/%/g, "%25").replace("m", "%6d");
    expect(classify("openai", "GET", path)).toBe("delete");
  });
});

describe("Trello", () => {
  table("trello", [
    ["PUT", "/1/cards/5f1a?closed=true", "delete"],
    ["PUT", "/1/cards/5f1a", "delete", "closed=true", FORM],
    ["PUT", "/1/cards/5f1a", "delete", { closed: true }],
    ["PUT", "/1/cards/5f1a", "delete", { closed: "true" }],
    ["PUT", "/1/cards/5f1a", "delete", '{"\\u0063losed": true}', "application/json"],
    // multipart that does not split on its boundary cannot be read: worst case
    ["PUT", "/1/cards/5f1a", "delete", "name=x", "multipart/form-data; boundary=b"],
    [
      "PUT",
      "/1/cards/5f1a",
      "delete",
      '--b\r\nContent-Disposition: form-data; name="closed"\r\n\r\ntrue\r\n--b--\r\n',
      "multipart/form-data; boundary=b",
    ],
    ["PUT", "/1/cards/5f1a", "delete", '{"closed": tru', "application/json"],
    ["PUT", "/1/cards/5f1a", "delete", "closed=true", undefined],
    ["PUT", "/1/cards/5f1a", "delete", '{"closed":true}', "text/plain"],
    ["PUT", "/1/boards/5f1a?closed=true", "delete"],
    ["PUT", "/1/lists/5f1a", "delete", { closed: true }],
    ["PUT", "/1/cards/5f1a/closed?value=true", "delete"],
    ["PUT", "/1/cards/5f1a/closed", "delete", "value=true", FORM],
    ["POST", "/1/lists/5f1a/archiveAllCards", "delete"],
    // not archiving
    ["PUT", "/1/cards/5f1a?closed=false", "update"],
    ["PUT", "/1/cards/5f1a", "update", { closed: false }],
    ["PUT", "/1/cards/5f1a", "update", { name: "closed", desc: "closed=true" }],
    ["PUT", "/1/cards/5f1a", "update", "name=closed", FORM],
    ["PUT", "/1/cards/5f1a", "update"],
    ["PUT", "/1/cards/5f1a/closed?value=false", "update"],
    ["PUT", "/1/cards/5f1a/idList?value=x", "update"],
    ["POST", "/1/cards?closed=true", "write"],
    ["GET", "/1/cards/5f1a?closed=true", "read"],
    ["DELETE", "/1/cards/5f1a", "delete"],
    // near-misses that must still be caught
    ["PUT", "/1/Cards/5f1a?closed=true", "delete"],
    ["PUT", "/1/CARDS/5F1A?closed=true", "delete"],
    ["PUT", "/1/cards/5f1a/?closed=true", "delete"],
    ["PUT", "//1//cards///5f1a?closed=true", "delete"],
    ["PUT", "/1/./cards/5f1a?closed=true", "delete"],
    ["PUT", "/1/boards/../cards/5f1a?closed=true", "delete"],
    ["PUT", "/1/%63ards/5f1a?closed=true", "delete"],
    ["PUT", "/1/%2563ards/5f1a?closed=true", "delete"],
    ["PUT", "/1/cards%2F5f1a?closed=true", "delete"],
    ["PUT", "/1%2fcards%2f5f1a?closed=true", "delete"],
    ["PUT", "/1\\cards\\5f1a?closed=true", "delete"],
    ["PUT", "/1/ｃａｒｄｓ/5f1a?closed=true", "delete"],
    ["PUT", "/1/card/5f1a?closed=true", "delete"],
    ["PUT", "/1/cards/5f1a?Closed=TRUE", "delete"],
    ["PUT", "/1/cards/5f1a?closed=1", "delete"],
    ["PUT", "/1/cards/5f1a?closed=%2574rue", "delete"],
    ["PUT", "/1/cards/5f1a?clos%2565d=true", "delete"],
    ["PUT", "/1/cards/5f1a?closed=false&closed=true", "delete"],
    ["PUT", "/1/cards/5f1a", "delete", "closed[]=true", FORM],
    ["PUT", "/1/cards/5f1a", "delete", "CLOSED=yes", FORM],
    ["put", "/1/cards/5f1a?closed=true", "delete"],
  ]);

  it("needsBody: card/board/list PUTs and every form body (it is signed)", () => {
    const t = getProvider("trello")!;
    const nb = (method: string, path: string, contentType?: string) =>
      needsBody(t, { method, path, query: new URLSearchParams(), contentType });
    expect(nb("PUT", "/1/cards/abc")).toBe(true);
    expect(nb("PUT", "/1/Cards/abc/")).toBe(true);
    expect(nb("PUT", "/1/cards/abc/closed")).toBe(true);
    expect(nb("POST", "/1/cards", FORM)).toBe(true);
    expect(nb("POST", "/1/cards", "Application/X-WWW-Form-Urlencoded; charset=utf-8")).toBe(true);
    expect(nb("GET", "/1/cards/abc")).toBe(false);
    expect(nb("POST", "/1/cards", "application/json")).toBe(false);
    expect(nb("PUT", "/1/members/me")).toBe(false);
    expect(nb("PUT", "/1/cards/abc/idList")).toBe(false);
    expect(nb("TRACE", "/1/cards/abc")).toBe(false);
  });

  it("a body that was needed but not passed is treated as the worst case", () => {
    const input = {
      method: "PUT",
      path: "/1/cards/abc",
      query: new URLSearchParams(),
      contentType: "application/json",
    };
    expect(classifyRequest(getProvider("trello")!, input)).toBe("delete");
  });
});

describe("GitHub GraphQL", () => {
  const q = (query: unknown) => ({ query });
  table("github", [
    ["POST", "/graphql", "read", q("query { viewer { login } }")],
    ["POST", "/graphql", "read", q("{ viewer { login } }")],
    [
      "POST",
      "/graphql",
      "read",
      q("query A { viewer { login } } query B { rateLimit { remaining } } fragment F on User { id }"),
    ],
    [
      "POST",
      "/graphql",
      "read",
      { query: "query($n: String!) { user(login: $n) { id } }", variables: { n: "mutation" }, operationName: "x" },
    ],
    ["POST", "/graphql", "read", [q("{ a }"), q("query { b }")]],
    ["POST", "/graphql", "update", q('mutation { addStar(input: {starrableId: "x"}) { clientMutationId } }')],
    ["POST", "/graphql", "update", q("query A { a } mutation B { b }")],
    ["POST", "/graphql", "update", q("subscription { s }")],
    ["POST", "/graphql", "update", q("query { ")],
    ["POST", "/graphql", "update", q("fragment F on User { id }")],
    ["POST", "/graphql", "update", q("")],
    ["POST", "/graphql", "update", q(42)],
    ["POST", "/graphql", "update", q(null)],
    ["POST", "/graphql", "update", {}],
    ["POST", "/graphql", "update", { extensions: { persistedQuery: { sha256Hash: "x" } } }],
    ["POST", "/graphql", "update", [q("{ a }"), q("mutation { b }")]],
    ["POST", "/graphql", "update", []],
    ["POST", "/graphql", "update", [null]],
    ["POST", "/graphql", "update", { query: "{ a }", Query: "mutation { b }" }],
    ["POST", "/graphql", "update", "query { viewer { login } }", "application/graphql"],
    ["POST", "/graphql", "update", '{"query": "{ a }"', "application/json"],
    ["POST", "/graphql", "update", "", "application/json"],
    ["POST", "/graphql", "update", "null", "application/json"],
    // near-misses
    ["POST", "/GraphQL", "update", q("mutation { b }")],
    ["POST", "/graphql/", "update", q("mutation { b }")],
    ["POST", "//graphql", "update", q("mutation { b }")],
    ["POST", "/%67raphql", "update", q("mutation { b }")],
    ["POST", "/graphql.json", "update", q("mutation { b }")],
    ["POST", "/GRAPHQL/", "read", q("{ a }")],
    ["POST", "/graphql?query=mutation%20%7B%20b%20%7D", "update", q("{ a }")],
    ["GET", "/graphql?query=mutation%20%7B%20b%20%7D", "update"],
    ["GET", "/graphql?query=%7B%20a%20%7D", "read"],
    ["GET", "/graphql", "read"],
    ["PUT", "/graphql", "update", q("{ a }")],
    ["DELETE", "/graphql", "delete"],
    // the rest of the API is the default rule
    ["POST", "/repos/o/r/issues", "write", { title: "x" }],
    ["PATCH", "/repos/o/r/issues/1", "update", { state: "closed" }],
    ["DELETE", "/repos/o/r", "delete"],
    ["GET", "/repos/o/r", "read"],
  ]);

  it("graphqlIsReadOnly", () => {
    expect(graphqlIsReadOnly("{ a }")).toBe(true);
    expect(graphqlIsReadOnly("mutation { a }")).toBe(false);
    expect(graphqlIsReadOnly(`{ ${"a ".repeat(200_000)}}`)).toBe(false); // over the token bound
  });

  it("bounds the parsing a request can ask for: bytes, batch length and tokens across the batch", () => {
    const fields = (n: number) => `{ ${"a ".repeat(n)}}`;
    const timed = (f: () => unknown) => {
      const started = performance.now();
      const result = f();
      return { result, ms: performance.now() - started };
    };
    // within every cap: read
    expect(classify("github", "POST", "/graphql", [{ query: fields(2_000) }, { query: fields(2_000) }])).toBe("read");
    // each document under the token cap, together over it
    expect(classify("github", "POST", "/graphql", [{ query: fields(6_000) }, { query: fields(6_000) }])).toBe("update");
    // the query string's documents spend from the same budget as the body's
    expect(
      classify("github", "POST", `/graphql?query=${encodeURIComponent(fields(6_000))}`, { query: fields(6_000) }),
    ).toBe("update");
    // more documents than a batch may hold, each tiny
    expect(
      classify(
        "github",
        "POST",
        "/graphql",
        Array.from({ length: 33 }, () => ({ query: "{ a }" })),
      ),
    ).toBe("update");
    // a body over the byte cap is not even read as JSON
    expect(classify("github", "POST", "/graphql", { query: "{ a }", pad: "x".repeat(70_000) })).toBe("update");
    // ten documents of 99 999 tokens each took seconds to parse before the caps
    const github = getProvider("github")!;
    const hostile = inputFor(
      "github",
      "POST",
      "/graphql",
      Array.from({ length: 10 }, () => ({ query: fields(99_998) })),
    );
    const { result, ms } = timed(() => classifyRequest(github, hostile));
    expect(result).toBe("update");
    expect(ms).toBeLessThan(100);
    // the worst a request within the caps can cost: the token budget spent in one document
    const heaviest = inputFor("github", "POST", "/graphql", { query: fields(GRAPHQL_MAX_TOKENS - 2) });
    const worst = timed(() => classifyRequest(github, heaviest));
    expect(worst.result).toBe("read");
    expect(worst.ms).toBeLessThan(200);
  });

  it("needsBody only for POST /graphql", () => {
    const g = getProvider("github")!;
    const nb = (method: string, path: string) =>
      needsBody(g, { method, path, query: new URLSearchParams(), contentType: "application/json" });
    expect(nb("POST", "/graphql")).toBe(true);
    expect(nb("post", "/GraphQL/")).toBe(true);
    expect(nb("GET", "/graphql")).toBe(false);
    expect(nb("POST", "/repos/o/r/issues")).toBe(false);
  });
});

describe("Gmail", () => {
  const u = "/gmail/v1/users/me";
  table("gmail", [
    ["POST", `${u}/messages/send`, "write"],
    ["POST", `/upload/gmail/v1/users/me/messages/send?uploadType=multipart`, "write"],
    ["POST", `${u}/drafts`, "write"],
    ["POST", `${u}/drafts/send`, "write"],
    ["POST", `${u}/messages/import`, "write"],
    ["POST", `/upload/gmail/v1/users/me/messages/insert`, "write"],
    ["POST", `${u}/messages/18c/modify`, "update"],
    ["POST", `${u}/threads/18c/modify`, "update"],
    ["POST", `${u}/messages/batchModify`, "update"],
    ["POST", `${u}/messages/18c/untrash`, "update"],
    ["POST", `${u}/threads/18c/untrash`, "update"],
    ["POST", `${u}/messages/18c/trash`, "delete"],
    ["POST", `${u}/threads/18c/trash`, "delete"],
    ["POST", `${u}/messages/batchDelete`, "delete"],
    ["POST", `/gmail/v1/users/alice%40example.com/messages/batchDelete`, "delete"],
    ["DELETE", `${u}/messages/18c`, "delete"],
    ["GET", `${u}/messages/18c`, "read"],
    ["GET", `${u}/labels/TRASH`, "read"],
    ["PUT", `${u}/drafts/r1`, "update"],
    ["POST", `${u}/labels`, "write"],
    // near-misses
    ["POST", `${u}/messages/18c/TRASH`, "delete"],
    ["POST", `${u}/messages/18c/%74rash`, "delete"],
    ["POST", `${u}/messages/18c/%2574rash`, "delete"],
    ["POST", `${u}/messages/18c/trash/`, "delete"],
    ["POST", `/gmail//v1/users/me//messages/18c/trash`, "delete"],
    ["POST", `/Gmail/V1/Users/me/messages/BatchDelete`, "delete"],
    ["POST", `${u}/messages:batchDelete`, "delete"],
    ["POST", `${u}/messages%2F18c%2Ftrash`, "delete"],
    ["POST", `/upload/gmail/v1/users/me/messages/18c/trash`, "delete"],
    ["POST", `${u}/messages/18c/Modify`, "update"],
    // Google batch requests embed arbitrary calls
    ["POST", "/batch/gmail/v1", "delete"],
    ["POST", "/BATCH/gmail/v1/", "delete"],
    ["POST", "/batch", "delete"],
  ]);
});

describe("Google Drive", () => {
  const multipart = (meta: string) =>
    `--xyz\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${meta}\r\n--xyz\r\nContent-Type: text/plain\r\n\r\nhello "trashed": true\r\n--xyz--\r\n`;
  table("google-drive", [
    ["POST", "/drive/v3/files/1a/copy", "write", { name: "copy" }],
    ["POST", "/upload/drive/v3/files?uploadType=multipart", "write"],
    ["POST", "/drive/v3/files", "write"],
    ["PATCH", "/drive/v3/files/1a", "delete", { trashed: true }],
    ["PATCH", "/drive/v3/files/1a", "delete", { trashed: "true" }],
    ["PATCH", "/drive/v3/files/1a", "delete", { Trashed: true }],
    ["PATCH", "/drive/v3/files/1a", "delete", '{"tr\\u0061shed":true}', "application/json"],
    ["PATCH", "/drive/v3/files/1a", "delete", "{trashed: true}", "application/json"],
    ["PATCH", "/drive/v3/files/1a?trashed=true", "delete", { name: "x" }],
    ["PATCH", "/Drive/V3/Files/1a/", "delete", { trashed: true }],
    ["PATCH", "/drive/v3/%66iles/1a", "delete", { trashed: true }],
    [
      "PATCH",
      "/upload/drive/v3/files/1a?uploadType=multipart",
      "delete",
      multipart('{"trashed": true}'),
      "multipart/related; boundary=xyz",
    ],
    [
      "PATCH",
      "/upload/drive/v3/files/1a?uploadType=multipart",
      "delete",
      multipart('{"trashed": tr'),
      "multipart/related; boundary=xyz",
    ],
    ["PATCH", "/upload/drive/v3/files/1a?uploadType=multipart", "delete", "no boundary here", "multipart/related"],
    ["PATCH", "/upload/drive/v3/files/1a?uploadType=resumable", "delete", { trashed: true }],
    [
      "PATCH",
      "/upload/drive/v3/files/1a?uploadType=multipart",
      "update",
      multipart('{"name": "x"}'),
      "multipart/related; boundary=xyz",
    ],
    ["PATCH", "/drive/v3/files/1a", "update", { trashed: false }],
    ["PATCH", "/drive/v3/files/1a", "update", { name: "trashed", description: "trashed: true" }],
    ["PATCH", "/drive/v3/files/1a", "update"],
    [
      "PATCH",
      "/upload/drive/v3/files/1a?uploadType=media",
      "update",
      "file bytes that mention trashed: true",
      "text/plain",
    ],
    ["POST", "/drive/v2/files/1a/trash", "delete"],
    ["POST", "/drive/v2/files/1a/untrash", "update"],
    ["PUT", "/drive/v2/files/1a", "delete", { labels: { trashed: true } }],
    ["PUT", "/drive/v2/files/1a", "update", { labels: { starred: true } }],
    ["DELETE", "/drive/v3/files/1a", "delete"],
    ["DELETE", "/drive/v3/files/trash", "delete"],
    ["GET", "/drive/v3/files?q=trashed%3Dtrue", "read"],
    ["POST", "/batch/drive/v3", "delete"],
  ]);

  it("needsBody: Drive PATCHes (metadata), not media uploads or reads", () => {
    const d = getProvider("google-drive")!;
    const nb = (method: string, target: string) => {
      const [path, search = ""] = target.split("?");
      return needsBody(d, { method, path, query: new URLSearchParams(search), contentType: "application/json" });
    };
    expect(nb("PATCH", "/drive/v3/files/1a")).toBe(true);
    expect(nb("PATCH", "/upload/drive/v3/files/1a?uploadType=multipart")).toBe(true);
    expect(nb("PATCH", "/upload/drive/v3/files/1a?uploadType=resumable")).toBe(true);
    expect(nb("PATCH", "/upload/drive/v3/files/1a?uploadType=media")).toBe(false);
    expect(nb("PUT", "/upload/drive/v3/files/1a?uploadType=resumable&upload_id=x")).toBe(false);
    expect(nb("PUT", "/drive/v2/files/1a")).toBe(true);
    expect(nb("GET", "/drive/v3/files/1a")).toBe(false);
    expect(nb("POST", "/drive/v3/files/1a/copy")).toBe(false);
    expect(nb("POST", "/upload/drive/v3/files?uploadType=multipart")).toBe(false);
  });
});

describe("Notion", () => {
  table("notion", [
    ["POST", "/v1/search", "read", { query: "x" }],
    ["POST", "/v1/databases/d1/query", "read", {}],
    ["POST", "/v1/data_sources/d1/query", "read", {}],
    ["POST", "/V1/SEARCH/", "read"],
    ["POST", "/v1/%73earch", "read"],
    ["POST", "/v1/pages", "write", { parent: {} }],
    ["POST", "/v1/search/x", "write"],
    ["POST", "/v1/databases/d1/query/x", "write"],
    ["POST", "/v1/databases", "write"],
    ["GET", "/v1/pages/p1", "read"],
    ["PATCH", "/v1/pages/p1", "delete", { archived: true }],
    ["PATCH", "/v1/pages/p1", "delete", { in_trash: true }],
    ["PATCH", "/v1/blocks/b1", "delete", { archived: true }],
    ["PATCH", "/v1/databases/d1", "delete", { in_trash: "true" }],
    ["PATCH", "/v1/pages/p1", "delete", '{"archived":true', "application/json"],
    ["PATCH", "/v1/pages/p1", "delete", '{"\\u0061rchived":true}', "application/json"],
    ["PATCH", "/V1/Pages/p1/", "delete", { Archived: true }],
    ["PATCH", "/v1/pages/p1?archived=true", "delete", {}],
    ["PATCH", "/v1/pages/p1", "update", { archived: false, in_trash: false }],
    ["PATCH", "/v1/pages/p1", "update", { properties: { Archived: { checkbox: true } } }],
    ["PATCH", "/v1/pages/p1", "update"],
    ["DELETE", "/v1/blocks/b1", "delete"],
  ]);
});

describe("Slack", () => {
  table("slack", [
    ["GET", "/conversations.list", "read"],
    ["POST", "/conversations.list", "read"],
    ["POST", "/users.info", "read"],
    ["POST", "/conversations.history", "read"],
    ["POST", "/conversations.replies", "read"],
    ["POST", "/search.messages", "read"],
    ["POST", "/search.all", "read"],
    ["POST", "/users.getPresence", "read"],
    ["POST", "/chat.getPermalink", "read"],
    ["POST", "/auth.test", "read"],
    ["POST", "/users.lookupByEmail", "read"],
    ["POST", "/chat.postMessage", "write"],
    ["POST", "/reactions.add", "write"],
    ["POST", "/conversations.create", "write"],
    ["POST", "/files.getUploadURLExternal", "write"],
    ["POST", "/files.completeUploadExternal", "write"],
    ["POST", "/chat.update", "update"],
    ["POST", "/conversations.rename", "update"],
    ["POST", "/conversations.setTopic", "update"],
    ["POST", "/users.profile.set", "update"],
    ["POST", "/bookmarks.edit", "update"],
    ["POST", "/conversations.unarchive", "update"],
    ["POST", "/chat.delete", "delete"],
    ["GET", "/chat.delete", "delete"],
    ["HEAD", "/chat.delete", "delete"],
    ["POST", "/files.remove", "delete"],
    ["POST", "/reactions.remove", "delete"],
    ["POST", "/conversations.archive", "delete"],
    ["POST", "/conversations.kick", "delete"],
    ["POST", "/chat.deleteScheduledMessage", "delete"],
    ["POST", "/auth.revoke", "delete"],
    ["POST", "/apps.uninstall", "delete"],
    ["GET", "/unknown.method", "write"],
    ["GET", "/foo", "write"],
    ["GET", "/", "write"],
    ["TRACE", "/conversations.list", "method_not_allowed"],
    // near-misses
    ["GET", "/CHAT.DELETE", "delete"],
    ["GET", "/chat%2Edelete", "delete"],
    ["GET", "/chat.delete/", "delete"],
    ["GET", "//chat.delete", "delete"],
    ["GET", "/api/chat.delete", "delete"],
    ["GET", "/conversations.list/chat.delete", "delete"],
    ["GET", "/conversations.list/x", "write"],
    ["GET", "/chat.delete%3Bx", "delete"],
  ]);

  it("slackMethodScope on its own", () => {
    expect(slackMethodScope("admin.conversations.restrictaccess.listgroups")).toBe("read");
    expect(slackMethodScope("admin.conversations.bulkarchive")).toBe("delete");
    expect(slackMethodScope("get")).toBe("write");
  });
});

describe("OpenAI and Anthropic inference reads", () => {
  table("openai", [
    ["POST", "/v1/chat/completions", "read"],
    ["POST", "/v1/responses", "read"],
    ["POST", "/v1/embeddings", "read"],
    ["POST", "/v1/completions", "read"],
    ["POST", "/v1/moderations", "read"],
    ["POST", "/V1/Chat/Completions/", "read"],
    ["POST", "/v1/chat/completions/cmpl_1", "write"],
    ["POST", "/v1/files", "write"],
    ["POST", "/v1/fine_tuning/jobs", "write"],
    ["DELETE", "/v1/responses/resp_1", "delete"],
    ["GET", "/v1/chat/completions", "read"],
  ]);
  table("anthropic", [
    ["POST", "/v1/messages", "read"],
    ["POST", "/v1/messages/count_tokens", "read"],
    ["POST", "/v1/messages/", "read"],
    ["POST", "/v1/messages/batches", "write"],
    ["POST", "/v1/messages/batches/b1/cancel", "write"],
    ["DELETE", "/v1/messages/batches/b1", "delete"],
    ["POST", "/v1/files", "write"],
  ]);
});

describe("Stripe", () => {
  table("stripe", [
    ["POST", "/v1/customers", "write"],
    ["POST", "/v1/customers/cus_1", "update"],
    ["DELETE", "/v1/customers/cus_1", "delete"],
    ["GET", "/v1/customers", "read"],
    ["GET", "/v1/customers/search?query=x", "read"],
    ["POST", "/v1/payment_intents/pi_1/cancel", "delete"],
    ["POST", "/v1/invoices/in_1/void", "delete"],
    ["POST", "/v1/invoices/in_1/mark_uncollectible", "delete"],
    ["POST", "/v1/payment_methods/pm_1/detach", "delete"],
    ["POST", "/v1/checkout/sessions/cs_1/expire", "delete"],
    ["POST", "/v1/subscription_schedules/ss_1/cancel", "delete"],
    ["POST", "/v1/apps/secrets/delete", "delete"],
    ["POST", "/v1/disputes/dp_1/close", "delete"],
    ["POST", "/v1/payment_intents/pi_1/confirm", "update"],
    ["POST", "/v1/payment_intents/pi_1/capture", "update"],
    ["POST", "/v1/invoices/in_1/finalize", "update"],
    ["POST", "/v1/invoices/in_1/pay", "update"],
    ["POST", "/v1/invoices/in_1/add_lines", "update"],
    ["POST", "/v1/setup_intents/si_1/verify_microdeposits", "update"],
    ["POST", "/v1/payment_methods/pm_1/attach", "update"],
    ["POST", "/v1/test_helpers/test_clocks/clock_1/advance", "update"],
    ["POST", "/v1/test_helpers/test_clocks", "write"],
    ["POST", "/v1/checkout/sessions", "write"],
    ["POST", "/v1/checkout/sessions/cs_1", "update"],
    ["POST", "/v1/customers/cus_1/sources", "write"],
    ["POST", "/v1/customers/cus_1/sources/src_1", "update"],
    ["POST", "/v1/customers/cus_1/sources/src_1/verify", "update"],
    ["POST", "/v1/accounts/acct_1/people", "write"],
    ["POST", "/v1/charges/ch_1/refunds", "write"],
    ["POST", "/v1/invoices/create_preview", "write"],
    ["POST", "/v2/core/event_destinations/ed_1/disable", "delete"],
    ["POST", "/v2/core/accounts", "write"],
    // near-misses
    ["POST", "/V1/Invoices/in_1/VOID", "delete"],
    ["POST", "/v1/invoices/in_1/void/", "delete"],
    ["POST", "/v1/invoices/in_1/%76oid", "delete"],
    ["POST", "/v1/invoices/in_1/void.json", "delete"],
    ["POST", "/v1//invoices//in_1//void", "delete"],
    ["POST", "/v1/Customers/cus_1", "update"],
    ["POST", "/v1/customers%2Fcus_1", "update"],
  ]);

  it("stripePostScope outside /v1 and /v2 falls through", () => {
    expect(stripePostScope("/v3/x")).toBeUndefined();
    expect(stripePostScope("/v1")).toBe("write");
  });
});

describe("normalizePath", () => {
  it.each([
    ["/a/b", "/a/b"],
    ["", "/"],
    ["/", "/"],
    ["//a///b//", "/a/b"],
    ["/A/%42", "/a/b"],
    ["/a%252fb", "/a/b"],
    ["/a/./b/../c", "/a/c"],
    ["/../../a", "/a"],
    ["/a/%2e%2e/b", "/b"],
    ["/a/%252E%252E/b", "/b"],
    ["/a\\b", "/a/b"],
    ["/a%5cb", "/a/b"],
    ["/a\tb\n", "/ab"],
    ["/ａ／ｂ", "/a/b"],
    ["/%zz/%", "/%zz/%"],
    ["/%c3%a9", "/é"],
    ["/%ff", "/\ufffd"],
  ])("%j → %j", (raw, expected) => {
    expect(normalizePath(raw).path).toBe(expected);
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (s) => {
        const once = normalizePath(s);
        return !once.converged || normalizePath(once.path).path === once.path;
      }),
      { numRuns: 500 },
    );
  });
});

// ---- the security property -----------------------------------------------------------

/** Plain spellings of every rule-relevant request, with the body and query they need. */
const SAMPLES: { id: string; method: string; target: string; body?: Body; contentType?: string }[] = [
  { id: "trello", method: "PUT", target: "/1/cards/5f1a?closed=true" },
  { id: "trello", method: "PUT", target: "/1/cards/5f1a", body: { closed: true } },
  { id: "trello", method: "PUT", target: "/1/cards/5f1a", body: "closed=true", contentType: FORM },
  { id: "trello", method: "PUT", target: "/1/cards/5f1a/closed?value=true" },
  { id: "trello", method: "POST", target: "/1/lists/5f1a/archiveAllCards" },
  { id: "trello", method: "GET", target: "/1/boards/5f1a/cards" },
  { id: "github", method: "POST", target: "/graphql", body: { query: "mutation { a }" } },
  { id: "github", method: "POST", target: "/graphql", body: { query: "{ a }" } },
  { id: "github", method: "POST", target: "/repos/o/r/issues" },
  { id: "gmail", method: "POST", target: "/gmail/v1/users/me/messages/18c/trash" },
  { id: "gmail", method: "POST", target: "/gmail/v1/users/me/messages/batchDelete" },
  { id: "gmail", method: "POST", target: "/gmail/v1/users/me/threads/18c/modify" },
  { id: "gmail", method: "POST", target: "/gmail/v1/users/me/messages/send" },
  { id: "gmail", method: "POST", target: "/batch/gmail/v1" },
  { id: "google-drive", method: "PATCH", target: "/drive/v3/files/1a", body: { trashed: true } },
  { id: "google-drive", method: "POST", target: "/drive/v3/files/1a/copy" },
  { id: "google-drive", method: "POST", target: "/drive/v2/files/1a/trash" },
  { id: "notion", method: "PATCH", target: "/v1/pages/p1", body: { archived: true } },
  { id: "notion", method: "POST", target: "/v1/search" },
  { id: "notion", method: "POST", target: "/v1/databases/d1/query" },
  { id: "slack", method: "GET", target: "/chat.delete" },
  { id: "slack", method: "POST", target: "/chat.update" },
  { id: "slack", method: "POST", target: "/chat.postMessage" },
  { id: "slack", method: "GET", target: "/conversations.history" },
  { id: "openai", method: "POST", target: "/v1/chat/completions" },
  { id: "openai", method: "DELETE", target: "/v1/files/f1" },
  { id: "anthropic", method: "POST", target: "/v1/messages/count_tokens" },
  { id: "stripe", method: "POST", target: "/v1/payment_intents/pi_1/cancel" },
  { id: "stripe", method: "POST", target: "/v1/customers/cus_1" },
  { id: "stripe", method: "POST", target: "/v1/checkout/sessions/cs_1/expire" },
];

const hex = (c: string, lower: boolean) => {
  const h = [...new TextEncoder().encode(c)].map((b) => "%" + b.toString(16).padStart(2, "0")).join("");
  return lower ? h : h.toUpperCase();
};

/** A spelling of `path` that any decoding, case-insensitive, slash-tolerant server reads the same. */
const variantOf = (path: string) =>
  fc
    .array(
      fc.record({ op: fc.integer({ min: 0, max: 7 }), depth: fc.integer({ min: 1, max: 3 }), lower: fc.boolean() }),
      {
        minLength: path.length,
        maxLength: path.length,
      },
    )
    .chain((plan) =>
      fc.record({
        plan: fc.constant(plan),
        trailing: fc.constantFrom("", "/", "//", "/."),
        lead: fc.constantFrom("", "/", "/./"),
      }),
    )
    .map(({ plan, trailing, lead }) => {
      let out = "";
      [...path].forEach((c, i) => {
        const { op, depth, lower } = plan[i];
        if (op === 0) {
          // percent-encode this character depth times
          let e = hex(c, lower);
          for (let d = 1; d < depth; d++) e = e.replace(/%/g, "%25");
          out += e;
        } else if (op === 1) out += c.toUpperCase();
        else if (op === 2 && c === "/") out += "//";
        else if (op === 3 && c === "/") out += "/./";
        else if (op === 4 && c === "/") out += lower ? "%2f" : "%2F";
        else if (op === 5 && /[a-z]/.test(c))
          out += String.fromCharCode(c.charCodeAt(0) - 0x61 + 0xff41); // fullwidth
        else out += c;
      });
      return lead + out + trailing;
    });

describe("property: encoding, casing or padding never buys a milder scope", () => {
  const rank = (s: Expected) => (s === "method_not_allowed" ? 99 : SCOPE_RANK[s]);

  it.each(SAMPLES.map((s) => [`${s.id} ${s.method} ${s.target}`, s] as const))("%s", (_, sample) => {
    const [path, search] = sample.target.split("?");
    const plain = classify(sample.id, sample.method, sample.target, sample.body, sample.contentType);
    fc.assert(
      fc.property(variantOf(path), fc.constantFrom(sample.method, sample.method.toLowerCase()), (variant, method) => {
        const target = search === undefined ? variant : `${variant}?${search}`;
        const got = classify(sample.id, method, target, sample.body, sample.contentType);
        return rank(got) >= rank(plain);
      }),
      { numRuns: 150 },
    );
  });

  it("over every provider with random paths and bodies, classification never throws and never beats the path's own plain form", () => {
    const ids = listProviders().map((p) => p.id);
    fc.assert(
      fc.property(
        fc.constantFrom(...ids),
        fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"),
        fc.array(
          fc.constantFrom(
            "1",
            "cards",
            "graphql",
            "v1",
            "gmail",
            "users",
            "me",
            "trash",
            "drive",
            "v3",
            "files",
            "chat.delete",
            "search",
            "void",
            "x",
          ),
          {
            maxLength: 6,
          },
        ),
        fc.option(
          fc.constantFrom(
            '{"closed":true}',
            '{"trashed":true}',
            '{"archived":true}',
            '{"query":"mutation{a}"}',
            "garbage",
            "closed=true",
          ),
        ),
        (id, method, segments, body) => {
          const plainPath = "/" + segments.join("/");
          const plain = classify(id, method, plainPath, body ?? undefined, "application/json");
          const shouted = classify(
            id,
            method,
            "/" + segments.map((s) => s.toUpperCase()).join("//") + "/",
            body ?? undefined,
            "application/json",
          );
          const encoded = classify(
            id,
            method,
            "/" + segments.map((s) => [...s].map((c) => hex(c, false)).join("")).join("%2F"),
            body ?? undefined,
            "application/json",
          );
          return rank(shouted) >= rank(plain) && rank(encoded) >= rank(plain);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("never throws on hostile input", () => {
    const ids = listProviders().map((p) => p.id);
    fc.assert(
      fc.property(
        fc.constantFrom(...ids),
        fc.string({ maxLength: 8 }),
        fc.string({ unit: "binary", maxLength: 60 }),
        fc.string({ maxLength: 30 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.constantFrom(undefined, "application/json", FORM, "multipart/related; boundary=x", "text/plain"),
        (id, method, path, search, body, contentType) => {
          const p = getProvider(id)!;
          const base = { method, path: "/" + path, query: new URLSearchParams(search), contentType };
          const result = classifyRequest(p, needsBody(p, base) ? { ...base, body } : base);
          return result === "method_not_allowed" || result in SCOPE_RANK;
        },
      ),
      { numRuns: 2000 },
    );
  });
});
