#!/usr/bin/env node
// Builds openapi/plystra.yaml from the compact tables below.
//
//   node openapi/tools/build-spec.mjs            write openapi/plystra.yaml
//   node openapi/tools/build-spec.mjs --stdout   print the document instead
//   node openapi/tools/build-spec.mjs --out FILE write it somewhere else (used by gen:check)
//
// The YAML is the contract everybody consumes; this script is how it is kept consistent
// (one error envelope, one pagination shape, explicit errors on every operation). Edit the
// tables here, re-run, and commit both files. `pnpm --filter @plystra/contract gen:check`
// fails when the two disagree.

import { writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { toYaml } from "./yaml-emit.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const DEFAULT_OUT = resolve(here, "..", "plystra.yaml");

// ---------------------------------------------------------------------------------------------
// Code catalogues
// ---------------------------------------------------------------------------------------------

export const ERROR_CODES = [
  "VALIDATION_FAILED",
  "AUTHENTICATION_REQUIRED",
  "SESSION_EXPIRED",
  "METRICS_TOKEN_REQUIRED",
  "ADMIN_PERMISSION_REQUIRED",
  "INLINE_CONTEXT_REQUIRES_API_KEY",
  "ACTIVE_MEMBER_REQUIRED",
  "REGISTRATION_DISABLED",
  "AUTHORIZATION_DENIED",
  "NOT_FOUND",
  "FEATURE_DISABLED",
  "USER_NOT_FOUND",
  "SPACE_NOT_FOUND",
  "GROUP_NOT_FOUND",
  "MEMBER_NOT_FOUND",
  "USER_MEMBER_NOT_FOUND",
  "ROLE_NOT_FOUND",
  "MEMBER_ROLE_NOT_FOUND",
  "PERMISSION_NOT_FOUND",
  "ROLE_PERMISSION_NOT_FOUND",
  "RESOURCE_TYPE_NOT_FOUND",
  "RESOURCE_ACTION_NOT_FOUND",
  "RESOURCE_MAPPING_NOT_FOUND",
  "RESOURCE_NOT_FOUND",
  "AUDIT_LOG_NOT_FOUND",
  "ADMIN_GRANT_NOT_FOUND",
  "API_KEY_NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "CONFLICT",
  "USER_CREATE_FAILED",
  "ADMIN_GRANT_CREATE_FAILED",
  "API_KEY_CREATE_FAILED",
  "API_KEY_REVOKE_FAILED",
  "LAST_SUPER_ADMIN",
  "INVALID_STATE_TRANSITION",
  "AUTH_RATE_LIMITED",
  "INTERNAL_ERROR",
  "NOT_READY",
  "REGISTRATION_LOCK_UNAVAILABLE",
];

export const DENY_CODES = [
  "ACTOR_USER_INACTIVE",
  "ACTOR_MEMBER_INACTIVE",
  "SPACE_INACTIVE",
  "USER_MEMBER_REVOKED",
  "USER_MEMBER_EXPIRED",
  "CROSS_SPACE_VIOLATION",
  "NO_MATCHING_PERMISSION",
  "SCOPE_ANCHOR_MISSING",
  "TARGET_GROUP_MISSING",
  "SCOPE_OUT_OF_BOUNDS",
  "GLOBAL_SCOPE_DISABLED",
  "INVALID_RESOURCE_TYPE",
  "INVALID_RESOURCE_ACTION",
  "ACTOR_NOT_FOUND",
  "RESOURCE_NOT_FOUND",
];

const ENUMS = {
  ErrorCode: {
    values: ERROR_CODES,
    description:
      "Machine-readable error code. Each code always maps to the same HTTP status (see the error responses).",
  },
  DenyCode: {
    values: DENY_CODES,
    description:
      "Why a decision denied. The first thirteen are the v1.0 engine codes; ACTOR_NOT_FOUND (actor ids " +
      "unknown) and RESOURCE_NOT_FOUND (stored resource unknown or archived) are fail-closed denies that " +
      "are audited like any other deny.",
  },
  Decision: { values: ["allow", "deny"], description: "Outcome of an authorization decision." },
  Scope: {
    values: ["self", "group", "group_tree", "space", "global"],
    description:
      "Reach of a permission. `group_tree` covers the anchor group and every descendant path " +
      "(`finance` covers `finance.apac`, never `financeops`). `global` is reserved and never allows.",
  },
  AdminGrantLevel: {
    values: ["instance_super_admin", "instance_admin", "space_admin", "group_admin"],
    description: "Reach of an admin grant on the management plane.",
  },
  ApiKeyLevel: { values: ["instance", "space", "group"], description: "Reach of a scoped API key." },
  EntityStatus: {
    values: ["active", "disabled"],
    description: "Lifecycle of users, spaces, groups, members, roles, permissions and registry entries.",
  },
  UserMemberStatus: {
    values: ["active", "disabled", "revoked"],
    description: "Lifecycle of a User-to-Member binding. Anything but `active` denies.",
  },
  GrantStatus: { values: ["active", "revoked"], description: "Lifecycle of member-role and admin grants." },
  ApiKeyStatus: { values: ["active", "disabled", "revoked"], description: "Lifecycle of an API key." },
  ResourceStatus: {
    values: ["active", "archived", "deleted"],
    description: "Lifecycle of a protected resource record (`deleted` is the Data Console soft delete).",
  },
  RiskLevel: { values: ["low", "medium", "high", "critical"], description: "Risk of a resource action." },
  StorageKind: {
    values: ["internal_table"],
    description: "Where mapped resources live. Only the built-in resources table is supported.",
  },
  CredentialType: { values: ["session", "api_key"], description: "Kind of credential on the request." },
  // A response-only widening of CredentialType for stored mutation traces (v1.0's trace is a free-form
  // map, so no v1.0 client depends on a closed set here).
  MutationCredentialType: {
    values: ["session", "api_key", "cli", "anonymous"],
    description:
      "Who performed a management mutation: a session, an API key, `cli` (plystractl on the server host, " +
      "no HTTP credential) or `anonymous` (a public route such as registration).",
  },
  RegistrationMode: {
    values: ["ordinary", "bootstrap", "public_user_only"],
    description: "Which registration path created the account.",
  },
};

// ---------------------------------------------------------------------------------------------
// Schema mini-language
//
// A field list is a whitespace-separated string of `name:type` entries.
//   type    s | i | b | dt | meta | any | obj | @SchemaName | [type] | map<b> | map<i>
//   type?   nullable (value may be JSON null)
//   name~   optional (left out of `required`); everything else is required
// Request-side constraints (the server's validators enforce exactly these; the contract fuzzer
// checks both directions):
//   id | ref | ne | email | token | regkey | slug | spaceslug | gname | akid | permkey   named kinds (STRINGS)
//   =a|b    string enum of the listed values (`=resources` is a single allowed value)
//   t{m,n}  bounds after a string, integer or array type: min/max length, value or items (`s{,500}`)
// ---------------------------------------------------------------------------------------------

const ref = (name) => ({ $ref: `#/components/schemas/${name}` });

const BASE = {
  s: () => ({ type: "string" }),
  i: () => ({ type: "integer" }),
  b: () => ({ type: "boolean" }),
  dt: () => ({ type: "string", format: "date-time" }),
  meta: () => ({
    type: "object",
    additionalProperties: true,
    description: "Free-form JSON object owned by the caller.",
  }),
  obj: () => ({ type: "object", additionalProperties: true }),
  any: () => ({ description: "Any JSON value." }),
};

/** Named request string kinds, mirroring the server's zod validators. */
const STRINGS = {
  // Client-chosen ids: safe in a URL path segment.
  id: { minLength: 1, maxLength: 128, pattern: "^[A-Za-z0-9_.:@-]+$" },
  // References to stored rows (existence is checked by the handler).
  ref: { minLength: 1, maxLength: 128 },
  // Non-blank: the server trims before checking it is present (JS trim also strips U+FEFF).
  ne: { minLength: 1, pattern: "^[^\\u0000]*[^\\s\\ufeff\\u0000][^\\u0000]*$" },
  email: { minLength: 3, maxLength: 320, pattern: "^[^\\s@\\ufeff\\u0000]+@[^\\s@\\ufeff\\u0000]+$" },
  // Role keys, permission resource/action tokens.
  token: { minLength: 1, maxLength: 100, pattern: "^[A-Za-z0-9_.:-]+$" },
  // Resource registry keys.
  regkey: { minLength: 1, maxLength: 100, pattern: "^[a-z0-9][a-z0-9_-]{0,99}$" },
  slug: { minLength: 1, maxLength: 100, pattern: "^[a-z0-9][a-z0-9_-]*$" },
  spaceslug: { minLength: 1, maxLength: 63, pattern: "^[a-z0-9][a-z0-9_-]{0,62}$" },
  // A group name is one path segment.
  gname: { minLength: 1, maxLength: 100, pattern: "^[A-Za-z0-9_-]+$" },
  // Admin grant and API key ids end up inside the plaintext key, so no `.`.
  akid: { minLength: 1, maxLength: 128, pattern: "^[A-Za-z0-9_-]{1,128}$" },
  // Admin permission key: `*` or `domain:action` (action may be `*`); case-insensitive.
  permkey: { pattern: "^(\\*|[A-Za-z0-9_-]+:([A-Za-z0-9_-]+|\\*))$" },
};
for (const [name, constraints] of Object.entries(STRINGS)) {
  BASE[name] = () => ({ type: "string", ...constraints });
}

/** `{min,max}` after a type: length, value or item bounds depending on the type. */
function applyBounds(schema, min, max) {
  const [lo, hi] =
    schema.type === "array"
      ? ["minItems", "maxItems"]
      : schema.type === "integer"
        ? ["minimum", "maximum"]
        : ["minLength", "maxLength"];
  const out = { ...schema };
  if (min !== "") out[lo] = Number(min);
  if (max !== "") out[hi] = Number(max);
  return out;
}

function nullable(schema) {
  if (schema.$ref) return { oneOf: [schema, { type: "null" }] };
  if (!schema.type) return schema;
  const out = { ...schema, type: [schema.type, "null"] };
  if (schema.enum) out.enum = [...schema.enum, null];
  return out;
}

function parseType(t) {
  let isNull = false;
  let src = t;
  if (src.endsWith("?")) {
    isNull = true;
    src = src.slice(0, -1);
  }
  const bounds = /^(.+)\{(-?\d*),(-?\d*)\}$/.exec(src);
  if (bounds) return maybeNull(applyBounds(parseType(bounds[1]), bounds[2], bounds[3]), isNull);
  let schema;
  if (src.startsWith("=")) schema = { type: "string", enum: src.slice(1).split("|") };
  else if (src.startsWith("[")) schema = { type: "array", items: parseType(src.slice(1, -1)) };
  else if (src.startsWith("@")) schema = ref(src.slice(1));
  else if (src.startsWith("map<")) {
    schema = { type: "object", additionalProperties: parseType(src.slice(4, -1)) };
  } else if (BASE[src]) schema = BASE[src]();
  else throw new Error(`unknown type ${t}`);
  return maybeNull(schema, isNull);
}

const maybeNull = (schema, isNull) => (isNull ? nullable(schema) : schema);

/**
 * Build an object schema.
 * opts.desc: field -> description; opts.ex: field -> example; opts.optionalAll: every field optional;
 * opts.required: explicit required list (overrides `~` markers); opts.extra: additionalProperties.
 */
function obj(fields, opts = {}) {
  const properties = {};
  const required = [];
  for (const entry of fields.trim().split(/\s+/)) {
    const idx = entry.indexOf(":");
    let name = entry.slice(0, idx);
    const type = entry.slice(idx + 1);
    let optional = false;
    if (name.endsWith("~")) {
      optional = true;
      name = name.slice(0, -1);
    }
    let schema = parseType(type);
    const desc = opts.desc?.[name];
    const ex = opts.ex?.[name];
    if (desc || ex !== undefined) {
      // A $ref cannot carry siblings usefully for every tool; wrap it in allOf when decorated.
      if (schema.$ref) schema = { allOf: [schema] };
      if (desc) schema = { ...schema, description: desc };
      if (ex !== undefined) schema = { ...schema, examples: [ex] };
    }
    properties[name] = schema;
    if (!optional && !opts.optionalAll) required.push(name);
  }
  const out = { type: "object" };
  if (opts.description) out.description = opts.description;
  out.required = opts.required ?? required;
  out.properties = properties;
  if (opts.extra !== undefined) out.additionalProperties = opts.extra;
  return out;
}

const TS = "created_at:dt updated_at:dt";
const TSD = `${TS} deleted_at:dt?`;

const IDS_EX = {
  request_id: "req_01hzyj6b6q8",
  trace_id: "trace_01hzyj6b6q8",
  audit_log_id: "audit_01hzyj6b6q8",
};

// ---------------------------------------------------------------------------------------------
// Component schemas
// ---------------------------------------------------------------------------------------------

const schemas = {};

for (const [name, { values, description }] of Object.entries(ENUMS)) {
  schemas[name] = { type: "string", description, enum: values };
}

// Envelope building blocks -------------------------------------------------------------------

schemas.ApiOpenAPIPagination = obj("limit:i cursor:s? has_more:b", {
  description:
    "Keyset pagination state. Pass `cursor` back as the `cursor` query parameter for the next page.",
  desc: {
    limit: "The page size that was applied.",
    cursor: "Opaque cursor of the next page; null when there is none.",
    has_more: "True when another page exists.",
  },
  ex: { limit: 50, has_more: false },
});
schemas.ApiOpenAPIPagination.properties.limit = {
  ...schemas.ApiOpenAPIPagination.properties.limit,
  minimum: 1,
  maximum: 200,
};

schemas.ApiOpenAPIError = obj(
  "code:@ErrorCode message:s details:any request_id:s deny_code~:@DenyCode trace_id~:s audit_log_id~:s",
  {
    description:
      "Error detail. `deny_code`, `trace_id` and `audit_log_id` are present when the error carries an " +
      "authorization decision (AUTHORIZATION_DENIED).",
    desc: {
      message: "Safe, human-readable explanation. Never contains secrets or stack traces.",
      details:
        "Structured context, e.g. `{field, reason}` for validation failures, `{permission}` for " +
        "ADMIN_PERMISSION_REQUIRED, `{retry_after_seconds}` for AUTH_RATE_LIMITED. Null when there is none.",
    },
    ex: { message: "Request body is invalid JSON.", ...IDS_EX },
  },
);
schemas.ApiOpenAPIErrorEnvelope = obj("error:@ApiOpenAPIError request_id:s", {
  description: "Body of every non-2xx JSON response.",
  ex: { request_id: IDS_EX.request_id },
});

// System --------------------------------------------------------------------------------------

schemas.ApiOpenAPIHealth = obj("status:s", { ex: { status: "ok" } });
schemas.ApiOpenAPIHealth.properties.status.enum = ["ok"];
schemas.ApiOpenAPIReady = obj(
  "status:s schema_version:s expected_schema_version:s trace_version:s system_capabilities:obj plugins:obj",
  {
    ex: { status: "ready", schema_version: "017", expected_schema_version: "017", trace_version: "1.0" },
    desc: {
      system_capabilities: "Built-in capability states keyed by capability id.",
      plugins: "Preview plugin metadata summary; an empty object when none are installed.",
    },
  },
);
schemas.ApiOpenAPIReady.properties.status.enum = ["ready"];
schemas.ApiOpenAPIVersionResponse = obj(
  "version:s core_version:s api_version:s schema_version:s expected_schema_version:s trace_version:s " +
    "build_time:s? plugin_api_version~:s resource_registry_version~:s system_capabilities:obj plugins:obj",
  {
    desc: {
      version: "Core version (same value as `core_version`, kept for v1.0 clients).",
      system_capabilities: "Built-in capability states keyed by capability id (as in readiness).",
      plugins: "Preview plugin metadata summary; an empty object when none are installed.",
    },
    ex: { version: "1.0.0", core_version: "1.0.0", api_version: "v1", trace_version: "1.0" },
  },
);

// Auth and actor --------------------------------------------------------------------------------

schemas.ApiOpenAPIUserSession = obj("id:s email:s status:@EntityStatus", {
  ex: { id: "user_alice", email: "alice@example.com" },
});
schemas.ApiOpenAPIActorRef = obj("user_id:s member_id:s user_member_id:s space_id:s", {
  description: "The acting identity: a User acting through a Member via a UserMember binding in a Space.",
  ex: {
    user_id: "user_alice",
    member_id: "member_finance_reviewer",
    user_member_id: "um_alice_finance_reviewer",
    space_id: "space_acme",
  },
});
schemas.ApiOpenAPIAvailableMember = obj(
  "user_member_id:s user_id:s user_email:s member_id:s member_display_name:s space_id:s space_name:s " +
    "relation_type:s is_primary:b",
  { description: "A live binding the session user may act through." },
);
const SESSION_FIELDS =
  "access_token:s refresh_token:s token_type:s expires_at:dt refresh_expires_at:dt user:@ApiOpenAPIUserSession";
schemas.ApiOpenAPILoginResponse = obj(
  `${SESSION_FIELDS} actor:@ApiOpenAPIActorRef available_members:[@ApiOpenAPIAvailableMember]`,
  {
    ex: { token_type: "Bearer" },
    desc: {
      access_token: "Opaque access token (`ply_at_…`), valid for 15 minutes.",
      refresh_token: "Opaque refresh token (`ply_rt_…`). Single use: each refresh rotates both tokens.",
    },
  },
);
schemas.ApiOpenAPILoginResponse.properties.token_type.enum = ["Bearer"];
schemas.ApiOpenAPIRefreshResponse = obj(
  "access_token:s refresh_token:s token_type:s expires_at:dt refresh_expires_at:dt",
  { ex: { token_type: "Bearer" } },
);
schemas.ApiOpenAPIRefreshResponse.properties.token_type.enum = ["Bearer"];
schemas.ApiOpenAPILogoutResponse = obj("logged_out:b", { ex: { logged_out: true } });
schemas.ApiOpenAPIRegisterResponse = obj(
  "user:@ApiOpenAPIUserSession actor:@ApiOpenAPIActorRef? available_members:[@ApiOpenAPIAvailableMember] " +
    "access_token:s? refresh_token:s? token_type:s? expires_at:dt? refresh_expires_at:dt? " +
    "registration_mode:@RegistrationMode bootstrap_super_admin:b bootstrap_admin_grant_id:s? " +
    "space_admin_grant_id:s? user_only:b registration_requires_approval:b",
  {
    description:
      "Token fields, `actor` and the grant ids are null for `public_user_only` registrations, which " +
      "create only the User.",
  },
);
schemas.ApiOpenAPIActorContextResponse = obj(
  "session_id:s actor:@ApiOpenAPIActorRef available_members:[@ApiOpenAPIAvailableMember] expires_at:dt",
  { desc: { expires_at: "Expiry of the session's current access token." } },
);

schemas.ApiOpenAPIAuthMeSession = obj(
  "active_space_id:s? active_member_id:s? active_user_member_id:s? expires_at:dt refresh_expires_at:dt",
  { description: "The session's active actor selection and token expiries." },
);
schemas.ApiOpenAPIAuthMeResponse = obj(
  "session_id:s user:@ApiOpenAPIUserSession session:@ApiOpenAPIAuthMeSession actor:@ApiOpenAPIActorRef? " +
    "available_members:[@ApiOpenAPIAvailableMember]",
  { desc: { actor: "The session's active actor; null when the user has no live Member binding." } },
);

// Management entities ---------------------------------------------------------------------------

schemas.ApiOpenAPIUser = obj(
  `id:s email:s username:s? phone:s? status:@EntityStatus metadata:meta last_login_at:dt? password_changed_at:dt? ${TSD}`,
  { description: "A login account. Password hashes are never returned.", ex: { id: "user_alice" } },
);
schemas.ApiOpenAPISpace = obj(`id:s name:s slug:s? type:s? status:@EntityStatus metadata:meta ${TSD}`, {
  description: "A tenant boundary.",
  ex: { id: "space_acme", name: "Acme" },
});
schemas.ApiOpenAPIGroup = obj(
  "id:s space_id:s parent_group_id:s? parent_id:s? name:s display_name:s? path:s depth:i sort_order:i " +
    `status:@EntityStatus metadata:meta ${TSD}`,
  {
    description: "A node of a Space's group hierarchy. `path` is materialised and immutable.",
    desc: { parent_id: "Alias of `parent_group_id`." },
    ex: { id: "group_finance_apac", path: "finance.apac" },
  },
);
schemas.ApiOpenAPIMember = obj(
  `id:s space_id:s display_name:s member_type:s status:@EntityStatus metadata:meta ${TSD}`,
  {
    description: "A business identity inside one Space; Users act through Members.",
    ex: { id: "member_finance_reviewer", member_type: "human" },
  },
);
schemas.ApiOpenAPIUserMember = obj(
  "id:s user_id:s member_id:s space_id:s email:s member_display_name:s relation_type:s is_primary:b " +
    "status:@UserMemberStatus expires_at:dt? linked_at:dt? linked_by_member_id:s? revoked_at:dt? " +
    `revoked_reason:s? metadata:meta ${TSD}`,
  { description: "An explicit, revocable binding letting a User act as a Member." },
);
schemas.ApiOpenAPIRole = obj(
  `id:s space_id:s key:s name:s description:s? status:@EntityStatus metadata:meta ${TSD}`,
  { ex: { key: "finance_approver" } },
);
schemas.ApiOpenAPIMemberRole = obj(
  "id:s space_id:s member_id:s member_display_name:s role_id:s role_key:s role_name:s " +
    `scope_anchor_group_id:s? scope_anchor_path:s? status:@GrantStatus metadata:meta ${TSD}`,
  { description: "A role granted to a Member, optionally anchored at a Group for group scopes." },
);
schemas.ApiOpenAPIPermission = obj(
  `id:s resource:s action:s scope:@Scope description:s? status:@EntityStatus metadata:meta ${TSD}`,
  {
    description: "A `resource` + `action` + `scope` triple.",
    ex: { resource: "invoice", action: "approve" },
  },
);
schemas.ApiOpenAPIRolePermission = obj(
  `id:s role_id:s role_key:s space_id:s permission_id:s resource:s action:s scope:@Scope status:@GrantStatus ` +
    `metadata:meta ${TSD}`,
  {
    description: "Binding of a Permission to a Role.",
    desc: {
      status:
        "`active` while the binding grants; deleting it (a soft delete) makes it `revoked` and sets `deleted_at`.",
    },
  },
);
schemas.ApiOpenAPIResourceType = obj(
  `id:s key:s display_name:s description:s? source:s status:@EntityStatus metadata:meta ${TS}`,
  { ex: { key: "invoice", source: "core" } },
);
schemas.ApiOpenAPIResourceAction = obj(
  "id:s resource_type:s resource_type_id:s key:s display_name:s description:s? risk_level:@RiskLevel " +
    "audit_default:b metadata:meta created_at:dt updated_at:dt",
  {
    ex: { key: "approve" },
    desc: {
      resource_type: "Key of the owning resource type.",
      resource_type_id: "Id of the owning resource type.",
    },
  },
);
schemas.ApiOpenAPIResourceMapping = obj(
  "id:s resource_type:s resource_type_id:s display_name:s source:s storage_kind:@StorageKind table_name:s? " +
    "id_field:s space_field:s group_field:s? owner_member_field:s? visibility_field:s? metadata_field:s? " +
    `status:@EntityStatus metadata:meta ${TS}`,
  { ex: { table_name: "resources", id_field: "id", space_field: "space_id" } },
);
schemas.ApiOpenAPIResource = obj(
  "id:s resource_type:s external_id:s? display_name:s? space_id:s space_name:s group_id:s? group_path:s? " +
    `owner_member_id:s? owner_member_display_name:s? visibility:s? status:@ResourceStatus metadata:meta ${TSD}`,
  { description: "A protected resource record.", ex: { id: "invoice_001", resource_type: "invoice" } },
);
const AUDIT_FIELDS =
  "id:s seq:i space_id:s? actor_user_id:s? actor_member_id:s? actor_user_member_id:s? actor_api_key_id:s? " +
  "action:s resource_type:s " +
  "resource_id:s decision:@Decision deny_code:@DenyCode? request_id:s? ip_address:s? user_agent:s? created_at:dt";
const AUDIT_DESC = {
  seq:
    "Position in the append-only log: unique and increasing, the list order (newest first) and the " +
    "hash chain's order.",
  actor_api_key_id: "The API key that made the request; null for sessions and the CLI.",
};
schemas.ApiOpenAPIAuditLog = obj(AUDIT_FIELDS, {
  description: "One append-only audit row (authorization decision or management mutation).",
  desc: AUDIT_DESC,
  ex: { id: IDS_EX.audit_log_id, action: "invoice.approve" },
});
schemas.ApiOpenAPIAuditLogDetail = obj(`${AUDIT_FIELDS} trace:@ApiOpenAPIAuditTrace`, {
  description: "An audit row with its stored trace.",
  desc: AUDIT_DESC,
});
schemas.ApiOpenAPIAuditTrace = {
  description:
    "Stored snapshot that explains the row without live data: a full decision for authorization " +
    "rows, a mutation record for management rows.",
  oneOf: [ref("ApiOpenAPIAuthzDecision"), ref("ApiOpenAPIMutationTrace")],
};
schemas.ApiOpenAPIMutationTrace = obj(
  "trace_version:s kind:s decision:@Decision reason:s request_id:s? actor:@ApiOpenAPIMutationActor " +
    "target:@ApiOpenAPIMutationTarget changes~:@ApiOpenAPIMutationChanges details:obj created_at:dt",
  {
    description: "Trace of an accepted management mutation.",
    desc: { changes: "What the mutation changed (secrets redacted)." },
    extra: true,
    ex: { reason: "Core management API mutation was accepted" },
  },
);
schemas.ApiOpenAPIMutationTrace.properties.kind.enum = ["management_mutation"];
schemas.ApiOpenAPIMutationActor = obj(
  "credential_type:@MutationCredentialType user_id:s? member_id:s? user_member_id:s? api_key_id:s? session_id:s?",
  { description: "Credential that performed a management mutation.", extra: true },
);
schemas.ApiOpenAPIMutationChanges = obj("before:obj? after:obj?", {
  description:
    "The fields that differ between the row before and after the mutation, each side restricted to " +
    "those fields; the whole row on the side that exists when the row was created or has no prior state " +
    "(null on the other). Secret-looking keys are dropped.",
});
schemas.ApiOpenAPIMutationTarget = obj("resource_type:s resource_id:s", { extra: true });

schemas.ApiOpenAPIAdminGrant = obj(
  "id:s user_id:s member_id:s? space_id:s? group_id:s? level:@AdminGrantLevel permission_key:s " +
    "status:@GrantStatus granted_by_user_id:s? granted_by_member_id:s? expires_at:dt? revoked_at:dt? " +
    `revoked_reason:s? metadata:meta ${TSD}`,
  { ex: { permission_key: "spaces:manage" } },
);
const API_KEY_FIELDS =
  "id:s name:s key_prefix:s level:@ApiKeyLevel space_id:s? group_id:s? permission_keys:[s] status:@ApiKeyStatus " +
  "expires_at:dt? last_used_at:dt? created_by_user_id:s? created_by_member_id:s? revoked_at:dt? " +
  `revoked_by_user_id:s? revoked_reason:s? metadata:meta ${TSD}`;
schemas.ApiOpenAPIAPIKey = obj(API_KEY_FIELDS, {
  description: "A scoped machine credential. The secret is never returned after creation.",
  ex: { key_prefix: "ply_ak_ak_billing_service_prod" },
});
schemas.ApiOpenAPIAPIKeyCreated = obj(`${API_KEY_FIELDS} api_key:s key:s`, {
  description: "A newly created API key, including its plaintext (shown exactly once).",
  desc: {
    api_key: "Plaintext key `ply_ak_<id>.<secret>`. Only returned by POST /api/v1/api-keys.",
    key: "Same value as `api_key` (the v1.0 schema's name for it).",
  },
});
schemas.ApiOpenAPIAdminMeResponse = obj(
  "credential_type:@CredentialType user_id:s? session_id:s? active_space:s? active_member:s? " +
    "grants:[@ApiOpenAPIAdminGrant] capabilities:map<b> api_key:@ApiOpenAPIAPIKey?",
  {
    desc: {
      capabilities: "Permission keys the credential holds, each mapped to true; `*` for super admins.",
      api_key: "The calling key when the credential is an API key; otherwise null.",
    },
  },
);
schemas.ApiOpenAPIOverviewResponse = obj("counts:map<i> recent_audit_logs:[@ApiOpenAPIAuditLog]", {
  desc: { counts: "Row counts keyed by entity name (users, spaces, members, …)." },
});

// Authorization ---------------------------------------------------------------------------------

schemas.AuthzActorContext = obj(
  "user_id:s? member_id:s? user_member_id:s? binding_id:s? space_id:s? user_email:s? user_status:s? " +
    "member_display_name:s? member_status:s? binding_status:s? relation_type:s? space_name:s? space_status:s?",
  {
    optionalAll: true,
    extra: false,
    description:
      "Actor of a check. `binding_id` is an alias of `user_member_id`. The name/status fields are inline " +
      "(Context Mode) metadata and require an API key.",
  },
);
schemas.ApiAuthzResourceContext = obj(
  "type:s? id:s? external_id:s? space_id:s? group_id:s? group_path:s? owner_member_id:s? display_name:s? " +
    "visibility:s? status:s? metadata:meta?",
  {
    optionalAll: true,
    extra: false,
    description:
      "Inline target snapshot (Context Mode, API keys only). `type`/`id` alone are not inline context.",
  },
);
schemas.AuthzGrantContext = obj(
  "scope:@Scope role_id~:s? role_key~:s? permission_id~:s? resource~:s? action~:s? space_id~:s? " +
    "scope_anchor_group_id~:s? scope_anchor_group_path~:s?",
  { extra: false, description: "Inline permission grant (Context Mode, API keys only)." },
);
schemas.ApiAuthzRequest = obj(
  "action:s{1,} actor~:@AuthzActorContext? resource_type~:s? resource_id~:s? " +
    "resource~:@ApiAuthzResourceContext? grants~:[@AuthzGrantContext]{,1000}? explain~:b? request_id~:any ip~:any " +
    "user_agent~:any",
  {
    extra: false,
    description:
      "Authorization question. With a session `actor` may be omitted (the session's active binding is " +
      "used); API keys must send it. `resource_type`/`resource_id` may come from `resource.type`/`resource.id`.",
    desc: {
      explain: "When true the check response also carries the full `trace`.",
      request_id: "Accepted from older clients and ignored: the audited request id is the server's.",
      ip: "Accepted and ignored: the audited address comes from the connection or a trusted proxy.",
      user_agent: "Accepted and ignored: the audited value is the User-Agent header.",
    },
    ex: { action: "approve", resource_type: "invoice", resource_id: "invoice_001" },
  },
);
schemas.AuthzAuditContext = obj(
  "audit_log_id~:s? actor_user_id:s actor_member_id:s actor_user_member_id:s space_id:s action:s " +
    "resource_type:s resource_id:s decision:@Decision deny_code:@DenyCode? request_id~:s?",
  { description: "Audit attribution of a decision.", ex: { action: "invoice.approve" } },
);
schemas.ApiOpenAPIAuthzScopeCheck = obj("covered:b rule:s reason:s", {
  description: "Result of evaluating one candidate's scope against the target.",
  ex: { rule: "target_path = anchor_path OR target_path LIKE anchor_path || '.%'" },
});
schemas.ApiOpenAPIAuthzExplanation = obj(
  "actor:@ApiOpenAPIActorRef resource:@ApiOpenAPIAuthzExplanationResource " +
    "candidate:@ApiOpenAPIAuthzExplanationCandidate?",
  {
    description:
      "Compact reason for the decision. `candidate` is the deciding grant: the first covering candidate " +
      "on allow, the first candidate that produced the deny code on deny; null when none matched.",
  },
);
schemas.ApiOpenAPIAuthzExplanationResource = obj("type:s id:s group_path:s?", {
  ex: { type: "invoice", id: "invoice_001", group_path: "finance.apac" },
});
schemas.ApiOpenAPIAuthzExplanationCandidate = obj(
  "role_key:s permission:@ApiOpenAPIAuthzPermissionRef anchor_path:s? scope_check:@ApiOpenAPIAuthzScopeCheck",
  { ex: { role_key: "finance_approver", anchor_path: "finance" } },
);
schemas.ApiOpenAPIAuthzPermissionRef = obj("resource:s action:s scope:@Scope", {
  ex: { resource: "invoice", action: "approve" },
});
schemas.ApiOpenAPIAuthzCheckResponse = obj(
  "allow:b decision:@Decision deny_code:@DenyCode? reason:s trace_id:s audit_log_id:s audit:@AuthzAuditContext " +
    "explanation:@ApiOpenAPIAuthzExplanation trace~:@ApiOpenAPIAuthzDecision",
  {
    description: "A decision. Allow and deny are both 200 responses; a deny is data, not an error.",
    desc: { trace: "Full decision trace; present only when the request set `explain: true`." },
    ex: {
      reason: "at least one matching permission grant covers the target resource",
      trace_id: IDS_EX.trace_id,
      audit_log_id: IDS_EX.audit_log_id,
    },
  },
);

// Decision trace (explain response and stored audit trace). Snapshots allow unknown properties so
// traces written by older versions keep validating.
const snap = (fields, opts = {}) => obj(fields, { extra: true, ...opts });
schemas.ApiOpenAPITraceUser = snap("id:s email~:s? status:s");
schemas.ApiOpenAPITraceMember = snap("id:s space_id:s display_name:s status:s");
schemas.ApiOpenAPITraceUserMember = snap(
  "id:s user_id:s member_id:s space_id:s relation_type:s status:s is_primary:b expires_at:dt?",
);
schemas.ApiOpenAPITraceSpace = snap("id:s name:s status:s");
schemas.ApiOpenAPITraceActor = snap(
  "user:@ApiOpenAPITraceUser? member:@ApiOpenAPITraceMember? user_member:@ApiOpenAPITraceUserMember? " +
    "space:@ApiOpenAPITraceSpace?",
  { description: "Actor snapshot; a part is null when it could not be loaded (ACTOR_NOT_FOUND)." },
);
schemas.ApiOpenAPITraceResource = snap(
  "id:s type:s space_id:s group_id:s? owner_member_id:s? external_id~:s? group_path~:s? display_name~:s? " +
    "visibility~:s? status~:s? metadata~:obj?",
);
schemas.ApiOpenAPITraceGroup = snap("id:s space_id:s path:s status:s");
schemas.ApiOpenAPITraceTarget = snap("resource:@ApiOpenAPITraceResource? group:@ApiOpenAPITraceGroup?", {
  description: "Target snapshot; `resource` is null when it could not be loaded, `group` when it has none.",
});
schemas.ApiOpenAPITraceResourceType = snap(
  "id:s key:s display_name:s status:s source:s description~:s? metadata~:obj?",
);
schemas.ApiOpenAPITraceResourceAction = snap(
  "id:s resource_type_id:s key:s display_name:s risk_level:s audit_default:b description~:s? metadata~:obj?",
);
schemas.ApiOpenAPITraceResourceMapping = snap(
  "id:s resource_type_id:s storage_kind:s id_field:s space_field:s status:s table_name~:s? group_field~:s? " +
    "owner_member_field~:s? visibility_field~:s? metadata_field~:s? metadata~:obj?",
);
schemas.ApiOpenAPITraceRegistry = snap(
  "resource_type:@ApiOpenAPITraceResourceType? action:@ApiOpenAPITraceResourceAction? " +
    "mapping:@ApiOpenAPITraceResourceMapping?",
  { description: "Registry entries used; null parts mark a registry miss." },
);
schemas.ApiOpenAPITraceRole = snap("id:s key:s space_id:s");
schemas.ApiOpenAPITracePermission = snap("id:s resource:s action:s scope:@Scope");
schemas.ApiOpenAPITraceScopeCheck = snap("covered:b rule:s reason:s deny_code~:@DenyCode");
schemas.ApiOpenAPITraceCandidate = snap(
  "role:@ApiOpenAPITraceRole permission:@ApiOpenAPITracePermission scope_anchor:@ApiOpenAPITraceGroup? " +
    "scope_check:@ApiOpenAPITraceScopeCheck member_role_space_id:s",
);
schemas.ApiOpenAPITraceRequest = snap("request_id~:s? ip~:s? user_agent~:s?");
schemas.ApiOpenAPIAuthzDecision = snap(
  "trace_version:s trace_id:s decision:@Decision deny_code:@DenyCode? reason:s actor:@ApiOpenAPITraceActor " +
    "space:@ApiOpenAPITraceSpace? target:@ApiOpenAPITraceTarget resource_registry:@ApiOpenAPITraceRegistry " +
    "matched_candidates:[@ApiOpenAPITraceCandidate]? request:@ApiOpenAPITraceRequest audit:@AuthzAuditContext",
  {
    description:
      "The full decision: everything the outcome depended on, so a stored trace explains itself " +
      "without live data.",
    desc: {
      matched_candidates:
        "Every candidate grant with its scope check, in evaluation order. Null when none were loaded " +
        "(registry miss, unknown actor).",
    },
    ex: { trace_version: "1.0", trace_id: IDS_EX.trace_id },
  },
);

// Data Console (preview) --------------------------------------------------------------------------

schemas.ApiOpenAPIDataRowMutationResponse = obj(
  "row:@ApiOpenAPIResource authorization:@ApiOpenAPIAuthzCheckResponse",
  { description: "The written row and the decision that allowed it." },
);

// Request bodies ----------------------------------------------------------------------------------

const ACTOR = "actor:@AuthzActorContext";
/**
 * Request body pair: `Api<X>MutationRequest` (every field optional; PATCH and state transitions)
 * and, when createRequired is given, `Api<X>CreateRequest` (same fields, those required).
 */
function requestPair(name, fields, createRequired, extraOpts = {}) {
  const mutation = obj(fields, { optionalAll: true, extra: false, ...extraOpts });
  mutation.required = [];
  schemas[`Api${name}MutationRequest`] = mutation;
  if (createRequired) {
    const create = obj(fields, { optionalAll: true, extra: false, ...extraOpts });
    create.required = createRequired;
    schemas[`Api${name}CreateRequest`] = create;
  }
}
const optionalObj = (fields, opts = {}) => {
  const o = obj(fields, { optionalAll: true, extra: false, ...opts });
  o.required = opts.required ?? [];
  return o;
};

schemas.ApiAuthLoginRequest = obj("email:ne password:s{1,}", {
  extra: false,
  ex: { email: "alice@example.com" },
});
schemas.ApiAuthLogoutRequest = optionalObj("refresh_token:s", {
  description: "Used only when no bearer token is sent.",
});
schemas.ApiAuthRefreshRequest = obj("refresh_token:ne", { extra: false });
schemas.ApiAuthRegisterRequest = optionalObj(
  "email:email password:s username:s{,200}? phone:s{,64}? space_name:s{,200} " +
    "space_slug:spaceslug member_display_name:s{,200} registration_token:s metadata:meta?",
  { required: ["email", "password"] },
);
schemas.ApiSwitchMemberRequest = optionalObj("member_id:ne user_member_id:ne", {
  description: "Either or both filter the session user's live bindings.",
});

requestPair(
  "User",
  `id:id email:email password:s? username:s{,200}? phone:s{,50}? status:@EntityStatus metadata:meta? audit_space_id:s{1,} ${ACTOR}`,
  ["email"],
);
requestPair(
  "Space",
  `id:id name:ne{,200} slug:slug? type:s{1,100}? status:@EntityStatus metadata:meta? ${ACTOR}`,
  ["name"],
);
requestPair(
  "Group",
  "id:id name:gname display_name:s{,200}? parent_group_id:ref? parent_id:ref? path:s{1,1000} " +
    "sort_order:i{-2147483648,2147483647}? " +
    "status:@EntityStatus " +
    `metadata:meta? ${ACTOR}`,
  ["name"],
  {
    desc: {
      path: "Materialised path. Defaults to the parent's path plus `.name`; immutable after creation.",
      parent_id: "Alias of `parent_group_id`.",
    },
  },
);
requestPair(
  "Member",
  `id:id display_name:ne{,200} member_type:s{1,50}? status:@EntityStatus metadata:meta? ${ACTOR}`,
  ["display_name"],
);
requestPair(
  "UserMember",
  "id:id user_id:ref member_id:ref relation_type:s{1,50} is_primary:b? expires_at:dt? linked_at:dt? " +
    `linked_by_member_id:ref? revoked_reason:s{,500}? status:@UserMemberStatus metadata:meta? ${ACTOR}`,
  ["user_id", "member_id"],
);
requestPair(
  "Role",
  `id:id key:token name:ne{,200} description:s{,2000}? status:@EntityStatus metadata:meta? ${ACTOR}`,
  ["key", "name"],
);
requestPair(
  "MemberRole",
  `id:id member_id:ref role_id:ref scope_anchor_group_id:ref? status:@GrantStatus metadata:meta? ${ACTOR}`,
  ["member_id", "role_id"],
);
requestPair(
  "Permission",
  "id:id resource:token action:token scope:@Scope description:s{,2000}? status:@EntityStatus metadata:meta? " +
    "audit_space_id:s{1,} " +
    ACTOR,
  ["resource", "action", "scope"],
);
schemas.ApiRolePermissionMutationRequest = optionalObj(
  `id:id role_id:ref permission_id:ref audit_space_id:s{1,} metadata:meta? ${ACTOR}`,
  { required: ["role_id", "permission_id"] },
);
schemas.ApiResourceTypeMutationRequest = optionalObj(
  "id:s{1,200} key:regkey display_name:s{1,200} description:s{,2000}? source:s{1,100} status:@EntityStatus " +
    "metadata:meta?",
  { required: ["key"] },
);
schemas.ApiResourceActionMutationRequest = optionalObj(
  "id:s{1,200} key:regkey display_name:s{1,200} description:s{,2000}? risk_level:@RiskLevel audit_default:b? " +
    "metadata:meta?",
  { required: ["key"] },
);
schemas.ApiResourceMappingMutationRequest = optionalObj(
  "id:s{1,200} storage_kind:@StorageKind table_name:=resources? id_field:=id space_field:=space_id " +
    "group_field:=group_id? owner_member_field:=owner_member_id? visibility_field:=visibility? " +
    "metadata_field:=metadata? status:@EntityStatus metadata:meta?",
  {
    description:
      "Only the built-in `resources` table is supported, so each field may only name its own column.",
  },
);
const RESOURCE_REQ =
  "id:s{1,200} resource_type:s{1,100} space_id:s{1,} external_id:s{,1000}? display_name:s{,1000}? group_id:s{1,}? " +
  `owner_member_id:s{1,}? visibility:s{1,50}? status:=active|archived metadata:meta? ${ACTOR}?`;
requestPair("Resource", RESOURCE_REQ, ["resource_type", "space_id"]);
schemas.ApiSpaceResourceCreateRequest = optionalObj(RESOURCE_REQ, {
  required: ["resource_type"],
  description: "`space_id` defaults to the path's Space and must equal it when given.",
});
requestPair(
  "DataRow",
  "id:id space_id:ref display_name:s{,500}? group_id:ref? owner_member_id:ref? visibility:s{1,50}? " +
    `status:=active|archived metadata:meta? ${ACTOR}`,
  ["space_id"],
);
requestPair(
  "AdminGrant",
  "id:akid user_id:ne member_id:ne? space_id:ne? group_id:ne? level:@AdminGrantLevel permission_key:permkey " +
    "status:@GrantStatus expires_at:dt? revoked_reason:s{,500}? metadata:meta?",
  ["user_id", "level", "permission_key"],
  {
    desc: {
      permission_key: "`*` or `domain:action` (lower-case tokens of [a-z0-9_-], action may be `*`).",
    },
  },
);
requestPair(
  "ApiKey",
  "id:akid name:ne{,200} level:@ApiKeyLevel space_id:ne? group_id:ne? permission_keys:[permkey] " +
    "status:@ApiKeyStatus expires_at:dt? revoked_reason:s{,500}? metadata:meta?",
  ["name", "level", "permission_keys"],
);
Object.assign(schemas.ApiApiKeyCreateRequest.properties.permission_keys, { minItems: 1, maxItems: 256 });
// A new grant or key starts live; revoke bodies are the loose v1.0 mutation shape (only
// `revoked_reason` is read, the other fields are accepted and ignored).
Object.assign(schemas.ApiAdminGrantCreateRequest.properties, {
  status: parseType("=active"),
  revoked_reason: { type: "null" },
});
Object.assign(schemas.ApiApiKeyCreateRequest.properties, {
  status: parseType("=active|disabled"),
  revoked_reason: { type: "null" },
});
schemas.ApiAdminGrantMutationRequest = optionalObj(
  "id:s user_id:s member_id:s? space_id:s? group_id:s? level:s permission_key:s status:s expires_at:s? " +
    "revoked_reason:s{,500}? metadata:meta?",
);
schemas.ApiApiKeyMutationRequest = optionalObj(
  "id:s name:s level:s space_id:s? group_id:s? permission_keys:[s] status:s expires_at:s? " +
    "revoked_reason:s{,500}? metadata:meta?",
);

// Request strings: PostgreSQL cannot store U+0000, so the server refuses it in every string it
// reads (bodies, path and query), including inside caller metadata.
const NO_NUL = "^[^\\u0000]*$";
schemas.ApiMetadataObject = {
  type: "object",
  description:
    "Free-form JSON object owned by the caller. No U+0000 in any key or string, at any depth (only " +
    "the top level is stated here); request bodies nest at most 64 levels deep.",
  propertyNames: { pattern: NO_NUL },
  additionalProperties: {
    type: ["string", "number", "boolean", "null", "array", "object"],
    pattern: NO_NUL,
  },
};
function requestSide(node) {
  if (Array.isArray(node)) return node.map(requestSide);
  if (!node || typeof node !== "object") return node;
  if (node.description === BASE.meta().description) {
    return node.type?.includes?.("null") ? nullable(ref("ApiMetadataObject")) : ref("ApiMetadataObject");
  }
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, requestSide(v)]));
  const types = [out.type].flat();
  if (types.includes("string") && !out.pattern && !out.enum) out.pattern = NO_NUL;
  return out;
}
for (const name of Object.keys(schemas)) {
  if (/Request$|^Authz(Actor|Grant)Context$|^ApiAuthzResourceContext$/.test(name)) {
    schemas[name] = requestSide(schemas[name]);
  }
}

