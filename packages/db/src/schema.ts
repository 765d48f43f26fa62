import type { ColumnType, Insertable, Selectable, Updateable } from "kysely";

/** Timestamp columns: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
export type Json = ColumnType<
  Record<string, unknown>,
  string | Record<string, unknown>,
  string | Record<string, unknown>
>;
export type JsonArray = ColumnType<string[], string, string>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;
type DefaultTs = ColumnType<Date, Date | string | undefined, Date | string>;

interface Stamped {
  created_at: DefaultTs;
  updated_at: DefaultTs;
}

export interface UsersTable extends Stamped {
  id: string;
  email: string;
  username: string | null;
  phone: string | null;
  status: Defaulted<string>;
  metadata: Json;
  password_hash: string | null;
  password_changed_at: NullableTimestamp;
  last_login_at: NullableTimestamp;
  deleted_at: NullableTimestamp;
}

export interface SpacesTable extends Stamped {
  id: string;
  name: string;
  slug: string | null;
  type: Defaulted<string>;
  status: Defaulted<string>;
  metadata: Json;
  deleted_at: NullableTimestamp;
}

export interface GroupsTable extends Stamped {
  id: string;
  space_id: string;
  parent_group_id: string | null;
  name: string;
  display_name: string | null;
  path: string;
  depth: Defaulted<number>;
  sort_order: Defaulted<number>;
  status: Defaulted<string>;
  metadata: Json;
  deleted_at: NullableTimestamp;
}

export interface MembersTable extends Stamped {
  id: string;
  space_id: string;
  display_name: string;
  member_type: Defaulted<string>;
  status: Defaulted<string>;
  metadata: Json;
  deleted_at: NullableTimestamp;
}

export interface UserMembersTable extends Stamped {
  id: string;
  user_id: string;
  member_id: string;
  space_id: string;
  relation_type: Defaulted<string>;
  status: Defaulted<string>;
  is_primary: Defaulted<boolean>;
  expires_at: NullableTimestamp;
  linked_at: DefaultTs;
  linked_by_member_id: string | null;
  revoked_at: NullableTimestamp;
  revoked_reason: string | null;
  metadata: Json;
  deleted_at: NullableTimestamp;
}

export interface RolesTable extends Stamped {
  id: string;
  space_id: string;
  key: string;
  name: string;
  description: string | null;
  status: Defaulted<string>;
  metadata: Json;
  deleted_at: NullableTimestamp;
}

export interface PermissionsTable extends Stamped {
  id: string;
  resource: string;
  action: string;
  scope: string;
  description: string | null;
  status: Defaulted<string>;
  metadata: Json;
  deleted_at: NullableTimestamp;
}

export interface RolePermissionsTable extends Stamped {
  id: string;
  role_id: string;
  permission_id: string;
  space_id: string;
  status: Defaulted<string>;
  metadata: Json;
  deleted_at: NullableTimestamp;
}

export interface MemberRolesTable extends Stamped {
  id: string;
  member_id: string;
  role_id: string;
  space_id: string;
  scope_anchor_group_id: string | null;
  status: Defaulted<string>;
  revoked_at: NullableTimestamp;
  revoked_reason: string | null;
  metadata: Json;
  deleted_at: NullableTimestamp;
}

export interface ResourceTypesTable extends Stamped {
  id: string;
  key: string;
  display_name: string;
  description: string | null;
  status: Defaulted<string>;
  source: Defaulted<string>;
  metadata: Json;
}

export interface ResourceActionsTable extends Stamped {
  id: string;
  resource_type_id: string;
  key: string;
  display_name: string;
  description: string | null;
  risk_level: Defaulted<string>;
  audit_default: Defaulted<boolean>;
  metadata: Json;
}

export interface ResourceMappingsTable extends Stamped {
  id: string;
  resource_type_id: string;
  storage_kind: Defaulted<string>;
  table_name: Defaulted<string>;
  id_field: Defaulted<string>;
  space_field: Defaulted<string>;
  group_field: string | null;
  owner_member_field: string | null;
  visibility_field: string | null;
  metadata_field: string | null;
  display_name: string | null;
  status: Defaulted<string>;
  source: Defaulted<string>;
  metadata: Json;
}

export interface ResourcesTable extends Stamped {
  id: string;
  resource_type: string;
  external_id: string | null;
  display_name: string | null;
  space_id: string;
  group_id: string | null;
  owner_member_id: string | null;
  visibility: Defaulted<string>;
  status: Defaulted<string>;
  metadata: Json;
  deleted_at: NullableTimestamp;
}

export interface AuditLogsTable {
  id: string;
  /** Assigned by the chain trigger (unique, increasing; gaps possible); never supplied by the application. */
  seq: ColumnType<string, never, never>;
  /** The hash-chain shard the row extends (chain trigger). */
  chain_shard: ColumnType<number, never, never>;
  /** Gap-free position within its shard; NULL for rows written before shards (position = seq). */
  chain_pos: ColumnType<string | null, never, never>;
  space_id: string | null;
  actor_user_id: string | null;
  actor_member_id: string | null;
  actor_user_member_id: string | null;
  actor_api_key_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  decision: string;
  deny_code: string | null;
  request_id: string | null;
  ip_address: string | null;
  user_agent: string | null;
  trace: Json;
  created_at: DefaultTs;
  prev_hash: ColumnType<string, never, never>;
  row_hash: ColumnType<string, never, never>;
}

