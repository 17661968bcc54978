// Every `okoro` command, in the order `okoro --help` lists them. Adding a command is adding
// its file under lib/cli/commands/ (exporting `command = defineCommand({...})`) and one
// entry here. Modules load lazily so `okoro --help` and each command only pay for what
// they use.
import type { CommandSpec } from "@/lib/cli/command";

export type CommandEntry = {
  /** words after `okoro`, e.g. "connection set" */
  name: string;
  /** one line for `okoro --help` */
  summary: string;
  load: () => Promise<{ command: CommandSpec }>;
};

export const COMMANDS: readonly CommandEntry[] = [
  { name: "migrate", summary: "Apply database migrations", load: () => import("@/lib/cli/commands/migrate") },
  {
    name: "user create",
    summary: "Create a user (password read from stdin)",
    load: () => import("@/lib/cli/commands/user-create"),
  },
  {
    name: "connection set",
    summary: "Store a provider credential read from stdin as JSON",
    load: () => import("@/lib/cli/commands/connection-set"),
  },
  {
    name: "connection list",
    summary: "List a user's connections",
    load: () => import("@/lib/cli/commands/connection-list"),
  },
  {
    name: "connection delete",
    summary: "Remove a user's connection to a provider",
    load: () => import("@/lib/cli/commands/connection-delete"),
  },
  {
    name: "token create",
    summary: "Create a service token for an agent (printed once)",
    load: () => import("@/lib/cli/commands/token-create"),
  },
  { name: "token list", summary: "List a user's service tokens", load: () => import("@/lib/cli/commands/token-list") },
  {
    name: "token revoke",
    summary: "Revoke a service token, effective at once",
    load: () => import("@/lib/cli/commands/token-revoke"),
  },
  {
    name: "audit list",
    summary: "List a user's audit events, newest first",
    load: () => import("@/lib/cli/commands/audit-list"),
  },
  {
    name: "audit export",
    summary: "Export a user's audit events as CSV or JSON Lines",
    load: () => import("@/lib/cli/commands/audit-export"),
  },
  {
    name: "audit verify",
    summary: "Verify the audit hash chains",
    load: () => import("@/lib/cli/commands/audit-verify"),
  },
  {
    name: "audit checkpoint",
    summary: "Print the latest signed checkpoint of the audit chain heads",
    load: () => import("@/lib/cli/commands/audit-checkpoint"),
  },
  {
    name: "approval list",
    summary: "List a user's approval requests, pending first",
    load: () => import("@/lib/cli/commands/approval-list"),
  },
  {
    name: "approval approve",
    summary: "Approve a pending request (--remember adds the scope to the grant)",
    load: () => import("@/lib/cli/commands/approval-approve"),
  },
  { name: "approval deny", summary: "Deny a pending request", load: () => import("@/lib/cli/commands/approval-deny") },
  {
    name: "keys rotate",
    summary: "Add a new signing key for operation tokens",
    load: () => import("@/lib/cli/commands/keys-rotate"),
  },
  {
    name: "serve-proxy",
    summary: "Serve the proxy from a plain Node server (no Next.js)",
    load: () => import("@/lib/cli/commands/serve-proxy"),
  },
  {
    name: "keys rewrap",
    summary: "Re-wrap every data key with the current master key",
    load: () => import("@/lib/cli/commands/keys-rewrap"),
  },
];
