"use server";
// Notification channels from the settings page: set or replace a URL, remove it, send a test.
import { revalidatePath } from "next/cache";
import { dashboardAction } from "@/lib/auth/action-context";
import { OkoroError } from "@/lib/errors";
import { CHANNEL_KINDS, type ChannelKind, removeChannel } from "@/lib/notify/channels";
import { saveChannel, sendTestNotification } from "@/lib/notify/settings";
import { getDb } from "@/lib/serve/database";

export type ChannelFormState = { error?: string; saved?: boolean; attempt: number };
export type ChannelActionResult = { error?: string; message?: string };

const CROSS_SITE = "This form must be sent from okoro's own page. Reload and try again.";

function kindOf(value: unknown): ChannelKind | null {
  return typeof value === "string" && (CHANNEL_KINDS as readonly string[]).includes(value)
    ? (value as ChannelKind)
    : null;
}

export async function saveChannelAction(prev: ChannelFormState, form: FormData): Promise<ChannelFormState> {
  const attempt = prev.attempt + 1;
  const ctx = await dashboardAction();
  if (!ctx) return { error: CROSS_SITE, attempt };
  const kind = kindOf(form.get("kind"));
  const url = form.get("url");
  if (!kind || typeof url !== "string") return { error: "Enter a URL.", attempt };
  try {
    await saveChannel(await getDb(), ctx.user.id, kind, url);
  } catch (e) {
    if (e instanceof OkoroError) return { error: e.message, attempt };
    throw e;
  }
  revalidatePath("/dashboard/settings");
  return { saved: true, attempt };
}

export async function removeChannelAction(kind: string): Promise<ChannelActionResult> {
  const ctx = await dashboardAction();
  if (!ctx) return { error: CROSS_SITE };
  const k = kindOf(kind);
  if (!k) return { error: "Unknown channel." };
  await removeChannel(await getDb(), ctx.user.id, k);
  revalidatePath("/dashboard/settings");
  return {};
}

export async function testChannelAction(kind: string): Promise<ChannelActionResult> {
  const ctx = await dashboardAction();
  if (!ctx) return { error: CROSS_SITE };
  const k = kindOf(kind);
  if (!k) return { error: "Unknown channel." };
  const recorded = await sendTestNotification(await getDb(), ctx.user.id, k);
  revalidatePath("/dashboard/settings");
  return recorded ? { message: "Test sent — see its delivery below." } : { error: "Set this channel first." };
}
