// What both connect flows (OAuth 2, OAuth 1) work with, and the one way they fail: a
// ConnectFailure carries the code the connections page turns into a sentence, plus a
// detail for the server log made only of codes and statuses — never a token, code,
// verifier or secret.
import "server-only";
import type { Database } from "@/db/client";
import type { ConnectErrorCode } from "@/lib/connect/messages";
import type { OAuthApp } from "@/lib/connect/oauth2";
import type { Env } from "@/lib/env";
import type { ProviderSpec } from "@/lib/providers/types";

export type FlowContext = {
  db: Database;
  env: Env;
  userId: string;
  /** the catalog entry with the operator's overrides applied */
  spec: ProviderSpec;
  app: OAuthApp;
  /** `${OKORO_URL}/api/connect/{provider}/callback`, exactly as registered with the provider */
  redirectUri: string;
};

export class ConnectFailure extends Error {
  constructor(
    readonly code: ConnectErrorCode,
    readonly detail?: string,
  ) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = "ConnectFailure";
  }
}
