// GET /dashboard/audit/export?format=csv|jsonl&<the viewer's filters> — the signed-in
// user's audit log as a download, filtered exactly like the viewer's table. A GET that
// only reads the person's own data and hands it to their own browser, so no origin check
// is needed (a cross-site link can start a download but never read it).
import { getDb } from "@/lib/serve/database";
import { viewFilter } from "@/lib/audit/dashboard";
import { auditExportResponse, EXPORT_FORMATS, type ExportFormat } from "@/lib/audit/export";
import { parseAuditView } from "@/lib/audit/view-params";
import { currentUser } from "@/lib/auth/session";
import { OkoroError } from "@/lib/errors";
import { withErrorResponse } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = withErrorResponse("audit export", async (request: Request): Promise<Response> => {
  const url = new URL(request.url);
  const format = url.searchParams.get("format") ?? "csv";
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new OkoroError("invalid_request", "format must be csv or jsonl.");
  const user = await currentUser();
  if (!user) {
    // after signing in, back to the viewer with the same filters
    const rest = new URLSearchParams(url.searchParams);
    rest.delete("format");
    const back = `/dashboard/audit${rest.size > 0 ? `?${rest}` : ""}`;
    return new Response(null, {
      status: 303,
      headers: { location: `/sign-in?next=${encodeURIComponent(back)}`, "cache-control": "no-store" },
    });
  }
  return auditExportResponse(
    await getDb(),
    viewFilter(user.id, parseAuditView(url.searchParams)),
    format as ExportFormat,
  );
});
