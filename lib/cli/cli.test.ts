// The real `okoro` binary end to end, as a child process: against a fresh embedded (PGlite)
// directory, and against a fresh PostgreSQL database when TEST_DATABASE_URL is set.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DbHandle } from "@/db/client";
import { getConnectionCredential } from "@/lib/connect/connections";
import { parseMasterKeys } from "@/lib/crypto/envelope";
import { freshPostgresDatabase, masterKey, runOkoro } from "@/lib/cli/testing";
import { TEST_DATABASE_URL } from "@/test/databases";

type Backend = {
  name: "pglite" | "pg";
  setup: () => Promise<{ env: Record<string, string>; open: () => Promise<DbHandle>; cleanup: () => Promise<void> }>;
};

const BACKENDS: Backend[] = [
  {
    name: "pglite",
    setup: async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "okoro-cli-"));
      const pgliteDir = path.join(dir, "pglite");
      return {
        env: { DATABASE_URL: `pglite:${pgliteDir}`, OKORO_DATA_DIR: path.join(dir, "data") },
        open: () => openDatabase({ driver: "pglite", pgliteDir }),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
];
if (TEST_DATABASE_URL) {
  BACKENDS.push({
    name: "pg",
    setup: async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "okoro-cli-"));
      const server = await freshPostgresDatabase(TEST_DATABASE_URL!);
      return {
        env: { DATABASE_URL: server.url, OKORO_DATA_DIR: path.join(dir, "data") },
        open: () => openDatabase({ driver: "pg", url: server.url, max: 1 }),
        cleanup: async () => {
          await server.drop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  });
}

const token = (prefix: string) => `${prefix}${randomBytes(18).toString("base64url")}`;