// ---------------------------------------------------------------------------------------------
// Parameters, headers, responses
// ---------------------------------------------------------------------------------------------

const parameters = {
  XRequestId: {
    name: "X-Request-ID",
    in: "header",
    required: false,
    description:
      "Client-chosen request id, echoed in the response when it is 1-128 printable ASCII characters " +
      "(no quotes or backslash); otherwise, or when absent, a new one is generated.",
    schema: { type: "string" },
  },
  Limit: {
    name: "limit",
    in: "query",
    required: false,
    description: "Maximum number of rows to return.",
    schema: { type: "integer", minimum: 1, maximum: 200, default: 50 },
  },
  Cursor: {
    name: "cursor",
    in: "query",
    required: false,
    description: "Opaque cursor from a previous page's `pagination.cursor`.",
    schema: { type: "string", minLength: 1, pattern: NO_NUL },
  },
};

const PATH_PARAMS = {
  admin_grant_id: "AdminGrantId",
  api_key_id: "ApiKeyId",
  audit_log_id: "AuditLogId",
  group_id: "GroupId",
  member_id: "MemberId",
  member_role_id: "MemberRoleId",
  permission_id: "PermissionId",
  resource_id: "ResourceId",
  resource_type: "ResourceTypeKey",
  role_id: "RoleId",
  role_permission_id: "RolePermissionId",
  space_id: "SpaceId",
  user_id: "UserId",
  user_member_id: "UserMemberId",
};
const PATH_DESC = { resource_type: "Resource type key, e.g. `invoice`." };
for (const [name, comp] of Object.entries(PATH_PARAMS)) {
  parameters[`${comp}Path`] = {
    name,
    in: "path",
    required: true,
    description: PATH_DESC[name] ?? `Id of the ${name.replace(/_id$/, "").replaceAll("_", " ")}.`,
    schema: { type: "string", minLength: 1, pattern: NO_NUL },
  };
}

