-- Decision traces are 1–3 KB of JSON, so most are compressed when stored. lz4 compresses several
-- times faster than the default pglz, which matters on the audit insert path (every decision).
-- Servers built without lz4 (and the embedded database) keep the default.
DO $$
BEGIN
  ALTER TABLE audit_logs ALTER COLUMN trace SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR undefined_object THEN
  RAISE NOTICE 'lz4 compression is not available; audit traces keep the default compression';
END
$$;
