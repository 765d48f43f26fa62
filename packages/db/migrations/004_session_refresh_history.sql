-- Every refresh token a session has rotated away, so presenting ANY earlier token of the session
-- (not only the immediately previous one) is detected as reuse and revokes the session.
CREATE TABLE session_rotated_refresh_tokens (
  token_hash text PRIMARY KEY,
  session_id text NOT NULL REFERENCES sessions (id),
  rotated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX session_rotated_refresh_tokens_session_idx ON session_rotated_refresh_tokens (session_id);
