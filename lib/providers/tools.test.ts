// Every curated MCP tool against the catalog: built from sample arguments, its request has
// the method and path the tool names (the provider's documented endpoint), stays under the
// provider's base URL, and the classifier gives it exactly the scope its annotations claim.
import { describe, expect, it } from "vitest";
import { buildCuratedRequest, checkCuratedArgs, curatedInputSchema } from "@/lib/mcp/tool-request";
import { resolveTool } from "@/lib/mcp/tools";
import { getProvider, PROVIDER_IDS } from "@/lib/providers/catalog";
import { classifyRequest } from "@/lib/providers/classify";
import { CURATED_TOOLS, toolPrefix, type CuratedTool, type ToolParam } from "@/lib/providers/tools";
import { buildUpstreamUrl, parseBaseUrl } from "@/lib/proxy/upstream-url";

function sample(name: string, param: ToolParam): unknown {
  switch (param.type) {
    case "string":
      return param.enum ? param.enum[0] : param.in === "path" ? `${name}-123` : `a ${name}`;
    case "integer":
      return 7;
    case "number":
      return 0.5;
    case "boolean":
      return true;
    case "object":
      return { key: "value" };
    case "array":
      return param.items === "object" ? [{ role: "user", content: "hi" }] : ["one"];
  }
}

const allArgs = (tool: CuratedTool) =>
  Object.fromEntries(Object.entries(tool.params).map(([name, param]) => [name, sample(name, param)]));
const requiredArgs = (tool: CuratedTool) =>
  Object.fromEntries(
    Object.entries(tool.params)
      .filter(([, p]) => p.required)
      .map(([name, param]) => [name, sample(name, param)]),
  );

describe("curated MCP tools", () => {
  it("has at least five per provider and 45 in all, reads and writes, with unique names", () => {
    expect(CURATED_TOOLS.length).toBeGreaterThanOrEqual(45);
    expect(new Set(CURATED_TOOLS.map((t) => t.name)).size).toBe(CURATED_TOOLS.length);
    for (const id of PROVIDER_IDS) {
      const tools = CURATED_TOOLS.filter((t) => t.provider === id);
      expect(tools.length, id).toBeGreaterThanOrEqual(5);
      expect(
        tools.some((t) => t.scope === "read"),
        `${id} reads`,
      ).toBe(true);
      expect(tools.some((t) => t.scope !== "read") || ["openai", "anthropic"].includes(id), `${id} writes`).toBe(true);
    }
  });

  it.each(CURATED_TOOLS.map((t) => [t.name, t] as const))(
    "%s: named, documented and described by a JSON Schema",
    (name, tool) => {
      expect(name).toMatch(new RegExp(`^${toolPrefix(tool.provider)}_[a-z]+(_[a-z]+)*$`));
      expect(name).not.toBe(`${toolPrefix(tool.provider)}_request`);
      expect(resolveTool(name)).toMatchObject({ kind: "curated", tool });
      expect(tool.docs).toMatch(/^https:\/\//);
      const placeholders = [...tool.path.matchAll(/\{([a-z_]+)\}/gi)].map((m) => m[1]);
      const pathParams = Object.entries(tool.params)
        .filter(([, p]) => p.in === "path")
        .map(([n]) => n);
      expect(placeholders.sort()).toEqual(pathParams.sort());
      for (const n of pathParams) expect(tool.params[n].required, `${n} is required`).toBe(true);
      const schema = curatedInputSchema(tool) as {
        type: string;
        properties: Record<string, { type: unknown }>;
        required?: string[];
      };
      expect(schema.type).toBe("object");
      expect(Object.keys(schema.properties).sort()).toEqual([...Object.keys(tool.params), "intent"].sort());
      expect(schema.required ?? []).not.toContain("intent");
    },
  );

  it.each(CURATED_TOOLS.map((t) => [t.name, t] as const))(
    "%s: builds the documented request, classified as its scope",
    (_name, tool) => {
      const spec = getProvider(tool.provider)!;
      for (const args of [allArgs(tool), requiredArgs(tool)]) {
        checkCuratedArgs(tool, args);
        const request = buildCuratedRequest(tool, args);
        expect(request.method).toBe(tool.method);
        // the path is the template with each {param} filled in, percent-encoded
        const pattern = new RegExp(
          `^${tool.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[a-z_]+\}/gi, "[^/]+")}$`,
        );
        expect(request.path).toMatch(pattern);
        const url = buildUpstreamUrl(parseBaseUrl(spec.baseUrl), request.path, request.search);
        expect(url.origin).toBe(new URL(spec.baseUrl).origin);
        const scope = classifyRequest(spec, {
          method: request.method,
          path: request.path,
          query: new URLSearchParams(request.search),
          contentType: request.contentType,
          body: request.body ?? new Uint8Array(0),
        });
        expect(scope).toBe(tool.scope);
        if (tool.encoding === "form" && request.body)
          expect(request.contentType).toBe("application/x-www-form-urlencoded");
      }
    },
  );

  it("keeps path arguments inside their segment", () => {
    const tool = resolveTool("github_get_repo")!;
    if (tool.kind !== "curated") throw new Error("curated expected");
    expect(buildCuratedRequest(tool.tool, { owner: "a/b", repo: "c?d#e" }).path).toBe("/repos/a%2Fb/c%3Fd%23e");
  });

  it("builds Gmail's raw message without letting a header line be smuggled in", () => {
    const tool = resolveTool("gmail_send_message")!;
    if (tool.kind !== "curated") throw new Error("curated expected");
    const request = buildCuratedRequest(tool.tool, { to: "a@example.com", subject: "Hé", body: "hello" });
    const raw = Buffer.from(JSON.parse(new TextDecoder().decode(request.body)).raw, "base64url").toString();
    expect(raw).toMatch(/^To: a@example.com\r\nSubject: =\?UTF-8\?B\?SMOp\?=\r\n/);
    expect(() =>
      buildCuratedRequest(tool.tool, { to: "a@example.com\r\nBcc: evil@example.com", subject: "x", body: "y" }),
    ).toThrow(/to: must be one line/);
  });
});
