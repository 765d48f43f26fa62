-- Append-only, hash-chained audit log.
-- The chain is maintained by the database itself, so every writer (group-commit writer,
-- management mutations, any future tool) produces verifiable rows. `seq` is assigned under the
-- chain-head row lock, so seq order is chain order and has no gaps.

CREATE TABLE audit_logs (
  id                   text PRIMARY KEY,
  seq                  bigint NOT NULL UNIQUE,
  space_id             text,
  actor_user_id        text,
  actor_member_id      text,
  actor_user_member_id text,
  actor_api_key_id     text,
  action               text NOT NULL,
  resource_type        text,
  resource_id          text,
  decision             text NOT NULL,
  deny_code            text,
  request_id           text,
  ip_address           text,
  user_agent           text,
  trace                jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at           timestamptz NOT NULL DEFAULT now(),
  prev_hash            text NOT NULL,
  row_hash             text NOT NULL
);
CREATE INDEX audit_logs_space_seq_idx ON audit_logs (space_id, seq);
CREATE INDEX audit_logs_request_idx ON audit_logs (request_id);
CREATE INDEX audit_logs_resource_idx ON audit_logs (resource_type, resource_id);
CREATE INDEX audit_logs_actor_user_idx ON audit_logs (actor_user_id);
CREATE INDEX audit_logs_actor_member_idx ON audit_logs (actor_member_id);
CREATE INDEX audit_logs_created_idx ON audit_logs (created_at);

CREATE TABLE audit_chain_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_seq  bigint NOT NULL,
  last_hash text NOT NULL
);
INSERT INTO audit_chain_head (singleton, last_seq, last_hash) VALUES (true, 0, repeat('0', 64));

-- The digest covers every column a reader relies on. jsonb's text form is canonical.
CREATE FUNCTION audit_row_digest(prev text, r audit_logs) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws(chr(31),
    prev, r.id, r.seq::text, coalesce(r.space_id, ''), coalesce(r.actor_user_id, ''),
    coalesce(r.actor_member_id, ''), coalesce(r.actor_user_member_id, ''), coalesce(r.actor_api_key_id, ''),
    r.action, coalesce(r.resource_type, ''), coalesce(r.resource_id, ''), r.decision,
    coalesce(r.deny_code, ''), coalesce(r.request_id, ''), coalesce(r.ip_address, ''),
    coalesce(r.user_agent, ''), r.trace::text,
    ((extract(epoch FROM r.created_at) * 1000000)::bigint)::text
  ), 'UTF8')), 'hex')
$$;

CREATE FUNCTION audit_logs_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  head audit_chain_head%ROWTYPE;
BEGIN
  -- Row lock on the head serialises chain extension across transactions and processes.
  SELECT * INTO head FROM audit_chain_head WHERE singleton FOR UPDATE;
  NEW.seq := head.last_seq + 1;
  NEW.prev_hash := head.last_hash;
  NEW.created_at := coalesce(NEW.created_at, now());
  NEW.row_hash := audit_row_digest(NEW.prev_hash, NEW);
  UPDATE audit_chain_head SET last_seq = NEW.seq, last_hash = NEW.row_hash WHERE singleton;
  RETURN NEW;
END
$$;

CREATE TRIGGER audit_logs_chain_trg BEFORE INSERT ON audit_logs
  FOR EACH ROW EXECUTE FUNCTION audit_logs_chain();

CREATE FUNCTION audit_logs_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_logs is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_logs_no_update BEFORE UPDATE OR DELETE ON audit_logs
  FOR EACH ROW EXECUTE FUNCTION audit_logs_reject_change();
CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_reject_change();
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
  FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_reject_change();
