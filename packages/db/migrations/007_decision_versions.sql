-- Decision versions: a counter per "scope" that moves whenever data a decision reads changes, so a
-- Core process may decide a check from its own cache and have the audit flush confirm, in the same
-- statement that inserts the audit row, that nothing it decided on has changed since it was read
-- (apps/core/src/features/authz/decision-cache.ts; docs/benchmarks.md, sixth round).
--
-- Scopes:
--   '*'         instance-wide decision data: the resource registry and the permission catalogue;
--   <space id>  everything inside one Space: the Space row, members, bindings (user_members), roles,
--               role permissions, role bindings (member_roles), groups, resources;
--   'u:' || id  one user's decision-relevant columns (status, email, deletion);
--   'k:' || id  one API key's liveness columns (status, revocation, deletion, expiry).
--
-- The bumps are triggers, not application code, so every writer is covered by construction: the
-- HTTP services, plystractl, bootstrap and direct SQL alike, always in the writer's own transaction.
-- Statement-level triggers with transition tables bump each touched scope once per statement (a
-- bulk load of 100,000 resources bumps its Spaces once each, not 100,000 times). A bump holds the
-- scope's row lock until the writing transaction commits, so concurrent writes to one Space
-- serialise at their commit; reads (checks, flushes) never wait on it.
--
-- A scope without a row has version 0. Versions only ever grow.

CREATE TABLE decision_versions (
  scope   text PRIMARY KEY,
  version bigint NOT NULL
);

-- Bumps the given scopes (sorted, so two transactions bumping the same scopes lock them in the same
-- order and cannot deadlock on them).
CREATE FUNCTION decision_versions_bump(scopes text[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO decision_versions AS d (scope, version)
  SELECT DISTINCT s, 1 FROM unnest(scopes) AS s WHERE s IS NOT NULL ORDER BY 1
  ON CONFLICT (scope) DO UPDATE SET version = d.version + 1
$$;

-- Statement-level: TG_ARGV[0] is an expression over the changed row `r` giving its scopes (text[]).
CREATE FUNCTION decision_versions_bump_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  src text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT * FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT * FROM old_rows'
    ELSE 'SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows' END;
BEGIN
  EXECUTE format(
    'SELECT decision_versions_bump(ARRAY(SELECT DISTINCT s FROM (%s) r, unnest(%s) AS s))',
    src, TG_ARGV[0]);
  RETURN NULL;
END
$$;

-- Row-level, for the per-row scopes of users and API keys: TG_ARGV[0] is the prefix.
CREATE FUNCTION decision_versions_bump_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM decision_versions_bump(ARRAY[TG_ARGV[0] || OLD.id]);
  RETURN NULL;
END
$$;

-- TRUNCATE fires no row or statement DML triggers: it moves every scope (test resets, restores).
CREATE FUNCTION decision_versions_bump_all() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE decision_versions SET version = version + 1;
  INSERT INTO decision_versions (scope, version) VALUES ('*', 1) ON CONFLICT (scope) DO NOTHING;
  RETURN NULL;
END
$$;

-- Space-scoped tables: every insert, update and delete bumps the Space(s) of the rows it touched.
-- Role bindings and role permissions also bump the Space of the member / role they attach to, so a
-- binding whose own space_id differs from its member's (a cross-Space row, denied by the engine)
-- still moves the version a cached check of that member recorded.
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN
    SELECT * FROM (VALUES
      ('spaces', 'ARRAY[r.id]'),
      ('members', 'ARRAY[r.space_id]'),
      ('user_members', 'ARRAY[r.space_id]'),
      ('roles', 'ARRAY[r.space_id]'),
      ('groups', 'ARRAY[r.space_id]'),
      ('resources', 'ARRAY[r.space_id]'),
      ('member_roles',
       'ARRAY[r.space_id, (SELECT m.space_id FROM members m WHERE m.id = r.member_id)]'),
      ('role_permissions',
       'ARRAY[r.space_id, (SELECT ro.space_id FROM roles ro WHERE ro.id = r.role_id)]'),
      ('permissions', 'ARRAY[''*'']'),
      ('resource_types', 'ARRAY[''*'']'),
      ('resource_actions', 'ARRAY[''*'']'),
      ('resource_mappings', 'ARRAY[''*'']')
    ) AS v(tbl, expr)
  LOOP
    EXECUTE format(
      'CREATE TRIGGER %1$s_decision_version_ins AFTER INSERT ON %1$I
         REFERENCING NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION decision_versions_bump_rows(%2$L)', t.tbl, t.expr);
    EXECUTE format(
      'CREATE TRIGGER %1$s_decision_version_upd AFTER UPDATE ON %1$I
         REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION decision_versions_bump_rows(%2$L)', t.tbl, t.expr);
    EXECUTE format(
      'CREATE TRIGGER %1$s_decision_version_del AFTER DELETE ON %1$I
         REFERENCING OLD TABLE AS old_rows
         FOR EACH STATEMENT EXECUTE FUNCTION decision_versions_bump_rows(%2$L)', t.tbl, t.expr);
    EXECUTE format(
      'CREATE TRIGGER %1$s_decision_version_trunc AFTER TRUNCATE ON %1$I
         FOR EACH STATEMENT EXECUTE FUNCTION decision_versions_bump_all()', t.tbl);
  END LOOP;
END
$$;

CREATE TRIGGER users_decision_version_trunc AFTER TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION decision_versions_bump_all();
CREATE TRIGGER api_keys_decision_version_trunc AFTER TRUNCATE ON api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION decision_versions_bump_all();

-- Users and API keys: only changes a decision can see. A new row was never cached (a check of an
-- unknown user or key is never decided from the cache), and bookkeeping columns (last_login_at,
-- last_used_at, password fields) must not throw every cached decision of the user away.
CREATE TRIGGER users_decision_version AFTER UPDATE ON users FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.email IS DISTINCT FROM NEW.email
        OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at OR OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION decision_versions_bump_row('u:');
CREATE TRIGGER users_decision_version_del AFTER DELETE ON users FOR EACH ROW
  EXECUTE FUNCTION decision_versions_bump_row('u:');
CREATE TRIGGER api_keys_decision_version AFTER UPDATE ON api_keys FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
        OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
        OR OLD.expires_at IS DISTINCT FROM NEW.expires_at OR OLD.id IS DISTINCT FROM NEW.id
        OR OLD.key_hash IS DISTINCT FROM NEW.key_hash)
  EXECUTE FUNCTION decision_versions_bump_row('k:');
CREATE TRIGGER api_keys_decision_version_del AFTER DELETE ON api_keys FOR EACH ROW
  EXECUTE FUNCTION decision_versions_bump_row('k:');

-- Versions only grow. A version that moved back (a reset row, a deleted or truncated table) could
-- come to equal a version a cached decision recorded before the data changed, and confirm it.
CREATE FUNCTION decision_versions_only_grow() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.scope = OLD.scope AND NEW.version >= OLD.version THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'decision_versions only grow (% refused): a version that moved back could confirm a stale cached decision', TG_OP
    USING ERRCODE = 'check_violation';
END
$$;
CREATE TRIGGER decision_versions_grow BEFORE UPDATE OR DELETE ON decision_versions
  FOR EACH ROW EXECUTE FUNCTION decision_versions_only_grow();
CREATE TRIGGER decision_versions_no_truncate BEFORE TRUNCATE ON decision_versions
  FOR EACH STATEMENT EXECUTE FUNCTION decision_versions_only_grow();
