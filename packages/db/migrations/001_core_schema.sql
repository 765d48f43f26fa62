-- Plystra core schema: identity, tenancy, RBAC, resource registry, control plane.
-- Every first-class row has created_at/updated_at; soft deletes use deleted_at.

CREATE TABLE users (
  id                  text PRIMARY KEY,
  email               text NOT NULL,
  username            text,
  phone               text,
  status              text NOT NULL DEFAULT 'active',
  metadata            jsonb NOT NULL DEFAULT '{}'::jsonb,
  password_hash       text,
  password_changed_at timestamptz,
  last_login_at       timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  deleted_at          timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE deleted_at IS NULL;

CREATE TABLE spaces (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  slug       text,
  type       text NOT NULL DEFAULT 'customer',
  status     text NOT NULL DEFAULT 'active',
  metadata   jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE UNIQUE INDEX spaces_slug_key ON spaces (slug) WHERE slug IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE groups (
  id              text PRIMARY KEY,
  space_id        text NOT NULL REFERENCES spaces (id),
  parent_group_id text REFERENCES groups (id),
  name            text NOT NULL,
  display_name    text,
  path            text NOT NULL,
  depth           integer NOT NULL DEFAULT 0,
  sort_order      integer NOT NULL DEFAULT 0,
  status          text NOT NULL DEFAULT 'active',
  metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);
CREATE UNIQUE INDEX groups_space_path_key ON groups (space_id, path);
-- text_pattern_ops lets `path LIKE 'anchor.%'` use the index (group_tree scope and subtree listings).
CREATE INDEX groups_space_path_prefix_idx ON groups (space_id, path text_pattern_ops);
CREATE INDEX groups_parent_idx ON groups (parent_group_id);

CREATE TABLE members (
  id           text PRIMARY KEY,
  space_id     text NOT NULL REFERENCES spaces (id),
  display_name text NOT NULL,
  member_type  text NOT NULL DEFAULT 'human',
  status       text NOT NULL DEFAULT 'active',
  metadata     jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  deleted_at   timestamptz
);
CREATE INDEX members_space_idx ON members (space_id, id);

CREATE TABLE user_members (
  id                  text PRIMARY KEY,
  user_id             text NOT NULL REFERENCES users (id),
  member_id           text NOT NULL REFERENCES members (id),
  space_id            text NOT NULL REFERENCES spaces (id),
  relation_type       text NOT NULL DEFAULT 'login',
  status              text NOT NULL DEFAULT 'active',
  is_primary          boolean NOT NULL DEFAULT false,
  expires_at          timestamptz,
  linked_at           timestamptz NOT NULL DEFAULT now(),
  linked_by_member_id text,
  revoked_at          timestamptz,
  revoked_reason      text,
  metadata            jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  deleted_at          timestamptz
);
CREATE INDEX user_members_user_idx ON user_members (user_id);
CREATE INDEX user_members_member_idx ON user_members (member_id);
CREATE INDEX user_members_space_idx ON user_members (space_id, id);

CREATE TABLE roles (
  id          text PRIMARY KEY,
  space_id    text NOT NULL REFERENCES spaces (id),
  key         text NOT NULL,
  name        text NOT NULL,
  description text,
  status      text NOT NULL DEFAULT 'active',
  metadata    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz
);
CREATE UNIQUE INDEX roles_space_key_key ON roles (space_id, key) WHERE deleted_at IS NULL;

CREATE TABLE permissions (
  id          text PRIMARY KEY,
  resource    text NOT NULL,
  action      text NOT NULL,
  scope       text NOT NULL,
  description text,
  status      text NOT NULL DEFAULT 'active',
  metadata    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz,
  CONSTRAINT permissions_scope_check CHECK (scope IN ('self', 'group', 'group_tree', 'space', 'global')),
  CONSTRAINT permissions_global_inactive CHECK (scope <> 'global' OR status <> 'active')
);
CREATE UNIQUE INDEX permissions_resource_action_scope_key ON permissions (resource, action, scope) WHERE deleted_at IS NULL;

CREATE TABLE role_permissions (
  id            text PRIMARY KEY,
  role_id       text NOT NULL REFERENCES roles (id),
  permission_id text NOT NULL REFERENCES permissions (id),
  space_id      text NOT NULL REFERENCES spaces (id),
  status        text NOT NULL DEFAULT 'active',
  metadata      jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  deleted_at    timestamptz
);
CREATE UNIQUE INDEX role_permissions_role_permission_key ON role_permissions (role_id, permission_id) WHERE deleted_at IS NULL;
CREATE INDEX role_permissions_permission_idx ON role_permissions (permission_id);

CREATE TABLE member_roles (
  id                    text PRIMARY KEY,
  member_id             text NOT NULL REFERENCES members (id),
  role_id               text NOT NULL REFERENCES roles (id),
  space_id              text NOT NULL REFERENCES spaces (id),
  scope_anchor_group_id text REFERENCES groups (id),
  status                text NOT NULL DEFAULT 'active',
  revoked_at            timestamptz,
  revoked_reason        text,
  metadata              jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  deleted_at            timestamptz
);
-- The check path loads a member's live grants; keep that an index scan.
CREATE INDEX member_roles_member_idx ON member_roles (member_id) WHERE status = 'active' AND deleted_at IS NULL;
CREATE INDEX member_roles_space_idx ON member_roles (space_id, id);
CREATE UNIQUE INDEX member_roles_unique_live ON member_roles (member_id, role_id, coalesce(scope_anchor_group_id, ''))
  WHERE status = 'active' AND deleted_at IS NULL;

CREATE TABLE resource_types (
  id           text PRIMARY KEY,
  key          text NOT NULL UNIQUE,
  display_name text NOT NULL,
  description  text,
  status       text NOT NULL DEFAULT 'active',
  source       text NOT NULL DEFAULT 'core',
  metadata     jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE resource_actions (
  id               text PRIMARY KEY,
  resource_type_id text NOT NULL REFERENCES resource_types (id),
  key              text NOT NULL,
  display_name     text NOT NULL,
  description      text,
  risk_level       text NOT NULL DEFAULT 'low',
  audit_default    boolean NOT NULL DEFAULT true,
  metadata         jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (resource_type_id, key)
);

CREATE TABLE resource_mappings (
  id                 text PRIMARY KEY,
  resource_type_id   text NOT NULL UNIQUE REFERENCES resource_types (id),
  storage_kind       text NOT NULL DEFAULT 'internal_table',
  table_name         text NOT NULL DEFAULT 'resources',
  id_field           text NOT NULL DEFAULT 'id',
  space_field        text NOT NULL DEFAULT 'space_id',
  group_field        text DEFAULT 'group_id',
  owner_member_field text DEFAULT 'owner_member_id',
  visibility_field   text DEFAULT 'visibility',
  metadata_field     text DEFAULT 'metadata',
  display_name       text,
  status             text NOT NULL DEFAULT 'active',
  source             text NOT NULL DEFAULT 'core',
  metadata           jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE resources (
  id              text PRIMARY KEY,
  resource_type   text NOT NULL,
  external_id     text,
  display_name    text,
  space_id        text NOT NULL REFERENCES spaces (id),
  group_id        text REFERENCES groups (id),
  owner_member_id text REFERENCES members (id),
  visibility      text NOT NULL DEFAULT 'private',
  status          text NOT NULL DEFAULT 'active',
  metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);
CREATE INDEX resources_space_type_idx ON resources (space_id, resource_type, id);
CREATE INDEX resources_type_idx ON resources (resource_type, id);
CREATE INDEX resources_group_idx ON resources (group_id);

CREATE TABLE admin_grants (
  id                   text PRIMARY KEY,
  user_id              text NOT NULL REFERENCES users (id),
  member_id            text REFERENCES members (id),
  space_id             text REFERENCES spaces (id),
  group_id             text REFERENCES groups (id),
  level                text NOT NULL,
  permission_key       text NOT NULL,
  status               text NOT NULL DEFAULT 'active',
  granted_by_user_id   text,
  granted_by_member_id text,
  expires_at           timestamptz,
  revoked_at           timestamptz,
  revoked_reason       text,
  metadata             jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  deleted_at           timestamptz,
  CONSTRAINT admin_grants_level_check CHECK (level IN ('instance_super_admin', 'instance_admin', 'space_admin', 'group_admin'))
);
CREATE INDEX admin_grants_user_idx ON admin_grants (user_id) WHERE status = 'active' AND deleted_at IS NULL;

CREATE TABLE api_keys (
  id                   text PRIMARY KEY,
  name                 text NOT NULL,
  key_prefix           text NOT NULL,
  key_hash             text NOT NULL,
  level                text NOT NULL,
  space_id             text REFERENCES spaces (id),
  group_id             text REFERENCES groups (id),
  permission_keys      jsonb NOT NULL DEFAULT '[]'::jsonb,
  status               text NOT NULL DEFAULT 'active',
  expires_at           timestamptz,
  last_used_at         timestamptz,
  created_by_user_id   text,
  created_by_member_id text,
  created_by_api_key_id text,
  revoked_at           timestamptz,
  revoked_by_user_id   text,
  revoked_reason       text,
  metadata             jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  deleted_at           timestamptz,
  CONSTRAINT api_keys_level_check CHECK (level IN ('instance', 'space', 'group'))
);

CREATE TABLE sessions (
  id                         text PRIMARY KEY,
  user_id                    text NOT NULL REFERENCES users (id),
  active_space_id            text,
  active_member_id           text,
  active_user_member_id      text,
  access_token_hash          text NOT NULL,
  refresh_token_hash         text NOT NULL,
  -- The refresh token hash that was rotated away last; presenting it again is reuse.
  previous_refresh_token_hash text,
  expires_at                 timestamptz NOT NULL,
  refresh_expires_at         timestamptz NOT NULL,
  ip                         text,
  user_agent                 text,
  revoked_at                 timestamptz,
  revoked_reason             text,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sessions_access_hash_key ON sessions (access_token_hash);
CREATE UNIQUE INDEX sessions_refresh_hash_key ON sessions (refresh_token_hash);
CREATE INDEX sessions_prev_refresh_hash_idx ON sessions (previous_refresh_token_hash);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Login throttling state lives in the database so every Core process sees the same lockout.
CREATE TABLE login_throttles (
  key               text PRIMARY KEY,
  failures          integer NOT NULL DEFAULT 0,
  window_started_at timestamptz NOT NULL DEFAULT now(),
  locked_until      timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
