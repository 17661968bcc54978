// A person's notification channels (docs/dashboard.md#notifications): a Slack incoming
// webhook and/or the signed webhook, one of each. The URL is a secret — Slack's carries
// its own credential in the path — so it is sealed like a connection's credential and
// shown back only as a hint (host and a masked path). What a URL may be is checked when it
// is set, and again, with the address it resolves to, at every delivery
// (lib/notify/deliver.ts): okoro never posts to its own network on someone's say-so
// unless OKORO_NOTIFY_PRIVATE_NETWORK allows it (docs/configuration.md#notifications).
import "server-only";
import { isIP } from "node:net";
import type { Database } from "@/db/client";
import {
  deleteNotificationChannel,
  listNotificationChannels,
  setNotificationChannelEnabled,
  upsertNotificationChannel,
  type ChannelKind,
} from "@/db/queries/notifications";
import { open, rowAad, seal, type Envelope, type MasterKeys } from "@/lib/crypto/envelope";
import { OkoroError } from "@/lib/errors";
import { isPublicAddress } from "@/lib/http/public-fetch";
import { webhookSecret } from "@/lib/approvals/webhook";
import { newId } from "@/lib/ids";

export type { ChannelKind };
export const CHANNEL_KINDS = ["slack", "webhook"] as const satisfies readonly ChannelKind[];
export const MAX_CHANNEL_URL_LENGTH = 2048;
const TABLE = "notification_channels";

/** Slack's incoming-webhook host; workflow and trigger webhooks live there too. */
export const SLACK_HOST = "hooks.slack.com";
const SLACK_PATH = /^\/(services|workflows|triggers)\/[A-Za-z0-9/_-]+$/;

export type ChannelRules = {
  /** OKORO_NOTIFY_PRIVATE_NETWORK: loopback and private hosts, and http, are allowed */
  privateNetwork: boolean;
};

/** A host that names this machine or a private network by its very spelling. */
function isPrivateHostName(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  return isIP(host) !== 0 && !isPublicAddress(host);
}

/**
 * The URL as okoro will post to it, or an OkoroError (`invalid_request`) saying what is
 * wrong. A Slack channel must be https://hooks.slack.com/services/…; a webhook any https
 * URL. With the private-network setting on (development, tests), http and private hosts
 * pass too — for Slack only a private host, so a test can stand in for Slack locally.
 */
export function checkChannelUrl(kind: ChannelKind, value: string, rules: ChannelRules): URL {
  const bad = (why: string) => new OkoroError("invalid_request", why);
  const text = value.trim();
  if (!text) throw bad("Enter a URL.");
  if (text.length > MAX_CHANNEL_URL_LENGTH) throw bad(`The URL is longer than ${MAX_CHANNEL_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad("That is not a URL.");
  }
  if (url.username || url.password) throw bad("The URL must not carry a user name or password.");
  const local = rules.privateNetwork && isPrivateHostName(url.hostname);
  if (url.protocol !== "https:" && !(rules.privateNetwork && url.protocol === "http:"))
    throw bad("The URL must start with https://.");
  if (kind === "slack" && !local) {
    if (url.protocol !== "https:" || url.hostname !== SLACK_HOST || url.port !== "")
      throw bad(`A Slack incoming webhook starts with https://${SLACK_HOST}/services/.`);
    if (!SLACK_PATH.test(url.pathname) || url.search || url.hash)
      throw bad(`A Slack incoming webhook looks like https://${SLACK_HOST}/services/T…/B…/….`);
  }
  if (kind === "webhook" && !rules.privateNetwork && isPrivateHostName(url.hostname))
    throw bad("The webhook must be on a public address, not on this machine or a private network.");
  url.hash = "";
  return url;
}

/** What the settings page shows: the host and the path's first characters, the rest masked. */
export function channelUrlHint(url: URL): string {
  const path = url.pathname === "/" ? "" : url.pathname;
  const shown = path.slice(0, Math.min(10, Math.floor(path.length / 3)));
  return `${url.protocol}//${url.host}${path ? `${shown}••••` : ""}${url.search ? "?••••" : ""}`;
}

/** Binds the sealed URL to its user and kind: copied to another row, it does not open. */
function channelAad(userId: string, kind: ChannelKind): string {
  return rowAad(TABLE, `${userId}/${kind}`, userId, kind);
}

export function openChannelUrl(channel: { userId: string; kind: ChannelKind; url: Envelope }, keys: MasterKeys) {
  return open(channel.url, channelAad(channel.userId, channel.kind), keys).toString("utf8");
}

export type ChannelView = { kind: ChannelKind; urlHint: string; enabled: boolean; updatedAt: Date };

export async function listChannels(db: Database, userId: string): Promise<ChannelView[]> {
  return (await listNotificationChannels(db, userId)).map((c) => ({
    kind: c.kind,
    urlHint: c.urlHint,
    enabled: c.enabled,
    updatedAt: c.updatedAt,
  }));
}

/** Sets (or replaces) the user's channel of this kind; checks the URL first. */
export async function setChannel(
  db: Database,
  options: { userId: string; kind: ChannelKind; url: string; masterKeys: MasterKeys; rules: ChannelRules },
): Promise<ChannelView> {
  if (!CHANNEL_KINDS.includes(options.kind)) throw new OkoroError("invalid_request", "Unknown channel kind.");
  const url = checkChannelUrl(options.kind, options.url, options.rules);
  const saved = await upsertNotificationChannel(db, {
    id: newId("ntc"),
    userId: options.userId,
    kind: options.kind,
    url: seal(url.href, channelAad(options.userId, options.kind), options.masterKeys),
    urlHint: channelUrlHint(url),
  });
  return { kind: saved.kind, urlHint: saved.urlHint, enabled: saved.enabled, updatedAt: saved.updatedAt };
}

/** Removes the user's channel of this kind, and its delivery history. */
export async function removeChannel(db: Database, userId: string, kind: ChannelKind): Promise<boolean> {
  if (!CHANNEL_KINDS.includes(kind)) return false;
  return (await deleteNotificationChannel(db, userId, kind)) > 0;
}

export async function setChannelEnabled(
  db: Database,
  userId: string,
  kind: ChannelKind,
  enabled: boolean,
): Promise<boolean> {
  if (!CHANNEL_KINDS.includes(kind)) return false;
  return (await setNotificationChannelEnabled(db, userId, kind, enabled)) > 0;
}

/** The signed webhook's secret, as receivers verify it (lib/approvals/webhook.ts). */
export function signingSecretFor(authSecret: string, userId: string): string {
  return webhookSecret(authSecret, userId);
}
