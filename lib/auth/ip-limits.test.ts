// Every per-address limit counts an IPv6 client by its /64: one client holds the whole /64
// and could otherwise multiply each limit by 2^64.
import { beforeAll, expect, it } from "vitest";
import { hitIpLimit, IP_LIMITS } from "@/lib/auth/ip-limits";
import { setEnvForTesting } from "@/lib/env";
import { LEAK_REPORTS_PER_IP, reportLeak } from "@/lib/leaks";
import { describeDatabases } from "@/test/databases";
import { testEnv } from "@/test/harness";

describeDatabases("per-address limits by IPv6 /64", (getDb) => {
  beforeAll(() => setEnvForTesting(testEnv("http://127.0.0.1:9")));

  it("sign-in attempts from one /64 share a limit", async () => {
    const { limit } = IP_LIMITS.signin;
    for (let i = 1; i <= limit; i++)
      expect((await hitIpLimit(getDb().db, "signin", `2001:db8:a:b::${i.toString(16)}`)).allowed).toBe(true);
    expect((await hitIpLimit(getDb().db, "signin", "2001:db8:a:b:ffff::1")).allowed).toBe(false);
    expect((await hitIpLimit(getDb().db, "signin", "2001:db8:a:c::1")).allowed).toBe(true);
  });

  it("leak reports from one /64 share a limit", async () => {
    const report = (ip: string) => reportLeak({ db: getDb().db, token: "svc_nothing", ip, userAgent: null });
    for (let i = 1; i <= LEAK_REPORTS_PER_IP; i++) await report(`2001:db8:d:e::${i.toString(16)}`);
    await expect(report("2001:db8:d:e::ffff")).rejects.toMatchObject({ code: "rate_limited" });
    await expect(report("2001:db8:d:f::1")).resolves.toBeUndefined();
  });
});