// Query filters: component name -> [query name, schema, description]
const FILTERS = {
  SpaceIdQuery: ["space_id", { type: "string" }, "Only rows of this Space."],
  GroupIdQuery: ["group_id", { type: "string" }, "Only rows of this Group."],
  UserIdQuery: ["user_id", { type: "string" }, "Only rows of this User."],
  MemberIdQuery: ["member_id", { type: "string" }, "Only rows of this Member."],
  RoleIdQuery: ["role_id", { type: "string" }, "Only rows of this Role."],
  PermissionIdQuery: ["permission_id", { type: "string" }, "Only rows of this Permission."],
  ResourceTypeQuery: ["resource_type", { type: "string" }, "Only rows of this resource type key."],
  ResourceQuery: ["resource", { type: "string" }, "Only permissions on this resource type key."],
  ActionQuery: ["action", { type: "string" }, "Only permissions for this action."],
  ScopeQuery: ["scope", ref("Scope"), "Only permissions with this scope."],
  EntityStatusQuery: ["status", ref("EntityStatus"), "Only rows with this status."],
  UserMemberStatusQuery: ["status", ref("UserMemberStatus"), "Only bindings with this status."],
  GrantStatusQuery: ["status", ref("GrantStatus"), "Only grants with this status."],
  ApiKeyStatusQuery: ["status", ref("ApiKeyStatus"), "Only keys with this status."],
  ResourceStatusQuery: ["status", ref("ResourceStatus"), "Only resources with this status."],
  AdminLevelQuery: ["level", ref("AdminGrantLevel"), "Only grants of this level."],
  ApiKeyLevelQuery: ["level", ref("ApiKeyLevel"), "Only keys of this level."],
  ActorUserIdQuery: ["actor_user_id", { type: "string" }, "Only rows attributed to this User."],
  ActorMemberIdQuery: ["actor_member_id", { type: "string" }, "Only rows attributed to this Member."],
  ActorUserMemberIdQuery: [
    "actor_user_member_id",
    { type: "string" },
    "Only rows attributed to this UserMember binding.",
  ],
  ResourceIdQuery: ["resource_id", { type: "string" }, "Only rows about this resource id."],
  DecisionQuery: ["decision", ref("Decision"), "Only rows with this decision."],
  DenyCodeQuery: ["deny_code", ref("DenyCode"), "Only rows with this deny code."],
  RequestIdQuery: ["request_id", { type: "string" }, "Only rows written by this request."],
  CreatedAtFromQuery: [
    "created_at_from",
    { type: "string", format: "date-time" },
    "Only rows created at or after this RFC 3339 instant.",
  ],
  CreatedAtToQuery: [
    "created_at_to",
    { type: "string", format: "date-time" },
    "Only rows created at or before this RFC 3339 instant.",
  ],
};
for (const [comp, [name, schema, description]] of Object.entries(FILTERS)) {
  // An empty filter is a 400, not "no filter".
  if (schema.type === "string" && !schema.format) Object.assign(schema, { minLength: 1, pattern: NO_NUL });
  parameters[comp] = { name, in: "query", required: false, description, schema };
}

