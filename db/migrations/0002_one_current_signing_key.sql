-- At most one signing key is current at a time, whatever the application does; the
-- advisory lock in lib/tokens/signing-keys.ts keeps concurrent first use from racing into it.
CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys ((true)) WHERE retired_at IS NULL;