describe.each(BACKENDS)("okoro CLI [$name]", (backend) => {
  const OLD = masterKey("old");
  const NEW = masterKey("new");
  const STRAY = masterKey("stray");
  const PASSWORD = `correct horse ${randomBytes(6).toString("hex")}`;
  const OPENAI_KEY = token("sk-proj-");
  const STRIPE_KEY = token("rk_test_");
  const ANTHROPIC_KEY = token("sk-ant-");
  const TRELLO_TOKEN = token("ATTA");
  const TRELLO_SECRET = randomBytes(32).toString("hex");
  const SECRETS = [PASSWORD, OPENAI_KEY, STRIPE_KEY, ANTHROPIC_KEY, TRELLO_TOKEN, TRELLO_SECRET];

  let env: Record<string, string>;
  let open: () => Promise<DbHandle>;
  let cleanup: (() => Promise<void>) | undefined;
  const outputs: string[] = [];
  const ids: Record<string, string> = {};

  async function okoro(args: string[], options: { input?: string; keys?: string } = {}) {
    const result = await runOkoro(args, {
      env: { ...env, OKORO_MASTER_KEYS: options.keys ?? OLD, AUTH_SECRET: "a".repeat(43) },
      input: options.input,
    });
    outputs.push(result.stdout, result.stderr);
    return result;
  }

  const json = <T>(stdout: string) => JSON.parse(stdout) as T;

  beforeAll(async () => {
    ({ env, open, cleanup } = await backend.setup());
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it("migrate applies the migrations, then has nothing to do", async () => {
    const first = await okoro(["migrate", "--json"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(json<{ driver: string; applied: number; total: number }>(first.stdout)).toMatchObject({
      driver: backend.name === "pg" ? "pg" : "pglite",
    });
    if (backend.name === "pg") expect(json<{ applied: number }>(first.stdout).applied).toBeGreaterThan(0);
    const again = await okoro(["migrate"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/up to date/);
  });

  it("user create reads the password from stdin and prints the user", async () => {
    const r = await okoro(["user", "create", "--email", "Alice@Example.com", "--name", "Alice", "--json"], {
      input: `${PASSWORD}\n`,
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const user = json<Record<string, unknown>>(r.stdout);
    expect(user).toMatchObject({ email: "alice@example.com", name: "Alice", status: "active" });
    expect(user.id).toMatch(/^usr_/);
    expect(Object.keys(user).sort()).toEqual(["created_at", "email", "id", "name", "status"]);

    const text = await okoro(["user", "create", "--email", "bob@example.com"], { input: PASSWORD });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Created user bob@example\.com \(usr_\w+\)\.\n$/);

    const handle = await open();
    try {
      const { users } = await import("@/db/schema");
      const rows = await handle.db.select().from(users);
      const alice = rows.find((u) => u.email === "alice@example.com")!;
      expect(alice.passwordHash).toMatch(/^\$argon2id\$/);
      const { verifyPassword } = await import("@/lib/auth/password");
      expect(await verifyPassword(alice.passwordHash!, PASSWORD)).toBe(true);
    } finally {
      await handle.close();
    }
  });

  it("refuses a duplicate user with a clear message", async () => {
    const r = await okoro(["user", "create", "--email", "ALICE@example.com"], { input: `${PASSWORD}\n` });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("okoro: a user with e-mail alice@example.com already exists\n");
  });

  it("refuses a short, missing or multi-line password", async () => {
    const short = await okoro(["user", "create", "--email", "carol@example.com"], { input: "short\n" });
    expect(short.code).toBe(1);
    expect(short.stderr).toBe("okoro: the password must be at least 10 characters\n");
    const none = await okoro(["user", "create", "--email", "carol@example.com"], { input: "" });
    expect(none.code).toBe(1);
    expect(none.stderr).toBe("okoro: no password on stdin\n");
    const lines = await okoro(["user", "create", "--email", "carol@example.com"], {
      input: `${PASSWORD}\nsecond line\n`,
    });
    expect(lines.code).toBe(1);
    expect(lines.stderr).toBe("okoro: the password on stdin must be a single line\n");
  });

  it("connection set stores a valid credential and prints the connection", async () => {
    const r = await okoro(["connection", "set", "--user", "alice@example.com", "--provider", "openai", "--json"], {
      input: JSON.stringify({ api_key: OPENAI_KEY }),
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const c = json<Record<string, unknown>>(r.stdout);
    expect(c).toMatchObject({
      provider: "openai",
      method: "paste",
      status: "active",
      hint: `…${OPENAI_KEY.slice(-4)}`,
    });
    expect(c.id).toMatch(/^con_/);
    expect(c).not.toHaveProperty("credential");
    ids.openai = c.id as string;

    const trello = await okoro(["connection", "set", "--user", "alice@example.com", "--provider", "trello"], {
      input: `{"token":"${TRELLO_TOKEN}","token_secret":"${TRELLO_SECRET}"}\n`,
    });
    expect(trello.code).toBe(0);
    expect(trello.stdout).toBe(`Connected Trello for alice@example.com (…${TRELLO_TOKEN.slice(-4)}).\n`);
  });

  it("connection set refuses invalid JSON without echoing it", async () => {
    const r = await okoro(["connection", "set", "--user", "alice@example.com", "--provider", "openai"], {
      input: `{"api_key": "${OPENAI_KEY}"`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("okoro: the credential on stdin is not valid JSON\n");
    const array = await okoro(["connection", "set", "--user", "alice@example.com", "--provider", "openai"], {
      input: `["${OPENAI_KEY}"]`,
    });
    expect(array.code).toBe(1);
    expect(array.stderr).toBe("okoro: the credential on stdin must be a JSON object\n");
  });

  it("connection set refuses a credential of the wrong shape", async () => {
    const r = await okoro(["connection", "set", "--user", "alice@example.com", "--provider", "openai"], {
      input: JSON.stringify({ token: OPENAI_KEY }),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^okoro: the credential does not fit openai \(expected \{"api_key":"sk-…"\}\): .+\n$/);
    const spaced = await okoro(["connection", "set", "--user", "alice@example.com", "--provider", "openai"], {
      input: JSON.stringify({ api_key: `${OPENAI_KEY} x` }),
    });
    expect(spaced.code).toBe(1);
    expect(spaced.stderr).toContain("api_key: must be printable ASCII");
    const trello = await okoro(["connection", "set", "--user", "alice@example.com", "--provider", "trello"], {
      input: JSON.stringify({ token: TRELLO_TOKEN }),
    });
    expect(trello.code).toBe(1);
    expect(trello.stderr).toContain("does not fit trello");
  });

  it("connection set names the known providers for an unknown one", async () => {
    const r = await okoro(["connection", "set", "--user", "alice@example.com", "--provider", "myspace"], {
      input: JSON.stringify({ api_key: OPENAI_KEY }),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^okoro: unknown provider "myspace" — known providers: trello, github, .*openai.*\n$/);
  });

  it("connection commands refuse an unknown user", async () => {
    const r = await okoro(["connection", "set", "--user", "nobody@example.com", "--provider", "openai"], {
      input: JSON.stringify({ api_key: OPENAI_KEY }),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("okoro: no user with e-mail nobody@example.com\n");
  });

  it("connection list prints the connections without secrets", async () => {
    const r = await okoro(["connection", "list", "--user", "alice@example.com", "--json"]);
    expect(r.code).toBe(0);
    const list = json<Record<string, unknown>[]>(r.stdout);
    expect(list.map((c) => c.provider)).toEqual(["openai", "trello"]);
    for (const c of list) {
      expect(c).toMatchObject({ user_id: expect.stringMatching(/^usr_/), status: "active", method: "paste" });
      expect(c.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(c).not.toHaveProperty("credential");
    }
    const text = await okoro(["connection", "list", "--user", "alice@example.com"]);
    expect(text.stdout.split("\n")[0]).toMatch(/^PROVIDER\s+METHOD\s+STATUS\s+HINT/);
    expect(text.stdout).toContain(`…${OPENAI_KEY.slice(-4)}`);
    const empty = await okoro(["connection", "list", "--user", "bob@example.com", "--json"]);
    expect(json(empty.stdout)).toEqual([]);
  });

  it("keys rotate adds a signing key", async () => {
    const first = await okoro(["keys", "rotate", "--json"]);
    expect(first.code).toBe(0);
    expect(json<{ kid: string }>(first.stdout).kid).toMatch(/^key_/);
    const second = await okoro(["keys", "rotate"]);
    expect(second.stdout).toMatch(/^New signing key key_\w+ is current\./);
  });

  it("keys rewrap re-wraps everything with a new master key put in front", async () => {
    const r = await okoro(["keys", "rewrap", "--json"], { keys: `${NEW},${OLD}` });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = json<{
      master_key: string;
      rewrapped: number;
      current: number;
      failed: unknown[];
      tables: { table: string; column: string; rewrapped: number }[];
    }>(r.stdout);
    expect(report).toMatchObject({ master_key: "new", rewrapped: 4, current: 0, failed: [] });
    expect(report.tables).toEqual([
      { table: "connections", column: "credential", rewrapped: 2, current: 0, failed: 0 },
      { table: "signing_keys", column: "private_key", rewrapped: 2, current: 0, failed: 0 },
      { table: "oauth_states", column: "secret", rewrapped: 0, current: 0, failed: 0 },
      { table: "notification_channels", column: "url", rewrapped: 0, current: 0, failed: 0 },
      { table: "user_totp", column: "secret", rewrapped: 0, current: 0, failed: 0 },
      { table: "held_requests", column: "request", rewrapped: 0, current: 0, failed: 0 },
      { table: "held_requests", column: "response", rewrapped: 0, current: 0, failed: 0 },
    ]);

    const again = await okoro(["keys", "rewrap"], { keys: `${NEW},${OLD}` });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 re-wrapped with master key "new", 4 already current.');

    // the old key can go now
    const handle = await open();
    try {
      const user = (await handle.db.query.users.findFirst({ where: (u, { eq }) => eq(u.email, "alice@example.com") }))!;
      const credential = await getConnectionCredential({
        db: handle.db,
        userId: user.id,
        provider: "openai",
        masterKeys: parseMasterKeys(NEW),
      });
      expect(credential).toEqual({ api_key: OPENAI_KEY });
    } finally {
      await handle.close();
    }
    const rotated = await okoro(["keys", "rotate"], { keys: NEW });
    expect(rotated.code).toBe(0);
  });

  it("keys rewrap reports a row it cannot unwrap and still does the others", async () => {
    const stray = await okoro(["connection", "set", "--user", "bob@example.com", "--provider", "anthropic", "--json"], {
      input: JSON.stringify({ api_key: ANTHROPIC_KEY }),
      keys: STRAY,
    });
    expect(stray.code).toBe(0);
    const strayId = json<{ id: string }>(stray.stdout).id;
    const old = await okoro(["connection", "set", "--user", "bob@example.com", "--provider", "stripe"], {
      input: JSON.stringify({ api_key: STRIPE_KEY }),
      keys: OLD,
    });
    expect(old.code).toBe(0);

    const r = await okoro(["keys", "rewrap", "--json"], { keys: `${NEW},${OLD}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`okoro: connections.credential ${strayId}: cannot unwrap (unknown master key id "stray")\n`);
    const report = json<{ rewrapped: number; failed: { table: string; id: string }[] }>(r.stdout);
    expect(report.rewrapped).toBe(1);
    expect(report.failed).toEqual([
      { table: "connections", column: "credential", id: strayId, error: 'unknown master key id "stray"' },
    ]);

    const text = await okoro(["keys", "rewrap"], { keys: `${NEW},${OLD}` });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("1 failed.");
  });

  it("connection delete removes the connection, and says when there is none", async () => {
    const r = await okoro(["connection", "delete", "--user", "alice@example.com", "--provider", "openai", "--json"]);
    expect(r.code).toBe(0);
    expect(json(r.stdout)).toMatchObject({ deleted: true, provider: "openai" });
    const list = await okoro(["connection", "list", "--user", "alice@example.com", "--json"], { keys: NEW });
    expect(json<{ provider: string }[]>(list.stdout).map((c) => c.provider)).toEqual(["trello"]);
    const again = await okoro(["connection", "delete", "--user", "alice@example.com", "--provider", "openai"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe("okoro: alice@example.com has no openai connection\n");
  });

  it("never prints a secret it read from stdin", () => {
    expect(outputs.length).toBeGreaterThan(40);
    for (const output of outputs) {
      for (const secret of SECRETS) expect(output).not.toContain(secret);
      expect(output).not.toMatch(/\n\s+at /); // no stack traces
    }
  });
});
