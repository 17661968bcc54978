// Test helper: a complete Env built from a few variables, without touching process.env or
// writing development secrets to disk.
import { tmpdir } from "node:os";
import { generateMasterKey } from "@/lib/crypto/envelope";
import { loadEnv, type Env } from "@/lib/env";

export function testEnv(vars: Record<string, string> = {}): Env {
  return loadEnv(
    {
      AUTH_SECRET: "a-test-secret-that-is-long-enough-0123456789",
      OKORO_MASTER_KEYS: generateMasterKey("test"),
      ...vars,
    },
    tmpdir(),
  );
}
