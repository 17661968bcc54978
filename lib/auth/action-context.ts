// What every mutating dashboard action starts with: the signed-in user (anyone else is sent
// to /sign-in), the origin check against OKORO_URL (CSRF), and who is asking, for the
// audit log. Null means the request did not come from okoro's own pages; each action
// answers that in its own form's terms.
import "server-only";
import { headers } from "next/headers";
import type { User } from "@/db/schema";
import { isSameOrigin, requireUser } from "@/lib/auth/session";
import { clientIp } from "@/lib/http/client-ip";

export type ActionContext = { user: User; ip: string | null; userAgent: string | null };

export async function dashboardAction(): Promise<ActionContext | null> {
  const user = await requireUser();
  if (!(await isSameOrigin())) return null;
  const h = await headers();
  return { user, ip: clientIp(h), userAgent: h.get("user-agent") };
}