export interface AdminGrantsTable extends Stamped {
  id: string;
  user_id: string;
  member_id: string | null;
  space_id: string | null;
  group_id: string | null;
  level: string;
  permission_key: string;
  status: Defaulted<string>;
  granted_by_user_id: string | null;
  granted_by_member_id: string | null;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  revoked_reason: string | null;
  metadata: Json;
  deleted_at: NullableTimestamp;
}

export interface ApiKeysTable extends Stamped {
  id: string;
  name: string;
  key_prefix: string;
  key_hash: string;
  level: string;
  space_id: string | null;
  group_id: string | null;
  permission_keys: JsonArray;
  status: Defaulted<string>;
  expires_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  created_by_user_id: string | null;
  created_by_member_id: string | null;
  created_by_api_key_id: string | null;
  revoked_at: NullableTimestamp;
  revoked_by_user_id: string | null;
  revoked_reason: string | null;
  metadata: Json;
  deleted_at: NullableTimestamp;
}

export interface SessionsTable extends Stamped {
  id: string;
  user_id: string;
  active_space_id: string | null;
  active_member_id: string | null;
  active_user_member_id: string | null;
  access_token_hash: string;
  refresh_token_hash: string;
  previous_refresh_token_hash: string | null;
  expires_at: Timestamp;
  refresh_expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  revoked_at: NullableTimestamp;
  revoked_reason: string | null;
}

export interface SessionRotatedRefreshTokensTable {
  token_hash: string;
  session_id: string;
  rotated_at: DefaultTs;
}

export interface LoginThrottlesTable {
  key: string;
  failures: Defaulted<number>;
  window_started_at: DefaultTs;
  locked_until: NullableTimestamp;
  updated_at: DefaultTs;
}

export interface SchemaMigrationsTable {
  version: string;
  name: string;
  checksum: string;
  applied_at: DefaultTs;
  execution_time_ms: number;
}

export interface DB {
  users: UsersTable;
  spaces: SpacesTable;
  groups: GroupsTable;
  members: MembersTable;
  user_members: UserMembersTable;
  roles: RolesTable;
  permissions: PermissionsTable;
  role_permissions: RolePermissionsTable;
  member_roles: MemberRolesTable;
  resource_types: ResourceTypesTable;
  resource_actions: ResourceActionsTable;
  resource_mappings: ResourceMappingsTable;
  resources: ResourcesTable;
  audit_logs: AuditLogsTable;
  admin_grants: AdminGrantsTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  session_rotated_refresh_tokens: SessionRotatedRefreshTokensTable;
  login_throttles: LoginThrottlesTable;
  schema_migrations: SchemaMigrationsTable;
}

export type Row<T extends keyof DB> = Selectable<DB[T]>;
export type NewRow<T extends keyof DB> = Insertable<DB[T]>;
export type RowUpdate<T extends keyof DB> = Updateable<DB[T]>;
