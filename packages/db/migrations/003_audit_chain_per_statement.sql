-- Cheaper chain extension: lock and read the chain head once per transaction and write it back
-- once per INSERT statement, instead of a SELECT … FOR UPDATE plus an UPDATE for every row.
-- The running seq/hash of the current transaction live in transaction-local settings, which
-- PostgreSQL also rolls back with a failed statement or savepoint. The chain format (seq order,
-- prev_hash, audit_row_digest) is unchanged, so rows written before and after verify alike.

CREATE OR REPLACE FUNCTION audit_logs_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  tx text := txid_current()::text;
  last_seq bigint;
  last_hash text;
BEGIN
  IF current_setting('plystra.audit_chain_tx', true) IS DISTINCT FROM tx THEN
    -- First audit row of this transaction: take the head row lock (held until commit).
    SELECT h.last_seq, h.last_hash INTO last_seq, last_hash FROM audit_chain_head h WHERE h.singleton FOR UPDATE;
    PERFORM set_config('plystra.audit_chain_tx', tx, true);
  ELSE
    last_seq := current_setting('plystra.audit_chain_seq')::bigint;
    last_hash := current_setting('plystra.audit_chain_hash');
  END IF;
  NEW.seq := last_seq + 1;
  NEW.prev_hash := last_hash;
  NEW.created_at := coalesce(NEW.created_at, now());
  NEW.row_hash := audit_row_digest(NEW.prev_hash, NEW);
  PERFORM set_config('plystra.audit_chain_seq', NEW.seq::text, true);
  PERFORM set_config('plystra.audit_chain_hash', NEW.row_hash, true);
  RETURN NEW;
END
$$;

CREATE FUNCTION audit_chain_write_head() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('plystra.audit_chain_tx', true) = txid_current()::text THEN
    UPDATE audit_chain_head
       SET last_seq = current_setting('plystra.audit_chain_seq')::bigint,
           last_hash = current_setting('plystra.audit_chain_hash')
     WHERE singleton;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER audit_logs_chain_head_trg AFTER INSERT ON audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_write_head();