const hdr = (description, schema, required = false) => ({ description, required, schema });
const headers = {
  "X-Request-ID": hdr(
    "Request id of this exchange (also in the body's `request_id`).",
    { type: "string" },
    true,
  ),
  "X-Plystra-Trace-ID": hdr("Trace id of the authorization decision.", { type: "string" }, true),
  "X-Plystra-Audit-Log-ID": hdr("Id of the audit row written for the decision.", { type: "string" }, true),
  "X-Plystra-Error-Code": hdr("Same value as `error.code`.", ref("ErrorCode"), true),
  "Retry-After": hdr("Seconds to wait before retrying.", { type: "integer", minimum: 1 }, true),
};
const hRef = (name) => ({ $ref: `#/components/headers/${name}` });

const errorExample = (code, message, details = null, extra = {}) => ({
  value: {
    error: { code, message, details, request_id: IDS_EX.request_id, ...extra },
    request_id: IDS_EX.request_id,
  },
});

const ERROR_RESPONSES = {
  400: {
    name: "BadRequest",
    codes: ["VALIDATION_FAILED"],
    description: "VALIDATION_FAILED: malformed JSON, unknown fields, or a field that breaks the schema.",
    example: errorExample("VALIDATION_FAILED", "Request body is invalid.", {
      field: "email",
      reason: "is required",
    }),
  },
  401: {
    name: "Unauthorized",
    codes: ["AUTHENTICATION_REQUIRED", "SESSION_EXPIRED", "METRICS_TOKEN_REQUIRED"],
    description:
      "AUTHENTICATION_REQUIRED (no, invalid or expired credential; wrong login), SESSION_EXPIRED " +
      "(refresh token invalid, expired or reused) or METRICS_TOKEN_REQUIRED.",
    example: errorExample("AUTHENTICATION_REQUIRED", "A valid access token or API key is required."),
  },
  403: {
    name: "Forbidden",
    codes: [
      "ADMIN_PERMISSION_REQUIRED",
      "INLINE_CONTEXT_REQUIRES_API_KEY",
      "ACTIVE_MEMBER_REQUIRED",
      "REGISTRATION_DISABLED",
      "AUTHORIZATION_DENIED",
    ],
    description:
      "ADMIN_PERMISSION_REQUIRED (`details.permission` names the missing key), " +
      "INLINE_CONTEXT_REQUIRES_API_KEY, ACTIVE_MEMBER_REQUIRED, REGISTRATION_DISABLED, or " +
      "AUTHORIZATION_DENIED (with `deny_code`, `trace_id`, `audit_log_id`).",
    example: errorExample("ADMIN_PERMISSION_REQUIRED", "The credential lacks the required permission.", {
      permission: "users:manage",
    }),
    optionalHeaders: {
      "X-Plystra-Trace-ID": hdr("Trace id, when the error is AUTHORIZATION_DENIED.", { type: "string" }),
      "X-Plystra-Audit-Log-ID": hdr("Audit row id, when the error is AUTHORIZATION_DENIED.", {
        type: "string",
      }),
    },
  },
  404: {
    name: "NotFound",
    codes: ["NOT_FOUND", "FEATURE_DISABLED", ...ERROR_CODES.filter((c) => /^[A-Z_]+_NOT_FOUND$/.test(c))],
    description: "An entity-specific *_NOT_FOUND code, NOT_FOUND for unknown routes, or FEATURE_DISABLED.",
    example: errorExample("USER_NOT_FOUND", "User was not found."),
  },
  409: {
    name: "Conflict",
    codes: [
      "CONFLICT",
      "USER_CREATE_FAILED",
      "ADMIN_GRANT_CREATE_FAILED",
      "API_KEY_CREATE_FAILED",
      "API_KEY_REVOKE_FAILED",
      "LAST_SUPER_ADMIN",
      "INVALID_STATE_TRANSITION",
    ],
    description:
      "CONFLICT (duplicate id or unique key), USER_CREATE_FAILED, ADMIN_GRANT_CREATE_FAILED, " +
      "API_KEY_CREATE_FAILED, API_KEY_REVOKE_FAILED, LAST_SUPER_ADMIN or INVALID_STATE_TRANSITION.",
    example: errorExample("CONFLICT", "A row with this id already exists."),
  },
  429: {
    name: "TooManyRequests",
    codes: ["AUTH_RATE_LIMITED"],
    description: "AUTH_RATE_LIMITED: login locked for this email or client address.",
    example: errorExample("AUTH_RATE_LIMITED", "Too many failed login attempts.", {
      retry_after_seconds: 900,
    }),
    extraHeaders: ["Retry-After"],
  },
  500: {
    name: "InternalError",
    codes: ["INTERNAL_ERROR"],
    description: "INTERNAL_ERROR: unexpected failure; details are withheld in production.",
    example: errorExample("INTERNAL_ERROR", "Request handling failed."),
  },
  503: {
    name: "ServiceUnavailable",
    codes: ["NOT_READY", "REGISTRATION_LOCK_UNAVAILABLE"],
    description:
      "NOT_READY (database unreachable, or migrations not current) or REGISTRATION_LOCK_UNAVAILABLE. " +
      "While the database is unreachable every operation that needs it fails fast with NOT_READY and " +
      "`Retry-After`.",
    example: errorExample("NOT_READY", "The database is unreachable; retry shortly.", {
      database: "unreachable",
    }),
    optionalHeaders: {
      "Retry-After": hdr("Seconds to wait before retrying (sent while the database is unreachable).", {
        type: "integer",
        minimum: 1,
      }),
    },
  },
};

