import { describe, expect, it } from "vitest";
import { grantsNeedStepUp } from "@/lib/auth/step-up-rules";

describe("step-up rules", () => {
  it("tokens with delete or all need step-up; read, write and update do not", () => {
    expect(grantsNeedStepUp({ github: ["read", "write", "update"] })).toBe(false);
    expect(grantsNeedStepUp({ github: ["read"], google: ["delete"] })).toBe(true);
    expect(grantsNeedStepUp({ github: ["all"] })).toBe(true);
    expect(grantsNeedStepUp({})).toBe(false);
  });
});
