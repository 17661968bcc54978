import { describe, expect, it } from "vitest";
import { ConfigError, driverFor, loadEnv, oauthAppVariables } from "@/lib/env";
import { generateMasterKey } from "@/lib/crypto/envelope";

const base = { OKORO_MASTER_KEYS: generateMasterKey("t"), AUTH_SECRET: "x".repeat(40) };

describe("configuration", () => {
  it("refuses to start in production naming every missing variable", () => {
    try {
      loadEnv({ NODE_ENV: "production" }, "/tmp");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const message = (e as Error).message;
      for (const name of ["DATABASE_URL", "OKORO_URL", "OKORO_MASTER_KEYS", "AUTH_SECRET"])
        expect(message).toContain(name);
    }
  });

  it("wants https in production, except for localhost", () => {
    const prod = { ...base, NODE_ENV: "production", DATABASE_URL: "postgres://x@db/okoro" };
    expect(() => loadEnv({ ...prod, OKORO_URL: "http://okoro.example.com" }, "/tmp")).toThrow(/https/);
    expect(loadEnv({ ...prod, OKORO_URL: "http://localhost:3100" }, "/tmp").origin).toBe("http://localhost:3100");
  });

  it("refuses OKORO_BENCH=1 in a deployment: only with OKORO_URL on loopback, and never on Vercel", () => {
    const prod = { ...base, NODE_ENV: "production", DATABASE_URL: "postgres://x@db/okoro", OKORO_BENCH: "1" };
    for (const refused of [
      { OKORO_URL: "https://okoro.example.com" },
      { OKORO_URL: "http://10.0.0.5:3000" },
      { OKORO_URL: "http://localhost.evil.example" },
      { OKORO_URL: "http://127.0.0.1:3000", VERCEL: "1" },
    ]) {
      expect(() => loadEnv({ ...prod, ...refused }, "/tmp"), JSON.stringify(refused)).toThrow(
        /OKORO_BENCH=1 is for benchmark runs on this machine only/,
      );
    }
    // in development too: the variable is a benchmark's, whatever NODE_ENV says
    expect(() => loadEnv({ ...base, OKORO_BENCH: "1", OKORO_URL: "https://okoro.example.com" }, "/tmp")).toThrow(
      /OKORO_BENCH/,
    );
    // what the benchmark itself does (bench/run.ts): `npm start` on 127.0.0.1
    for (const OKORO_URL of ["http://127.0.0.1:41234", "http://localhost:3000", "http://[::1]:3000"]) {
      expect(loadEnv({ ...prod, OKORO_URL }, "/tmp").bench).toBe(true);
    }
    // unset or not "1": no benchmark routes, and nothing to refuse
    expect(loadEnv({ ...prod, OKORO_URL: "https://okoro.example.com", OKORO_BENCH: "0" }, "/tmp").bench).toBe(false);
  });

  it("chooses the driver from DATABASE_URL", () => {
    expect(driverFor(undefined)).toBe("pglite");
    expect(driverFor("pglite:/tmp/x")).toBe("pglite");
    expect(driverFor("postgres://u@127.0.0.1/db")).toBe("pg");
    expect(driverFor("postgres://u:p@ep-cool-1.us-east-2.aws.neon.tech/db")).toBe("neon");
  });

  it("lets one Google OAuth app serve Gmail and Drive", () => {
    const env = loadEnv(
      {
        ...base,
        OKORO_GOOGLE_CLIENT_ID: "gid",
        OKORO_GOOGLE_CLIENT_SECRET: "gsecret",
        OKORO_GOOGLE_DRIVE_CLIENT_ID: "did",
        OKORO_GOOGLE_DRIVE_CLIENT_SECRET: "dsecret",
      },
      "/tmp",
    );
    expect(env.oauthApp("gmail")).toEqual({ clientId: "gid", clientSecret: "gsecret" });
    expect(env.oauthApp("google-drive")).toEqual({ clientId: "did", clientSecret: "dsecret" });
    expect(env.oauthApp("github")).toBeUndefined();
    expect(oauthAppVariables("gmail")).toEqual(["OKORO_GOOGLE_CLIENT_ID", "OKORO_GOOGLE_CLIENT_SECRET"]);
  });

  it("takes the sign-in limit per address from OKORO_SIGNINS_PER_10_MIN (20 by default)", () => {
    expect(loadEnv(base, "/tmp").signinsPer10Minutes).toBe(20);
    expect(loadEnv({ ...base, OKORO_SIGNINS_PER_10_MIN: "500" }, "/tmp").signinsPer10Minutes).toBe(500);
    expect(() => loadEnv({ ...base, OKORO_SIGNINS_PER_10_MIN: "0" }, "/tmp")).toThrow(/OKORO_SIGNINS_PER_10_MIN/);
  });

  it("takes the sign-up limit per address from OKORO_SIGNUPS_PER_HOUR (10 by default)", () => {
    expect(loadEnv(base, "/tmp").signupsPerHour).toBe(10);
    expect(loadEnv({ ...base, OKORO_SIGNUPS_PER_HOUR: "200" }, "/tmp").signupsPerHour).toBe(200);
    expect(() => loadEnv({ ...base, OKORO_SIGNUPS_PER_HOUR: "0" }, "/tmp")).toThrow(
      /OKORO_SIGNUPS_PER_HOUR must be a positive whole number/,
    );
  });
});
