-- The audit log is append-only: the database itself refuses to change or remove a row,
-- whatever the application does. (A superuser can still disable triggers; the hash chain
-- is what makes such tampering visible to `okoro audit verify`.)
CREATE OR REPLACE FUNCTION okoro_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION okoro_audit_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION okoro_audit_append_only();
