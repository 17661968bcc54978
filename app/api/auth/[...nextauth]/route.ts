// next-auth's endpoints (sign-in callbacks, session, CSRF, sign-out): lib/auth/auth.ts.
// Anyone can POST here before signing in, and the library reads the whole body, so the
// body is read first under the cap every JSON and form endpoint has (64 KiB,
// docs/security.md#bounded-work-before-authentication) and handed on as bytes.
import { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/auth";
import { errorResponse } from "@/lib/errors";
import { readBoundedBody } from "@/lib/http/bounded-body";

export const { GET } = handlers;

export async function POST(request: NextRequest): Promise<Response> {
  let body: Uint8Array;
  try {
    body = await readBoundedBody(request);
  } catch (e) {
    return errorResponse(e, { context: "auth" });
  }
  return handlers.POST(
    new NextRequest(request.url, { method: "POST", headers: request.headers, body: body as Uint8Array<ArrayBuffer> }),
  );
}
