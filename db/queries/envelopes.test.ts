// The list of sealed columns is the one `okoro keys rewrap` walks (docs/credentials.md#credentials-at-rest):
// a sealed column missing from it would keep needing the old master key after a rotation.
// Every jsonb column of the schema must be named here either as sealed or as plain JSON.
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import * as schema from "@/db/schema";
import { ENVELOPE_COLUMNS } from "@/db/queries/envelopes";

/** jsonb columns that hold plain data, never a secret. */
const PLAIN_JSON = new Set([
  "service_tokens.grants",
  "service_tokens.approval_scopes",
  "service_tokens.hold_scopes",
  "signing_keys.public_jwk",
  "audit_events.flags",
  "audit_checkpoints.heads",
  "oauth_clients.redirect_uris",
  "notification_deliveries.payload",
  "passkeys.transports",
]);

function jsonbColumns(): string[] {
  const found: string[] = [];
  for (const value of Object.values(schema)) {
    if (!(value instanceof PgTable)) continue;
    const config = getTableConfig(value);
    for (const column of config.columns) {
      if (column.getSQLType() === "jsonb") found.push(`${config.name}.${column.name}`);
    }
  }
  return found.sort();
}

describe("sealed columns", () => {
  it("names every jsonb column of the schema as sealed or plain", () => {
    const sealed = ENVELOPE_COLUMNS.map((c) => `${c.table}.${c.column}`);
    const unclassified = jsonbColumns().filter((c) => !sealed.includes(c) && !PLAIN_JSON.has(c));
    expect(unclassified).toEqual([]);
  });

  it("lists only columns that exist, each once, keyed by a column of its table", () => {
    const columns = new Set(jsonbColumns());
    const tables = new Map<string, Set<string>>();
    for (const value of Object.values(schema)) {
      if (!(value instanceof PgTable)) continue;
      const config = getTableConfig(value);
      tables.set(config.name, new Set(config.columns.map((c) => c.name)));
    }
    const sealed = ENVELOPE_COLUMNS.map((c) => `${c.table}.${c.column}`);
    expect(new Set(sealed).size).toBe(sealed.length);
    for (const target of ENVELOPE_COLUMNS) {
      expect(columns.has(`${target.table}.${target.column}`), `${target.table}.${target.column}`).toBe(true);
      expect(tables.get(target.table)?.has(target.key), `${target.table}.${target.key}`).toBe(true);
    }
    for (const plain of PLAIN_JSON) expect(columns.has(plain), plain).toBe(true);
  });
});
