-- On PostgreSQL the audit tables are append-only for everyone the triggers bind: UPDATE, DELETE and TRUNCATE are
-- refused (row triggers do not fire on TRUNCATE, hence the statement trigger). A table owner or superuser can still
-- drop the triggers, so this is tamper resistance; the Merkle tree and the signed checkpoints that leave the box are
-- the evidence. Production: run the appliance as a role that owns none of these tables and holds INSERT and SELECT
-- on them only (README "Audit log").
CREATE FUNCTION witness_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION witness_audit_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
  FOR EACH STATEMENT EXECUTE FUNCTION witness_audit_append_only();
CREATE TRIGGER audit_tiles_append_only BEFORE UPDATE OR DELETE ON audit_tiles
  FOR EACH ROW EXECUTE FUNCTION witness_audit_append_only();
CREATE TRIGGER audit_tiles_no_truncate BEFORE TRUNCATE ON audit_tiles
  FOR EACH STATEMENT EXECUTE FUNCTION witness_audit_append_only();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION witness_audit_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION witness_audit_append_only();