// Every code belongs to exactly one error response; METHOD_NOT_ALLOWED (405) answers requests no
// operation matches, so no operation declares it.
const UNROUTED_CODES = ["METHOD_NOT_ALLOWED"];
{
  const listed = [...Object.values(ERROR_RESPONSES).flatMap((r) => r.codes), ...UNROUTED_CODES];
  const unlisted = ERROR_CODES.filter((c) => !listed.includes(c));
  const unknown = listed.filter((c) => !ERROR_CODES.includes(c));
  const twice = listed.filter((c, i) => listed.indexOf(c) !== i);
  if (unlisted.length || unknown.length || twice.length) {
    throw new Error(`error responses: unlisted ${unlisted}, unknown ${unknown}, listed twice ${twice}`);
  }
}

const responses = {};
for (const [, r] of Object.entries(ERROR_RESPONSES)) {
  const h = { "X-Request-ID": hRef("X-Request-ID"), "X-Plystra-Error-Code": hRef("X-Plystra-Error-Code") };
  for (const x of r.extraHeaders ?? []) h[x] = hRef(x);
  Object.assign(h, r.optionalHeaders ?? {});
  responses[r.name] = {
    description: r.description,
    "x-plystra-error-codes": r.codes,
    headers: h,
    content: {
      "application/json": {
        schema: ref("ApiOpenAPIErrorEnvelope"),
        examples: { [r.example.value.error.code]: r.example },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

const SEC = {
  public: [],
  optionalBearer: [{}, { BearerAuth: [] }],
  bearer: [{ BearerAuth: [] }],
  std: [{ BearerAuth: [] }, { ApiKeyAuth: [] }],
  metrics: [{ MetricsTokenAuth: [] }, { BearerAuth: [] }, { ApiKeyAuth: [] }],
};

const envelopeNames = new Set();
function envelope(item, list) {
  const name = `ApiOpenAPI${list ? "ListEnvelope" : "Envelope"}${item.replace(/^ApiOpenAPI/, "")}`;
  if (!envelopeNames.has(name)) {
    envelopeNames.add(name);
    schemas[name] = list
      ? obj(`data:[@${item}] pagination:@ApiOpenAPIPagination request_id:s`, {
          ex: { request_id: IDS_EX.request_id },
        })
      : obj(`data:@${item} request_id:s`, { ex: { request_id: IDS_EX.request_id } });
  }
  return name;
}

// ---------------------------------------------------------------------------------------------
// Admin permission per operation: the `x-plystra-permission` extension (openapi/README.md).
// The server's route table and permission middleware are generated from it.
//   { public: reason }              no credential checked before the handler (which may check one)
//   { key, scope?, deferKeyLiveness? }
//     key     admin permission key the credential must hold
//     scope   where the requirement's Space/Group come from (absent: instance-level only):
//             space: { param } | { query }   the Space id from a path parameter or the query
//             entity: { kind, param }        a stored row named by a path parameter (its Space/Group)
//             subtreeList                    Group-level holders in the Space pass; the handler filters
//             reachList                      without a Space, any holder passes; the handler filters
//     deferKeyLiveness   an API key's liveness is confirmed by the handler (authz check/explain)
// ---------------------------------------------------------------------------------------------

const pub = (reason) => ({ public: reason });
const need = (key, scope) => (scope ? { key, scope } : { key });
const inSpace = { space: { param: "space_id" } };
const spaceQuery = { space: { query: "space_id" } };
const row = (kind, param) => ({ entity: { kind, param } });
const inSpaceRow = (kind, param) => ({ ...inSpace, ...row(kind, param) });
const PROBE = "Probe: answers anyone, without a credential.";
const ISSUES_CREDENTIALS = "Issues credentials, so the caller has none yet.";
const SESSION_ONLY =
  "Session-only: the handler requires a bearer session itself (API keys are not sessions).";

const PERMISSIONS = {
  getHealth: pub(PROBE),
  getReadiness: pub(PROBE),
  getVersion: pub(PROBE),
  getMetrics: pub(
    "Handler-guarded: the metrics token when one is configured, else a credential holding `metrics:read`.",
  ),
  register: pub(ISSUES_CREDENTIALS),
  login: pub(ISSUES_CREDENTIALS),
  refreshSession: pub(ISSUES_CREDENTIALS),
  logout: pub("Idempotent: revokes the session the bearer token or `refresh_token` names, if any."),
  getAuthMe: pub(SESSION_ONLY),
  getActorContext: pub(SESSION_ONLY),
  switchMember: pub(SESSION_ONLY),
  getConsoleOverview: need("instance:read"),
  getAdminMe: need("instance:read"),
  listAdminGrants: need("admin_grants:read"),
  createAdminGrant: need("admin_grants:manage"),
  getAdminGrant: need("admin_grants:read", row("admin_grant", "admin_grant_id")),
  revokeAdminGrant: need("admin_grants:manage", row("admin_grant", "admin_grant_id")),
  listAPIKeys: need("api_keys:read"),
  createAPIKey: need("api_keys:create"),
  getAPIKey: need("api_keys:read"),
  revokeAPIKey: need("api_keys:revoke"),
  checkAuthorization: { ...need("authz:check"), deferKeyLiveness: true },
  explainAuthorization: { ...need("authz:check"), deferKeyLiveness: true },
  listAuditLogs: need("audit:read", { ...spaceQuery, reachList: true }),
  getAuditLog: need("audit:read", row("audit_log", "audit_log_id")),
  listSpaceAuditLogs: need("audit:read", inSpace),
  getSpaceAuditLog: need("audit:read", inSpaceRow("audit_log", "audit_log_id")),
  listUsers: need("users:read"),
  createUser: need("users:manage"),
  getUser: need("users:read"),
  updateUser: need("users:manage"),
  disableUser: need("users:manage"),
  restoreUser: need("users:manage"),
  listSpaces: need("spaces:read"),
  createSpace: need("spaces:manage"),
  getSpace: need("spaces:read", inSpace),
  updateSpace: need("spaces:manage", inSpace),
  disableSpace: need("spaces:manage", inSpace),
  restoreSpace: need("spaces:manage", inSpace),
  listGroups: need("groups:read", { ...inSpace, subtreeList: true }),
  createGroup: need("groups:manage", inSpace),
  getGroupTree: need("groups:read", { ...inSpace, subtreeList: true }),
  getGroup: need("groups:read", inSpaceRow("group", "group_id")),
  updateGroup: need("groups:manage", inSpaceRow("group", "group_id")),
  disableGroup: need("groups:manage", inSpaceRow("group", "group_id")),
  getGroupByID: need("groups:read", row("group", "group_id")),
  listMembers: need("members:read", inSpace),
  createMember: need("members:manage", inSpace),
  getMember: need("members:read", inSpaceRow("member", "member_id")),
  updateMember: need("members:manage", inSpaceRow("member", "member_id")),
  disableMember: need("members:manage", inSpaceRow("member", "member_id")),
  getMemberByID: need("members:read", row("member", "member_id")),
  listUserMembers: need("user_members:read", inSpace),
  createUserMember: need("user_members:manage", inSpace),
  getUserMember: need("user_members:read", inSpaceRow("user_member", "user_member_id")),
  updateUserMember: need("user_members:manage", inSpaceRow("user_member", "user_member_id")),
  revokeUserMember: need("user_members:manage", inSpaceRow("user_member", "user_member_id")),
  getUserMemberByID: need("user_members:read", row("user_member", "user_member_id")),
  listRoles: need("roles:read", inSpace),
  createRole: need("roles:manage", inSpace),
  getRole: need("roles:read", inSpaceRow("role", "role_id")),
  updateRole: need("roles:manage", inSpaceRow("role", "role_id")),
  disableRole: need("roles:manage", inSpaceRow("role", "role_id")),
  getRoleByID: need("roles:read", row("role", "role_id")),
  listMemberRoles: need("roles:read", inSpace),
  createMemberRole: need("roles:manage", inSpace),
  getMemberRole: need("roles:read", inSpaceRow("member_role", "member_role_id")),
  revokeMemberRole: need("roles:manage", inSpaceRow("member_role", "member_role_id")),
  listMemberRoleGrants: need("roles:read", inSpace),
  createMemberRoleGrant: need("roles:manage", inSpace),
  getMemberRoleGrant: need("roles:read", inSpaceRow("member_role", "member_role_id")),
  revokeMemberRoleGrant: need("roles:manage", inSpaceRow("member_role", "member_role_id")),
  listSpaceRolePermissions: need("roles:read", inSpace),
  createSpaceRolePermission: need("roles:manage", inSpace),
  getSpaceRolePermission: need("roles:read", inSpaceRow("role_permission", "role_permission_id")),
  deleteSpaceRolePermission: need("roles:manage", inSpaceRow("role_permission", "role_permission_id")),
  listPermissions: need("permissions:read"),
  createPermission: need("permissions:manage"),
  getPermission: need("permissions:read"),
  updatePermission: need("permissions:manage"),
  disablePermission: need("permissions:manage"),
  listRolePermissions: need("permissions:read"),
  createRolePermission: need("permissions:manage"),
  getRolePermission: need("permissions:read"),
  deleteRolePermission: need("permissions:manage"),
  listResourceTypes: need("registry:read"),
  upsertResourceType: need("registry:manage"),
  getResourceType: need("registry:read"),
  listResourceActions: need("registry:read"),
  upsertResourceAction: need("registry:manage"),
  getResourceMapping: need("registry:read"),
  upsertResourceMapping: need("registry:manage"),
  updateResourceMapping: need("registry:manage"),
  replaceResourceMapping: need("registry:manage"),
  listResources: need("resources:read", { ...spaceQuery, subtreeList: true, reachList: true }),
  createResource: need("resources:manage"),
  getResourceByTypeAndID: need("resources:read", row("resource", "resource_id")),
  listSpaceResources: need("resources:read", { ...inSpace, subtreeList: true }),
  createSpaceResource: need("resources:manage", inSpace),
  getSpaceResource: need("resources:read", inSpaceRow("resource", "resource_id")),
  updateSpaceResource: need("resources:manage", inSpaceRow("resource", "resource_id")),
  archiveSpaceResource: need("resources:manage", inSpaceRow("resource", "resource_id")),
  listDataTables: need("data:read", spaceQuery),
  listDataRows: need("data:read", spaceQuery),
  createDataRow: need("data:manage"),
  getDataRow: need("data:read", row("resource", "resource_id")),
  updateDataRow: need("data:manage", row("resource", "resource_id")),
  deleteDataRow: need("data:manage", row("resource", "resource_id")),
};

function permissionOf(id) {
  const permission = PERMISSIONS[id];
  if (!permission) throw new Error(`no x-plystra-permission for ${id}: add it to PERMISSIONS`);
  return permission;
}

const ops = [];
/**
 * o: { m, p, id, tag, sum, desc, auth, body, bodyOptional, ok, one | list | text, q, err, extraErr,
 *      okHeaders, preview }
 */
const op = (o) => ops.push(o);

// Default error statuses per security kind; `err` replaces, `extraErr` adds.
const DEFAULT_ERR = {
  public: [400, 500],
  optionalBearer: [400, 500],
  bearer: [400, 401, 403, 500],
  std: [400, 401, 403, 500],
  metrics: [400, 401, 403, 404, 500],
};

const TRACE_HEADERS = ["X-Plystra-Trace-ID", "X-Plystra-Audit-Log-ID"];

// System
op({
  m: "get",
  p: "/api/v1/health",
  id: "getHealth",
  tag: "System",
  sum: "Get health status",
  auth: "public",
  one: "ApiOpenAPIHealth",
  err: [500],
  desc: "Liveness: answers without touching the database.",
});
op({
  m: "get",
  p: "/api/v1/ready",
  id: "getReadiness",
  tag: "System",
  sum: "Get readiness status",
  auth: "public",
  one: "ApiOpenAPIReady",
  err: [500, 503],
  desc: "Readiness: database reachable and every migration applied. 503 NOT_READY otherwise.",
});
op({
  m: "get",
  p: "/api/v1/version",
  id: "getVersion",
  tag: "System",
  sum: "Get Core version",
  auth: "public",
  one: "ApiOpenAPIVersionResponse",
  err: [500],
});
op({
  m: "get",
  p: "/metrics",
  id: "getMetrics",
  tag: "System",
  sum: "Get Prometheus metrics",
  auth: "metrics",
  text: true,
  desc:
    "Prometheus text exposition. 404 FEATURE_DISABLED unless metrics are enabled. With a metrics token " +
    "configured the token is required (401 METRICS_TOKEN_REQUIRED otherwise); without one, a session or " +
    "API key holding `metrics:read` is accepted.",
});

// Console
op({
  m: "get",
  p: "/api/v1/console/overview",
  id: "getConsoleOverview",
  tag: "Console",
  sum: "Get admin console overview",
  auth: "std",
  one: "ApiOpenAPIOverviewResponse",
  desc: "Row counts and the most recent audit rows. Requires instance-level `instance:read`.",
});

// Auth
op({
  m: "post",
  p: "/api/v1/auth/login",
  id: "login",
  tag: "Auth",
  sum: "Create a user session",
  auth: "public",
  body: "ApiAuthLoginRequest",
  one: "ApiOpenAPILoginResponse",
  err: [400, 401, 403, 429, 500],
  desc:
    "Password login. Wrong email, wrong password and inactive accounts all answer the same 401 " +
    "AUTHENTICATION_REQUIRED. Repeated failures lock the email and the client address (429 with Retry-After). " +
    "A user without a live Member binding gets 403 ACTIVE_MEMBER_REQUIRED.",
});
op({
  m: "post",
  p: "/api/v1/auth/logout",
  id: "logout",
  tag: "Auth",
  sum: "Revoke a session token",
  auth: "optionalBearer",
  body: "ApiAuthLogoutRequest",
  bodyOptional: true,
  one: "ApiOpenAPILogoutResponse",
  desc:
    "Revokes the session identified by the bearer token, or else by `refresh_token`. Idempotent: unknown " +
    "or missing tokens still answer `logged_out: true`.",
});
op({
  m: "post",
  p: "/api/v1/auth/refresh",
  id: "refreshSession",
  tag: "Auth",
  sum: "Rotate access and refresh tokens",
  auth: "public",
  body: "ApiAuthRefreshRequest",
  one: "ApiOpenAPIRefreshResponse",
  err: [400, 401, 500],
  desc:
    "Issues a new access and refresh token and invalidates the presented refresh token. Presenting an " +
    "already-rotated refresh token revokes the whole session (reuse detection); both answer 401 SESSION_EXPIRED.",
});
op({
  m: "post",
  p: "/api/v1/auth/register",
  id: "register",
  tag: "Auth",
  sum: "Register a user",
  auth: "public",
  body: "ApiAuthRegisterRequest",
  ok: 201,
  one: "ApiOpenAPIRegisterResponse",
  err: [400, 403, 409, 500, 503],
  desc:
    "Off unless configured; refusals are 403 REGISTRATION_DISABLED. Three modes: `bootstrap` (bootstrap " +
    "token, only while no super admin exists) creates the first instance super admin with a default " +
    "Space, Member, binding and session; `ordinary` (registration token) creates the same minus the " +
    "super-admin grant; `public_user_only` creates just the User, without tokens. Duplicate email is " +
    "409 USER_CREATE_FAILED.",
});

op({
  m: "get",
  p: "/api/v1/auth/me",
  id: "getAuthMe",
  tag: "Auth",
  sum: "Get the session's user and active actor",
  auth: "bearer",
  one: "ApiOpenAPIAuthMeResponse",
  err: [401, 500],
  desc:
    "The bearer session's user, its active actor (null when the user has no live Member binding, " +
    "unlike /actor/context which then answers 403) and the bindings it may switch to. 401 without a " +
    "session; API keys are not sessions.",
});

// Actor
op({
  m: "get",
  p: "/api/v1/actor/context",
  id: "getActorContext",
  tag: "Actor",
  sum: "Get current actor context",
  auth: "bearer",
  one: "ApiOpenAPIActorContextResponse",
});
op({
  m: "post",
  p: "/api/v1/actor/switch-member",
  id: "switchMember",
  tag: "Actor",
  sum: "Switch active Member for a session",
  auth: "bearer",
  body: "ApiSwitchMemberRequest",
  one: "ApiOpenAPIActorContextResponse",
  desc: "Selects one of the session user's live bindings; anything else is 403 ACTIVE_MEMBER_REQUIRED.",
});

// Admin
op({
  m: "get",
  p: "/api/v1/admin/grants",
  id: "listAdminGrants",
  tag: "Admin",
  sum: "List admin grants",
  auth: "std",
  list: "ApiOpenAPIAdminGrant",
  q: ["AdminLevelQuery", "UserIdQuery", "SpaceIdQuery", "GroupIdQuery", "GrantStatusQuery"],
  desc: "Only grants the credential may read are returned.",
});
op({
  m: "post",
  p: "/api/v1/admin/grants",
  id: "createAdminGrant",
  tag: "Admin",
  sum: "Create an admin grant",
  auth: "std",
  body: "ApiAdminGrantCreateRequest",
  ok: 201,
  one: "ApiOpenAPIAdminGrant",
  extraErr: [404, 409],
  desc:
    "Session credentials only. Instance levels require an instance super admin; the caller must hold " +
    "the delegated permission key at the grant's scope.",
});
op({
  m: "get",
  p: "/api/v1/admin/grants/{admin_grant_id}",
  id: "getAdminGrant",
  tag: "Admin",
  sum: "Get an admin grant",
  auth: "std",
  one: "ApiOpenAPIAdminGrant",
  extraErr: [404],
});
op({
  m: "post",
  p: "/api/v1/admin/grants/{admin_grant_id}/revoke",
  id: "revokeAdminGrant",
  tag: "Admin",
  sum: "Revoke an admin grant",
  auth: "std",
  body: "ApiAdminGrantMutationRequest",
  bodyOptional: true,
  one: "ApiOpenAPIAdminGrant",
  extraErr: [404, 409],
  desc: "Session credentials only. Revoking the last active instance super admin is 409 LAST_SUPER_ADMIN.",
});
op({
  m: "get",
  p: "/api/v1/admin/me",
  id: "getAdminMe",
  tag: "Admin",
  sum: "Inspect current admin principal",
  auth: "std",
  one: "ApiOpenAPIAdminMeResponse",
});

// API keys
op({
  m: "get",
  p: "/api/v1/api-keys",
  id: "listAPIKeys",
  tag: "API Keys",
  sum: "List API keys",
  auth: "std",
  list: "ApiOpenAPIAPIKey",
  q: ["ApiKeyLevelQuery", "SpaceIdQuery", "GroupIdQuery", "ApiKeyStatusQuery"],
  desc: "Only keys the credential may read are returned. Secrets are never included.",
});
op({
  m: "post",
  p: "/api/v1/api-keys",
  id: "createAPIKey",
  tag: "API Keys",
  sum: "Create a scoped API key",
  auth: "std",
  body: "ApiApiKeyCreateRequest",
  ok: 201,
  one: "ApiOpenAPIAPIKeyCreated",
  extraErr: [404, 409],
  desc:
    "Returns the plaintext once, as both `api_key` and `key`. The caller must hold every requested " +
    "permission key at the new key's scope (403 names the first one it lacks).",
});
op({
  m: "get",
  p: "/api/v1/api-keys/{api_key_id}",
  id: "getAPIKey",
  tag: "API Keys",
  sum: "Get an API key",
  auth: "std",
  one: "ApiOpenAPIAPIKey",
  extraErr: [404],
});
op({
  m: "post",
  p: "/api/v1/api-keys/{api_key_id}/revoke",
  id: "revokeAPIKey",
  tag: "API Keys",
  sum: "Revoke an API key",
  auth: "std",
  body: "ApiApiKeyMutationRequest",
  bodyOptional: true,
  one: "ApiOpenAPIAPIKey",
  extraErr: [404, 409],
});

// Authorization
op({
  m: "post",
  p: "/api/v1/authz/check",
  id: "checkAuthorization",
  tag: "Authorization",
  sum: "Run authorization check",
  auth: "std",
  body: "ApiAuthzRequest",
  one: "ApiOpenAPIAuthzCheckResponse",
  okHeaders: TRACE_HEADERS,
  desc:
    "Decides whether the actor may perform `action` on the resource and writes exactly one audit row. " +
    "Allow and deny are both 200; the compact `explanation` says why, and `trace` carries the full " +
    "decision when `explain` is true. Requires `authz:check`.",
});
op({
  m: "post",
  p: "/api/v1/authz/explain",
  id: "explainAuthorization",
  tag: "Authorization",
  sum: "Run authorization explain trace",
  auth: "std",
  body: "ApiAuthzRequest",
  one: "ApiOpenAPIAuthzDecision",
  okHeaders: TRACE_HEADERS,
  desc: "Same evaluation and audit as check, answered with the full decision trace. Requires `authz:check`.",
});

// CRUD helpers -------------------------------------------------------------------------------------
function crud({
  tag,
  base,
  noun,
  idParam,
  schema,
  createBody,
  mutationBody,
  listQ = [],
  listId,
  createId,
  getId,
  updateId,
  transitions = [],
  listSum,
  createSum,
  getSum,
  updateSum,
  listDesc,
  nested,
}) {
  const nestedErr = nested ? [404] : [];
  op({
    m: "get",
    p: base,
    id: listId,
    tag,
    sum: listSum,
    auth: "std",
    list: schema,
    q: listQ,
    extraErr: nestedErr,
    desc: listDesc,
  });
  op({
    m: "post",
    p: base,
    id: createId,
    tag,
    sum: createSum,
    auth: "std",
    body: createBody,
    ok: 201,
    one: schema,
    extraErr: [404, 409],
  });
  const itemPath = `${base}/{${idParam}}`;
  op({ m: "get", p: itemPath, id: getId, tag, sum: getSum, auth: "std", one: schema, extraErr: [404] });
  if (updateId) {
    op({
      m: "patch",
      p: itemPath,
      id: updateId,
      tag,
      sum: updateSum,
      auth: "std",
      body: mutationBody,
      one: schema,
      extraErr: [404, 409],
    });
  }
  for (const [verb, id, sum] of transitions) {
    op({
      m: "post",
      p: `${itemPath}/${verb}`,
      id,
      tag,
      sum,
      auth: "std",
      body: mutationBody,
      bodyOptional: true,
      one: schema,
      extraErr: [404, 409],
      desc: `Repeating a transition the ${noun} has already made returns it unchanged; 409 INVALID_STATE_TRANSITION when its current state does not allow ${verb}.`,
    });
  }
}

// Users
crud({
  tag: "Users",
  base: "/api/v1/users",
  noun: "user",
  idParam: "user_id",
  schema: "ApiOpenAPIUser",
  createBody: "ApiUserCreateRequest",
  mutationBody: "ApiUserMutationRequest",
  listQ: ["EntityStatusQuery"],
  listId: "listUsers",
  createId: "createUser",
  getId: "getUser",
  updateId: "updateUser",
  listSum: "List users",
  createSum: "Create a user",
  getSum: "Get a user",
  updateSum: "Update a user",
  transitions: [
    ["disable", "disableUser", "Disable a user"],
    ["restore", "restoreUser", "Restore a user"],
  ],
});

// Spaces
crud({
  tag: "Spaces",
  base: "/api/v1/spaces",
  noun: "space",
  idParam: "space_id",
  schema: "ApiOpenAPISpace",
  createBody: "ApiSpaceCreateRequest",
  mutationBody: "ApiSpaceMutationRequest",
  listQ: ["EntityStatusQuery"],
  listId: "listSpaces",
  createId: "createSpace",
  getId: "getSpace",
  updateId: "updateSpace",
  listSum: "List spaces",
  createSum: "Create a space",
  getSum: "Get a space",
  updateSum: "Update a space",
  transitions: [
    ["disable", "disableSpace", "Disable a space"],
    ["restore", "restoreSpace", "Restore a space"],
  ],
});

// Groups
op({
  m: "get",
  p: "/api/v1/groups/{group_id}",
  id: "getGroupByID",
  tag: "Groups",
  sum: "Get a group by ID",
  auth: "std",
  one: "ApiOpenAPIGroup",
  extraErr: [404],
});
crud({
  tag: "Groups",
  base: "/api/v1/spaces/{space_id}/groups",
  noun: "group",
  idParam: "group_id",
  schema: "ApiOpenAPIGroup",
  createBody: "ApiGroupCreateRequest",
  mutationBody: "ApiGroupMutationRequest",
  listQ: ["EntityStatusQuery"],
  nested: true,
  listId: "listGroups",
  createId: "createGroup",
  getId: "getGroup",
  updateId: "updateGroup",
  listSum: "List groups in a space",
  createSum: "Create a group",
  getSum: "Get a group in a space",
  updateSum: "Update a group",
  transitions: [["disable", "disableGroup", "Disable a group"]],
});
op({
  m: "get",
  p: "/api/v1/spaces/{space_id}/groups/tree",
  id: "getGroupTree",
  tag: "Groups",
  sum: "List groups as a tree",
  auth: "std",
  list: "ApiOpenAPIGroup",
  extraErr: [404],
  desc: "Every group of the Space in depth-first path order; `depth` and `parent_group_id` give the shape.",
});

// Members
op({
  m: "get",
  p: "/api/v1/members/{member_id}",
  id: "getMemberByID",
  tag: "Members",
  sum: "Get a member by ID",
  auth: "std",
  one: "ApiOpenAPIMember",
  extraErr: [404],
});
crud({
  tag: "Members",
  base: "/api/v1/spaces/{space_id}/members",
  noun: "member",
  idParam: "member_id",
  schema: "ApiOpenAPIMember",
  createBody: "ApiMemberCreateRequest",
  mutationBody: "ApiMemberMutationRequest",
  listQ: ["EntityStatusQuery"],
  nested: true,
  listId: "listMembers",
  createId: "createMember",
  getId: "getMember",
  updateId: "updateMember",
  listSum: "List members in a space",
  createSum: "Create a member",
  getSum: "Get a member in a space",
  updateSum: "Update a member",
  transitions: [["disable", "disableMember", "Disable a member"]],
});

// User members
crud({
  tag: "User Members",
  base: "/api/v1/spaces/{space_id}/user-members",
  noun: "binding",
  idParam: "user_member_id",
  schema: "ApiOpenAPIUserMember",
  createBody: "ApiUserMemberCreateRequest",
  mutationBody: "ApiUserMemberMutationRequest",
  listQ: ["UserIdQuery", "MemberIdQuery", "UserMemberStatusQuery"],
  nested: true,
  listId: "listUserMembers",
  createId: "createUserMember",
  getId: "getUserMember",
  updateId: "updateUserMember",
  listSum: "List user-member bindings",
  createSum: "Create a user-member binding",
  getSum: "Get a user-member binding in a space",
  updateSum: "Update a user-member binding",
  transitions: [["revoke", "revokeUserMember", "Revoke a user-member binding"]],
});
op({
  m: "get",
  p: "/api/v1/user-members/{user_member_id}",
  id: "getUserMemberByID",
  tag: "User Members",
  sum: "Get a user-member binding by ID",
  auth: "std",
  one: "ApiOpenAPIUserMember",
  extraErr: [404],
});

// Roles
op({
  m: "get",
  p: "/api/v1/roles/{role_id}",
  id: "getRoleByID",
  tag: "Roles",
  sum: "Get a role by ID",
  auth: "std",
  one: "ApiOpenAPIRole",
  extraErr: [404],
});
for (const [segment, suffix, aliasNote] of [
  ["member-roles", "", undefined],
  ["member-role-grants", "Grant", "Alias of the `member-roles` routes; same behaviour and permissions."],
]) {
  const base = `/api/v1/spaces/{space_id}/${segment}`;
  const item = `${base}/{member_role_id}`;
  const s = suffix ? " (alias)" : "";
  op({
    m: "get",
    p: base,
    id: `listMemberRole${suffix}s`,
    tag: "Roles",
    sum: `List member role grants${s}`,
    auth: "std",
    list: "ApiOpenAPIMemberRole",
    q: ["MemberIdQuery", "RoleIdQuery", "GrantStatusQuery"],
    extraErr: [404],
    desc: aliasNote,
  });
  op({
    m: "post",
    p: base,
    id: `createMemberRole${suffix}`,
    tag: "Roles",
    sum: `Create a member role grant${s}`,
    auth: "std",
    body: "ApiMemberRoleCreateRequest",
    ok: 201,
    one: "ApiOpenAPIMemberRole",
    extraErr: [404, 409],
    desc: [aliasNote, "Member, role and anchor group must all belong to the path's Space."]
      .filter(Boolean)
      .join(" "),
  });
  op({
    m: "get",
    p: item,
    id: `getMemberRole${suffix}`,
    tag: "Roles",
    sum: `Get a member role grant${s}`,
    auth: "std",
    one: "ApiOpenAPIMemberRole",
    extraErr: [404],
    desc: aliasNote,
  });
  op({
    m: "post",
    p: `${item}/revoke`,
    id: `revokeMemberRole${suffix}`,
    tag: "Roles",
    sum: `Revoke a member role grant${s}`,
    auth: "std",
    body: "ApiMemberRoleMutationRequest",
    bodyOptional: true,
    one: "ApiOpenAPIMemberRole",
    extraErr: [404, 409],
    desc: aliasNote,
  });
}
crud({
  tag: "Roles",
  base: "/api/v1/spaces/{space_id}/roles",
  noun: "role",
  idParam: "role_id",
  schema: "ApiOpenAPIRole",
  createBody: "ApiRoleCreateRequest",
  mutationBody: "ApiRoleMutationRequest",
  listQ: ["EntityStatusQuery"],
  nested: true,
  listId: "listRoles",
  createId: "createRole",
  getId: "getRole",
  updateId: "updateRole",
  listSum: "List roles in a space",
  createSum: "Create a role",
  getSum: "Get a role in a space",
  updateSum: "Update a role",
  transitions: [["disable", "disableRole", "Disable a role"]],
});

// Permissions
crud({
  tag: "Permissions",
  base: "/api/v1/permissions",
  noun: "permission",
  idParam: "permission_id",
  schema: "ApiOpenAPIPermission",
  createBody: "ApiPermissionCreateRequest",
  mutationBody: "ApiPermissionMutationRequest",
  listQ: ["ResourceQuery", "ActionQuery", "ScopeQuery", "EntityStatusQuery"],
  listId: "listPermissions",
  createId: "createPermission",
  getId: "getPermission",
  updateId: "updatePermission",
  listSum: "List permissions",
  createSum: "Create a permission",
  getSum: "Get a permission",
  updateSum: "Update a permission",
  transitions: [["disable", "disablePermission", "Disable a permission"]],
});
op({
  m: "get",
  p: "/api/v1/role-permissions",
  id: "listRolePermissions",
  tag: "Permissions",
  sum: "List role-permission bindings",
  auth: "std",
  list: "ApiOpenAPIRolePermission",
  q: ["RoleIdQuery", "PermissionIdQuery", "SpaceIdQuery"],
});
op({
  m: "post",
  p: "/api/v1/role-permissions",
  id: "createRolePermission",
  tag: "Permissions",
  sum: "Create a role-permission binding",
  auth: "std",
  body: "ApiRolePermissionMutationRequest",
  ok: 201,
  one: "ApiOpenAPIRolePermission",
  extraErr: [404, 409],
});
op({
  m: "get",
  p: "/api/v1/role-permissions/{role_permission_id}",
  id: "getRolePermission",
  tag: "Permissions",
  sum: "Get a role-permission binding",
  auth: "std",
  one: "ApiOpenAPIRolePermission",
  extraErr: [404],
});
op({
  m: "delete",
  p: "/api/v1/role-permissions/{role_permission_id}",
  id: "deleteRolePermission",
  tag: "Permissions",
  sum: "Revoke a role-permission binding",
  auth: "std",
  one: "ApiOpenAPIRolePermission",
  extraErr: [404],
  desc: "Soft delete: the binding stops granting immediately and is returned with `deleted_at`.",
});

// Space-nested role-permission bindings (upstream route table; guarded by the roles domain).
op({
  m: "get",
  p: "/api/v1/spaces/{space_id}/role-permissions",
  id: "listSpaceRolePermissions",
  tag: "Permissions",
  sum: "List role-permission bindings in a space",
  auth: "std",
  list: "ApiOpenAPIRolePermission",
  q: ["RoleIdQuery", "PermissionIdQuery"],
  extraErr: [404],
});
op({
  m: "post",
  p: "/api/v1/spaces/{space_id}/role-permissions",
  id: "createSpaceRolePermission",
  tag: "Permissions",
  sum: "Create a role-permission binding in a space",
  auth: "std",
  body: "ApiRolePermissionMutationRequest",
  ok: 201,
  one: "ApiOpenAPIRolePermission",
  extraErr: [404, 409],
});
op({
  m: "get",
  p: "/api/v1/spaces/{space_id}/role-permissions/{role_permission_id}",
  id: "getSpaceRolePermission",
  tag: "Permissions",
  sum: "Get a role-permission binding in a space",
  auth: "std",
  one: "ApiOpenAPIRolePermission",
  extraErr: [404],
});
op({
  m: "delete",
  p: "/api/v1/spaces/{space_id}/role-permissions/{role_permission_id}",
  id: "deleteSpaceRolePermission",
  tag: "Permissions",
  sum: "Revoke a role-permission binding in a space",
  auth: "std",
  one: "ApiOpenAPIRolePermission",
  extraErr: [404],
});

// Resource types
op({
  m: "get",
  p: "/api/v1/resource-types",
  id: "listResourceTypes",
  tag: "Resource Types",
  sum: "List resource types",
  auth: "std",
  list: "ApiOpenAPIResourceType",
  q: ["EntityStatusQuery"],
});
op({
  m: "post",
  p: "/api/v1/resource-types",
  id: "upsertResourceType",
  tag: "Resource Types",
  sum: "Register or update a resource type",
  auth: "std",
  body: "ApiResourceTypeMutationRequest",
  ok: 201,
  one: "ApiOpenAPIResourceType",
  extraErr: [409],
  desc: "Upsert by `key`; answers 201 in both cases.",
});
op({
  m: "get",
  p: "/api/v1/resource-types/{resource_type}",
  id: "getResourceType",
  tag: "Resource Types",
  sum: "Get a resource type",
  auth: "std",
  one: "ApiOpenAPIResourceType",
  extraErr: [404],
});
op({
  m: "get",
  p: "/api/v1/resource-types/{resource_type}/actions",
  id: "listResourceActions",
  tag: "Resource Types",
  sum: "List resource actions",
  auth: "std",
  list: "ApiOpenAPIResourceAction",
  extraErr: [404],
});
op({
  m: "post",
  p: "/api/v1/resource-types/{resource_type}/actions",
  id: "upsertResourceAction",
  tag: "Resource Types",
  sum: "Register or update a resource action",
  auth: "std",
  body: "ApiResourceActionMutationRequest",
  ok: 201,
  one: "ApiOpenAPIResourceAction",
  extraErr: [404, 409],
  desc: "Upsert by action `key` within the type; answers 201 in both cases.",
});
const MAPPING = "/api/v1/resource-types/{resource_type}/mapping";
op({
  m: "get",
  p: MAPPING,
  id: "getResourceMapping",
  tag: "Resource Types",
  sum: "Get resource mapping",
  auth: "std",
  one: "ApiOpenAPIResourceMapping",
  extraErr: [404],
});
op({
  m: "post",
  p: MAPPING,
  id: "upsertResourceMapping",
  tag: "Resource Types",
  sum: "Register or update resource mapping",
  auth: "std",
  body: "ApiResourceMappingMutationRequest",
  bodyOptional: true,
  ok: 201,
  one: "ApiOpenAPIResourceMapping",
  extraErr: [404, 409],
  desc: "Creates or replaces the type's mapping; answers 201 in both cases.",
});
op({
  m: "patch",
  p: MAPPING,
  id: "updateResourceMapping",
  tag: "Resource Types",
  sum: "Update resource mapping",
  auth: "std",
  body: "ApiResourceMappingMutationRequest",
  bodyOptional: true,
  one: "ApiOpenAPIResourceMapping",
  extraErr: [404, 409],
  desc: "Changes only the fields sent.",
});
op({
  m: "put",
  p: MAPPING,
  id: "replaceResourceMapping",
  tag: "Resource Types",
  sum: "Replace resource mapping",
  auth: "std",
  body: "ApiResourceMappingMutationRequest",
  bodyOptional: true,
  one: "ApiOpenAPIResourceMapping",
  extraErr: [404, 409],
  desc: "Creates or replaces the type's mapping. Requires `registry:manage` like every other registry write.",
});

// Resources
op({
  m: "get",
  p: "/api/v1/resources",
  id: "listResources",
  tag: "Resources",
  sum: "List resources",
  auth: "std",
  list: "ApiOpenAPIResource",
  q: ["SpaceIdQuery", "ResourceTypeQuery", "ResourceStatusQuery"],
});
op({
  m: "post",
  p: "/api/v1/resources",
  id: "createResource",
  tag: "Resources",
  sum: "Create a resource",
  auth: "std",
  body: "ApiResourceCreateRequest",
  ok: 201,
  one: "ApiOpenAPIResource",
  extraErr: [404, 409],
  desc: "Group and owner must belong to the resource's Space.",
});
op({
  m: "get",
  p: "/api/v1/resources/{resource_type}/{resource_id}",
  id: "getResourceByTypeAndID",
  tag: "Resources",
  sum: "Get a resource by type and ID",
  auth: "std",
  one: "ApiOpenAPIResource",
  extraErr: [404],
});
const SR = "/api/v1/spaces/{space_id}/resources";
op({
  m: "get",
  p: SR,
  id: "listSpaceResources",
  tag: "Resources",
  sum: "List resources in a space",
  auth: "std",
  list: "ApiOpenAPIResource",
  q: ["ResourceTypeQuery", "ResourceStatusQuery"],
  extraErr: [404],
});
op({
  m: "post",
  p: SR,
  id: "createSpaceResource",
  tag: "Resources",
  sum: "Create a resource in a space",
  auth: "std",
  body: "ApiSpaceResourceCreateRequest",
  ok: 201,
  one: "ApiOpenAPIResource",
  extraErr: [404, 409],
});
op({
  m: "get",
  p: `${SR}/{resource_id}`,
  id: "getSpaceResource",
  tag: "Resources",
  sum: "Get a resource in a space",
  auth: "std",
  one: "ApiOpenAPIResource",
  extraErr: [404],
});
op({
  m: "patch",
  p: `${SR}/{resource_id}`,
  id: "updateSpaceResource",
  tag: "Resources",
  sum: "Update a resource in a space",
  auth: "std",
  body: "ApiResourceMutationRequest",
  one: "ApiOpenAPIResource",
  extraErr: [404, 409],
});
op({
  m: "post",
  p: `${SR}/{resource_id}/archive`,
  id: "archiveSpaceResource",
  tag: "Resources",
  sum: "Archive a resource",
  auth: "std",
  body: "ApiResourceMutationRequest",
  bodyOptional: true,
  one: "ApiOpenAPIResource",
  extraErr: [404, 409],
  desc: "Archived resources are no longer decision targets (checks deny with RESOURCE_NOT_FOUND).",
});

// Data Console (preview)
const DC = "Preview, off unless the Data Console is enabled (404 FEATURE_DISABLED otherwise).";
const DCM = `${DC} Runs an authorization check for the caller; a deny is 403 AUTHORIZATION_DENIED.`;
op({
  m: "get",
  p: "/api/v1/data/tables",
  id: "listDataTables",
  tag: "Data Console",
  sum: "List data-console tables",
  auth: "std",
  list: "ApiOpenAPIResourceMapping",
  q: ["SpaceIdQuery"],
  extraErr: [404],
  desc: DC,
  preview: true,
});
op({
  m: "get",
  p: "/api/v1/data/rows/{resource_type}",
  id: "listDataRows",
  tag: "Data Console",
  sum: "List data rows for a resource type",
  auth: "std",
  list: "ApiOpenAPIResource",
  q: ["SpaceIdQuery"],
  extraErr: [404],
  desc: DC,
  preview: true,
});
op({
  m: "post",
  p: "/api/v1/data/rows/{resource_type}",
  id: "createDataRow",
  tag: "Data Console",
  sum: "Create a data row",
  auth: "std",
  body: "ApiDataRowCreateRequest",
  ok: 201,
  one: "ApiOpenAPIDataRowMutationResponse",
  extraErr: [404, 409],
  desc: DCM,
  preview: true,
});
op({
  m: "get",
  p: "/api/v1/data/rows/{resource_type}/{resource_id}",
  id: "getDataRow",
  tag: "Data Console",
  sum: "Get a data row",
  auth: "std",
  one: "ApiOpenAPIResource",
  extraErr: [404],
  desc: DC,
  preview: true,
});
op({
  m: "patch",
  p: "/api/v1/data/rows/{resource_type}/{resource_id}",
  id: "updateDataRow",
  tag: "Data Console",
  sum: "Update a data row",
  auth: "std",
  body: "ApiDataRowMutationRequest",
  one: "ApiOpenAPIDataRowMutationResponse",
  extraErr: [404, 409],
  desc: DCM,
  preview: true,
});
op({
  m: "delete",
  p: "/api/v1/data/rows/{resource_type}/{resource_id}",
  id: "deleteDataRow",
  tag: "Data Console",
  sum: "Soft-delete a data row",
  auth: "std",
  one: "ApiOpenAPIDataRowMutationResponse",
  extraErr: [404, 409],
  desc: `${DCM} Sets the row's status to \`deleted\`.`,
  preview: true,
});

// Audit
const AUDIT_Q = [
  "ActorUserIdQuery",
  "ActorMemberIdQuery",
  "ActorUserMemberIdQuery",
  "ResourceTypeQuery",
  "ResourceIdQuery",
  "DecisionQuery",
  "DenyCodeQuery",
  "RequestIdQuery",
  "CreatedAtFromQuery",
  "CreatedAtToQuery",
];
op({
  m: "get",
  p: "/api/v1/audit/logs",
  id: "listAuditLogs",
  tag: "Audit",
  sum: "List audit logs",
  auth: "std",
  list: "ApiOpenAPIAuditLog",
  q: ["SpaceIdQuery", ...AUDIT_Q],
  desc: "Newest first. Rows omit `trace`; fetch the detail for it.",
});
op({
  m: "get",
  p: "/api/v1/audit/logs/{audit_log_id}",
  id: "getAuditLog",
  tag: "Audit",
  sum: "Get audit log detail",
  auth: "std",
  one: "ApiOpenAPIAuditLogDetail",
  extraErr: [404],
});
op({
  m: "get",
  p: "/api/v1/spaces/{space_id}/audit-logs",
  id: "listSpaceAuditLogs",
  tag: "Audit",
  sum: "List audit logs in a space",
  auth: "std",
  list: "ApiOpenAPIAuditLog",
  q: AUDIT_Q,
  extraErr: [404],
  desc: "Newest first. Rows omit `trace`; fetch the detail for it.",
});
op({
  m: "get",
  p: "/api/v1/spaces/{space_id}/audit-logs/{audit_log_id}",
  id: "getSpaceAuditLog",
  tag: "Audit",
  sum: "Get audit log detail in a space",
  auth: "std",
  one: "ApiOpenAPIAuditLogDetail",
  extraErr: [404],
});

// ---------------------------------------------------------------------------------------------
// Assemble
// ---------------------------------------------------------------------------------------------

const pRef = (name) => ({ $ref: `#/components/parameters/${name}` });
const rRef = (name) => ({ $ref: `#/components/responses/${name}` });

/** Operations that answer without the database. */
const NO_DATABASE = new Set(["getHealth", "getVersion"]);

function buildOperation(o) {
  const out = { tags: [o.tag], summary: o.sum };
  if (o.desc) out.description = o.desc;
  out.operationId = o.id;
  if (o.preview) out["x-plystra-preview"] = true;
  out.security = SEC[o.auth];
  out["x-plystra-permission"] = permissionOf(o.id);

  const params = [pRef("XRequestId")];
  for (const m of o.p.matchAll(/\{([a-z_]+)\}/g)) {
    const comp = PATH_PARAMS[m[1]];
    if (!comp) throw new Error(`no path parameter component for ${m[1]}`);
    params.push(pRef(`${comp}Path`));
  }
  if (o.list) params.push(pRef("Limit"), pRef("Cursor"));
  for (const q of o.q ?? []) {
    if (!parameters[q]) throw new Error(`unknown query parameter ${q}`);
    params.push(pRef(q));
  }
  out.parameters = params;

  if (o.body) {
    out.requestBody = {
      required: !o.bodyOptional,
      content: { "application/json": { schema: ref(o.body) } },
    };
    if (o.bodyOptional) out.requestBody.description = "May be omitted or `{}`.";
  }

  const ok = String(o.ok ?? 200);
  const okHeaders = { "X-Request-ID": hRef("X-Request-ID") };
  for (const h of o.okHeaders ?? []) okHeaders[h] = hRef(h);
  let content;
  if (o.text) {
    content = {
      "text/plain": {
        schema: { type: "string" },
        example: "# TYPE authz_denies_total counter\nauthz_denies_total 3\n",
      },
    };
  } else {
    const name = envelope(o.list ?? o.one, Boolean(o.list));
    content = { "application/json": { schema: ref(name) } };
  }
  const responsesOut = {
    [ok]: { description: ok === "201" ? "Created" : "OK", headers: okHeaders, content },
  };
  const statuses = new Set(o.err ?? DEFAULT_ERR[o.auth]);
  for (const s of o.extraErr ?? []) statuses.add(s);
  // Everything but liveness and version reads the database, so may meet it unreachable.
  if (!NO_DATABASE.has(o.id)) statuses.add(503);
  for (const s of [...statuses].sort()) responsesOut[String(s)] = rRef(ERROR_RESPONSES[s].name);
  out.responses = responsesOut;
  return out;
}

const stalePermissions = Object.keys(PERMISSIONS).filter((id) => !ops.some((o) => o.id === id));
if (stalePermissions.length > 0) throw new Error(`PERMISSIONS names unknown operations: ${stalePermissions}`);

const paths = {};
for (const o of ops) {
  paths[o.p] ??= {};
  if (paths[o.p][o.m]) throw new Error(`duplicate ${o.m} ${o.p}`);
  paths[o.p][o.m] = buildOperation(o);
}
const sortedPaths = Object.fromEntries(
  Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
);

const TAGS = [
  ["System", "Liveness, readiness, version and Prometheus metrics."],
  ["Console", "Summary data for the admin console."],
  ["Auth", "Password sessions: register, login, token rotation and logout."],
  ["Actor", "Which Member a session currently acts as, and switching it."],
  ["Admin", "Management-plane admin grants at instance, space and group level."],
  ["API Keys", "Scoped machine credentials for server-to-server calls."],
  ["Authorization", "The decision endpoints: check and explain."],
  ["Users", "Login accounts."],
  ["Spaces", "Tenant boundaries."],
  ["Groups", "The group hierarchy inside a Space."],
  ["Members", "Business identities inside a Space."],
  ["User Members", "Bindings that let a User act as a Member."],
  ["Roles", "Space-local roles and the grants of roles to Members."],
  ["Permissions", "Permission triples and their bindings to roles."],
  ["Resource Types", "The resource registry: types, actions and storage mappings."],
  ["Resources", "Protected resource records."],
  ["Data Console", "Preview: row-level data access through authorization checks; disabled by default."],
  ["Audit", "Read access to the append-only audit log."],
];

const sortedSchemas = Object.fromEntries(
  Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
);

export const document = {
  openapi: "3.1.0",
  info: {
    title: "Plystra API",
    version: "1.0.0",
    summary: "Self-hosted authorization service: decisions, explanations and an append-only audit log.",
    description: [
      "Plystra answers one question before a business mutation: may this actor perform this action on",
      "this resource? Every answer comes with a structured explanation and an audit record.",
      "",
      "Conventions:",
      "",
      "- Success bodies are `{data, request_id}`; lists add `pagination {limit, cursor, has_more}`.",
      "- Errors are `{error: {code, message, details, request_id}, request_id}` with a stable `code`.",
      "- Lists use keyset pagination: `limit` (1-200, default 50) and the opaque `cursor` of the previous page.",
      "- Every response carries `X-Request-ID`; a client-supplied one is echoed.",
      "- Authorization denies are 200 responses with `decision: deny`, never errors.",
      "- Operations marked `x-plystra-preview` (Data Console) are not covered by compatibility guarantees.",
      "- Each operation's `x-plystra-permission` states the admin permission it needs and where its scope",
      "  comes from (or that it is public, and why); the server enforces exactly that.",
    ].join("\n"),
    contact: { name: "Plystra maintainers", url: "https://github.com/plystra/plystra/issues" },
    license: { name: "Apache-2.0", identifier: "Apache-2.0" },
  },
  servers: [
    {
      url: "http://localhost:8080",
      description: "Local development: `pnpm dev` or `docker compose --profile dev up` (SERVER_PORT 8080).",
    },
    {
      url: "{public_url}",
      description:
        "Your deployment: the SERVER_PUBLIC_URL of the Core you run (TLS terminated at your proxy).",
      variables: { public_url: { default: "http://localhost:8080", description: "SERVER_PUBLIC_URL" } },
    },
  ],
  tags: TAGS.map(([name, description]) => ({ name, description })),
  "x-tagGroups": [
    { name: "Platform", tags: ["System", "Console"] },
    { name: "Authentication", tags: ["Auth", "Actor"] },
    { name: "Administration", tags: ["Admin", "API Keys"] },
    { name: "Authorization", tags: ["Authorization", "Permissions", "Roles"] },
    { name: "Identity", tags: ["Users", "Spaces", "Groups", "Members", "User Members"] },
    { name: "Resources", tags: ["Resource Types", "Resources", "Data Console"] },
    { name: "Audit", tags: ["Audit"] },
  ],
  paths: sortedPaths,
  components: {
    securitySchemes: {
      BearerAuth: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "opaque Plystra access token",
        description:
          "Access token from login, register or refresh. An API key (`ply_ak_…`) sent as a bearer token is " +
          "treated as ApiKeyAuth.",
      },
      ApiKeyAuth: {
        type: "apiKey",
        in: "header",
        name: "X-Plystra-API-Key",
        description: "Scoped API key for server-to-server calls.",
      },
      MetricsTokenAuth: {
        type: "apiKey",
        in: "header",
        name: "X-Plystra-Metrics-Token",
        description: "Dedicated metrics token, when one is configured.",
      },
    },
    parameters,
    headers,
    responses,
    schemas: sortedSchemas,
  },
};

const HEADER =
  "# Plystra API contract (OpenAPI 3.1).\n" +
  "# Generated by openapi/tools/build-spec.mjs: edit the tables there, then run\n" +
  "# `pnpm --filter @plystra/contract gen` and commit both files.\n";

export function render() {
  return HEADER + toYaml(document);
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  const text = render();
  if (args.includes("--stdout")) {
    process.stdout.write(text);
  } else {
    const outIdx = args.indexOf("--out");
    const out = outIdx >= 0 ? resolve(args[outIdx + 1]) : DEFAULT_OUT;
    writeFileSync(out, text);
    console.log(`wrote ${out} (${ops.length} operations, ${Object.keys(sortedPaths).length} paths)`);
  }
}
