// Run by lib/proxy/hostile-input.test.ts in a child process with --expose-gc, so that the
// memory it reports is what the proxy keeps, not garbage waiting for a collection: sends
// unknown-provider requests (random ids of `size` characters) to the proxy built the way
// the app builds it and prints the growth of the resident set, in bytes, as JSON.
// Unknown ids are refused before the token or the database is looked at, so no database.
import { randomBytes } from "node:crypto";
import { generateMasterKey } from "@/lib/crypto/envelope";
import { loadEnv } from "@/lib/env";
import { createProxy } from "@/lib/serve/deps";
import type { Database } from "@/db/client";

const [count, size] = process.argv.slice(2).map(Number);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

const env = loadEnv({
  NODE_ENV: "test",
  OKORO_URL: "http://okoro.test",
  OKORO_MASTER_KEYS: generateMasterKey("t"),
  AUTH_SECRET: "test-auth-secret-test-auth-secret-0123",
});
const proxy = createProxy({ db: {} as Database, env });
const randomId = () =>
  randomBytes(Math.ceil(size / 2))
    .toString("hex")
    .slice(0, size);
const send = async () => {
  const res = await proxy(new Request(`http://okoro.test/p/${randomId()}/x`), { ip: "127.0.0.1" });
  if (res.status !== 404) throw new Error(`expected 404, got ${res.status}`);
  await res.arrayBuffer();
};

const settle = () => {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().rss;
};
for (let i = 0; i < 200; i++) await send();
const before = settle();
for (let i = 0; i < count; i++) await send();
const after = settle();
process.stdout.write(JSON.stringify({ growth: after - before }));
