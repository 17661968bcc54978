// GET /bench/stats (OKORO_BENCH=1 only; 404 otherwise): what `npm run bench` reads from the
// app between scenarios — the database round trips this process has made (db/client.ts
// counts them under the flag) and the pid of the process that really serves requests,
// whose memory the upload scenario samples (`npm start` may sit in front of it).
import { getEnv } from "@/lib/env";
import { errorResponse, OkoroError } from "@/lib/errors";
import { roundTrips } from "@/lib/bench/round-trips";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(): Response {
  if (!getEnv().bench) return errorResponse(new OkoroError("not_found"));
  return Response.json({ dbRoundTrips: roundTrips(), pid: process.pid }, { headers: { "cache-control": "no-store" } });
}
