import { expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import { databaseHealthy } from "@/lib/health";

it("reports a working database as healthy and a closed one as not", async () => {
  const handle = await openDatabase({ driver: "pglite", pgliteDir: "memory://" });
  expect(await databaseHealthy(handle.db)).toBe(true);
  await handle.close();
  expect(await databaseHealthy(handle.db)).toBe(false);
});
