CREATE TABLE "audit_checkpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kid" text NOT NULL,
	"heads" jsonb NOT NULL,
	"signature" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_checkpoints_at_idx" ON "audit_checkpoints" USING btree ("at");--> statement-breakpoint
-- Two roles for the audit log. Whoever holds the app's database credentials must not be
-- able to rewrite history: the app's runtime role (the group role okoro_runtime, granted
-- to the login role in DATABASE_URL) may only INSERT and SELECT the audit rows and
-- checkpoints and only SELECT the chain heads; it owns nothing, so it cannot disable the
-- append-only triggers either. Migrations run as the owner. The chain heads move only
-- through the owner's functions below, which the runtime role may execute.

-- Signed checkpoints are append-only like the rows they vouch for; the trigger function
-- now names the table it guards.
CREATE OR REPLACE FUNCTION okoro_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION okoro_audit_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_no_truncate
  BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION okoro_audit_append_only();
--> statement-breakpoint
-- The in-transaction writer (lib/audit/append.ts): locks the heads of `p_chains` in sorted
-- order, creating the missing ones, until the caller's transaction ends. Two writers of
-- the same chains therefore queue here, and the chain never forks.
CREATE OR REPLACE FUNCTION okoro_audit_lock_heads(p_chains text[]) RETURNS TABLE (chain text, seq bigint, hash text)
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  INSERT INTO audit_heads AS h (chain, seq, hash)
    SELECT DISTINCT c, 0::bigint, repeat('0', 64) FROM unnest(p_chains) AS c ORDER BY 1
    ON CONFLICT (chain) DO UPDATE SET chain = excluded.chain
    RETURNING h.chain, h.seq, h.hash;
$$;
--> statement-breakpoint
-- ...and moves them to the rows it has just inserted. A head only moves forward and only
-- to a row that is in the log with that hash, so the runtime role cannot point a head
-- anywhere else; a head that would not move fails the whole transaction.
CREATE OR REPLACE FUNCTION okoro_audit_move_heads(p_chains text[], p_seqs bigint[], p_hashes text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_moved int;
BEGIN
  UPDATE audit_heads AS h SET seq = v.seq, hash = v.hash
    FROM unnest(p_chains, p_seqs, p_hashes) AS v(chain, seq, hash)
   WHERE h.chain = v.chain AND v.seq > h.seq
     AND EXISTS (SELECT 1 FROM audit_events e WHERE e.chain = v.chain AND e.seq = v.seq AND e.hash = v.hash);
  GET DIAGNOSTICS v_moved = ROW_COUNT;
  IF v_moved <> cardinality(p_chains) THEN
    RAISE EXCEPTION 'okoro_audit_move_heads: % of % chain heads could not move to the rows given', cardinality(p_chains) - v_moved, cardinality(p_chains);
  END IF;
END;
$$;
--> statement-breakpoint
-- The proxy's batched writer runs as the owner too (it moves the heads). CREATE OR REPLACE
-- resets these attributes: the function's source must carry them from now on.
ALTER FUNCTION okoro_pipe(jsonb, jsonb) SECURITY DEFINER SET search_path = public, pg_temp;
--> statement-breakpoint
-- What the runtime role may do, as one idempotent function: `okoro migrate` calls it after
-- every run, so tables that later migrations add are granted too. It creates the group
-- role okoro_runtime when the migrating role may (PostgreSQL with CREATEROLE, Neon's owner
-- role, PGlite); elsewhere it only takes away what no one but the owner should have.
CREATE OR REPLACE FUNCTION okoro_grant_runtime() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  -- rows may be added and read, never changed or removed
  v_append_only constant text[] := ARRAY['audit_events', 'audit_checkpoints'];
  -- read only: moved by the owner's functions
  v_read_only constant text[] := ARRAY['audit_heads'];
  v_functions constant text[] := ARRAY[
    'okoro_pipe(jsonb, jsonb)',
    'okoro_audit_lock_heads(text[])',
    'okoro_audit_move_heads(text[], bigint[], text[])'];
  v_role boolean;
  g record;
  f text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'okoro_runtime') THEN
    BEGIN
      CREATE ROLE okoro_runtime NOLOGIN;
    EXCEPTION
      -- another database on the same server made it meanwhile (roles are server-wide)
      WHEN duplicate_object OR unique_violation THEN NULL;
      WHEN insufficient_privilege THEN
        RAISE NOTICE 'okoro: cannot create the role okoro_runtime (no CREATEROLE); create it once and migrate again to grant it';
    END;
  END IF;
  v_role := EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'okoro_runtime');

  -- Whatever was granted on the audit tables before (to PUBLIC, to a platform's admin
  -- role by default privileges, by hand), only their owner keeps more than this.
  FOR g IN
    SELECT c.relname, a.grantee, a.privilege_type
      FROM pg_class c, aclexplode(c.relacl) a
     WHERE c.relnamespace = 'public'::regnamespace
       AND c.relname = ANY (v_append_only || v_read_only)
       AND a.grantee <> c.relowner
       AND NOT (a.privilege_type = 'SELECT' OR (a.privilege_type = 'INSERT' AND c.relname = ANY (v_append_only)))
  LOOP
    EXECUTE format('REVOKE %s ON TABLE %I FROM %s', g.privilege_type, g.relname,
                   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END);
  END LOOP;

  -- Functions that run as the owner are for the runtime role only, not for anyone who can
  -- connect.
  FOREACH f IN ARRAY v_functions LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    IF v_role THEN
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO okoro_runtime', f);
    END IF;
  END LOOP;
  REVOKE EXECUTE ON FUNCTION okoro_grant_runtime() FROM PUBLIC;

  IF v_role THEN
    GRANT USAGE ON SCHEMA public TO okoro_runtime;
    FOR g IN
      SELECT c.relname FROM pg_class c
       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
         AND NOT c.relname = ANY (v_append_only || v_read_only)
    LOOP
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %I TO okoro_runtime', g.relname);
    END LOOP;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO okoro_runtime;
    GRANT SELECT, INSERT ON TABLE audit_events, audit_checkpoints TO okoro_runtime;
    GRANT SELECT ON TABLE audit_heads TO okoro_runtime;
  END IF;
END;
$$;
--> statement-breakpoint
SELECT okoro_grant_runtime();
