// How approvals read to a person.
import { describe, expect, it } from "vitest";
import { approvalSentence, effectiveStatus, formatDuration, scopeAction } from "@/lib/approvals/describe";

describe("approval sentences", () => {
  it("reads like the dashboard's example", () => {
    expect(
      approvalSentence({
        agent: "research-agent",
        provider: "trello",
        scope: "delete",
        intent: "clean up archived cards",
      }),
    ).toBe("research-agent wants to delete on Trello: “clean up archived cards”");
    expect(approvalSentence({ agent: "a", provider: "google-drive", scope: "all", intent: "x" })).toBe(
      "a wants to do anything on Google Drive: “x”",
    );
    expect(approvalSentence({ agent: "a", provider: "unknown-thing", scope: "read", intent: "x" })).toBe(
      "a wants to read on unknown-thing: “x”",
    );
    expect(scopeAction("write")).toBe("write");
  });

  it("formats durations and the status a reader sees", () => {
    expect([5, 60, 90, 300, 3600, 5400].map(formatDuration)).toEqual([
      "5 s",
      "1 min",
      "1 min 30 s",
      "5 min",
      "1 h",
      "1 h 30 min",
    ]);
    expect(effectiveStatus({ status: "pending", lapsed: true })).toBe("expired");
    expect(effectiveStatus({ status: "approved", lapsed: false })).toBe("approved");
  });
});
