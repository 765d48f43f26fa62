#!/usr/bin/env node
// Generates the Go SDK's wire layer from openapi/plystra.yaml:
//
//   types.gen.go     request/response structs and enums, by oapi-codegen (pinned below), run on a
//                    Go-shaped copy of the spec (see goShapedSpec: Go names, pointer rules, unions);
//   services.gen.go  the Client struct, one service per API area and one method per operation,
//                    query-parameter structs and list iterators, by this script (no tool yields
//                    typed, context-first services with the v1.0 names and our transport).
//
//   node scripts/gen.mjs           write both files
//   node scripts/gen.mjs --check   fail when a committed file differs from a fresh generation
//                                  (types.gen.go: by its stamp, see renderTypes)
//
// Deterministic: the same spec gives byte-identical files. A new operation needs no edit here (it
// lands on the service of its tag under its operationId); add it to OPERATIONS to pick its name.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const OAPI_CODEGEN = "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2";

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(pkgDir, "..", "..");
const SPEC = join(repoRoot, "openapi", "plystra.yaml");
const TYPES = join(pkgDir, "types.gen.go");
const SERVICES = join(pkgDir, "services.gen.go");

// ---------------------------------------------------------------------------------------------
// Names

const INITIALISMS = new Map(
  ["id", "api", "url", "http", "ip", "json", "uuid", "ulid", "html", "uri"].map((w) => [w, w.toUpperCase()]),
);

/** `space_id` → `SpaceID`, `getUser` → `GetUser`, `listAPIKeys` → `ListAPIKeys`. */
function pascal(name) {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .split(/[_\-\s./]+/)
    .filter(Boolean)
    .map((w) => INITIALISMS.get(w.toLowerCase()) ?? w[0].toUpperCase() + w.slice(1))
    .join("");
}

/** `space_id` → `spaceID`, `resource_type` → `resourceType`. */
function camel(name) {
  const p = pascal(name);
  const m = /^[A-Z]+(?=[A-Z][a-z]|$)|^[A-Z]/.exec(p);
  return m[0].toLowerCase() + p.slice(m[0].length);
}

// Names a Go user reads; everything else follows the rules in goTypeName.
const TYPE_NAMES = {
  ApiAuthzRequest: "AuthzCheckInput",
  AuthzActorContext: "ActorContext",
  ApiOpenAPIAuthzCheckResponse: "AuthzCheckResult",
  ApiOpenAPIAuthzDecision: "DecisionTrace",
  ApiOpenAPIError: "ErrorBody",
};

/** Spec schema name → Go type name (`ApiOpenAPIUser` → `User`, `ApiUserCreateRequest` → `UserCreateInput`). */
function goTypeName(schema) {
  if (TYPE_NAMES[schema]) return TYPE_NAMES[schema];
  let n = schema;
  if (n.startsWith("ApiOpenAPI")) n = n.slice("ApiOpenAPI".length).replace(/Response$/, "Result");
  else if (/^Api[A-Z]/.test(n) && /(Request|Context)$/.test(n)) n = n.slice(3).replace(/Request$/, "Input");
  return n.replace(/Api(?=Key)/g, "API");
}

// ---------------------------------------------------------------------------------------------
// Operations → services. Services and their order are the v1.0 Go client's fields.

const SERVICES_ORDER = [
  ["System", "Liveness, readiness, version and the console overview."],
  ["Auth", "Password sessions: login, token rotation, logout and registration."],
  ["Actor", "The Member a session acts as, and switching it."],
  ["Admin", "The calling principal and management-plane admin grants."],
  ["APIKeys", "Scoped machine credentials. Create returns the plaintext key once."],
  ["Authz", "Authorization decisions. A deny is a normal value, never an error."],
  ["Audit", "The append-only audit log, newest first."],
  ["Users", "Login accounts."],
  ["Spaces", "Tenant boundaries."],
  ["Groups", "The group hierarchy inside a Space (materialised paths such as finance.apac)."],
  ["Members", "Business identities inside a Space."],
  ["UserMembers", "Revocable bindings that let a User act as a Member."],
  ["Roles", "Space-local roles."],
  ["MemberRoles", "Grants of Roles to Members."],
  ["Permissions", "Permission triples (resource, action, scope)."],
  ["RolePermissions", "Links of Permissions to Roles."],
  ["ResourceTypes", "The resource registry: types, their actions and storage mappings."],
  ["Resources", "Protected resource records that managed-mode checks resolve."],
  ["Data", "Preview: the Data Console (rows through their registry mapping); disabled by default."],
];

// Service of an operation not listed in OPERATIONS, by its first tag.
const TAG_SERVICE = {
  System: "System",
  Console: "System",
  Auth: "Auth",
  Actor: "Actor",
  Admin: "Admin",
  "API Keys": "APIKeys",
  Authorization: "Authz",
  Audit: "Audit",
  Users: "Users",
  Spaces: "Spaces",
  Groups: "Groups",
  Members: "Members",
  "User Members": "UserMembers",
  Roles: "Roles",
  Permissions: "Permissions",
  "Resource Types": "ResourceTypes",
  Resources: "Resources",
  "Data Console": "Data",
};

// operationId → [service, method, flags]. Flags: `internal` (unexported; a hand-written method in
// the package wraps it), `noauth` (sends no credential), `skip` (not wrapped; reason given).
const OPERATIONS = {
  getVersion: ["System", "Version"],
  getHealth: ["System", "Health"],
  getReadiness: ["System", "Ready"],
  getConsoleOverview: ["System", "ConsoleOverview"],
  getMetrics: ["System", "Metrics", "skip"], // Prometheus text for scrapers; not wrapped (v1.0 §7).
  login: ["Auth", "login", "internal noauth"],
  refreshSession: ["Auth", "refresh", "internal noauth"],
  logout: ["Auth", "logout", "internal"],
  register: ["Auth", "Register", "noauth"],
  getAuthMe: ["Auth", "Me"],
  getMe: ["Auth", "Me"],
  getActorContext: ["Actor", "Context"],
  switchMember: ["Actor", "SwitchMember"],
  getAdminMe: ["Admin", "Me"],
  listAdminGrants: ["Admin", "ListGrants"],
  getAdminGrant: ["Admin", "GetGrant"],
  createAdminGrant: ["Admin", "CreateGrant"],
  revokeAdminGrant: ["Admin", "RevokeGrant"],
  listAPIKeys: ["APIKeys", "List"],
  createAPIKey: ["APIKeys", "Create"],
  getAPIKey: ["APIKeys", "Get"],
  revokeAPIKey: ["APIKeys", "Revoke"],
  checkAuthorization: ["Authz", "Check"],
  explainAuthorization: ["Authz", "Explain"],
  listAuditLogs: ["Audit", "List"],
  getAuditLog: ["Audit", "Get"],
  listSpaceAuditLogs: ["Audit", "ListInSpace"],
  getSpaceAuditLog: ["Audit", "GetInSpace"],
  listUsers: ["Users", "List"],
  createUser: ["Users", "Create"],
  getUser: ["Users", "Get"],
  updateUser: ["Users", "Update"],
  disableUser: ["Users", "Disable"],
  restoreUser: ["Users", "Restore"],
  listSpaces: ["Spaces", "List"],
  createSpace: ["Spaces", "Create"],
  getSpace: ["Spaces", "Get"],
  updateSpace: ["Spaces", "Update"],
  disableSpace: ["Spaces", "Disable"],
  restoreSpace: ["Spaces", "Restore"],
  listGroups: ["Groups", "List"],
  createGroup: ["Groups", "Create"],
  getGroupByID: ["Groups", "Get"],
  getGroup: ["Groups", "GetInSpace"],
  getGroupTree: ["Groups", "Tree"],
  updateGroup: ["Groups", "Update"],
  disableGroup: ["Groups", "Disable"],
  listMembers: ["Members", "List"],
  createMember: ["Members", "Create"],
  getMemberByID: ["Members", "Get"],
  getMember: ["Members", "GetInSpace"],
  updateMember: ["Members", "Update"],
  disableMember: ["Members", "Disable"],
  listUserMembers: ["UserMembers", "List"],
  createUserMember: ["UserMembers", "Create"],
  getUserMemberByID: ["UserMembers", "Get"],
  getUserMember: ["UserMembers", "GetInSpace"],
  updateUserMember: ["UserMembers", "Update"],
  revokeUserMember: ["UserMembers", "Revoke"],
  listRoles: ["Roles", "List"],
  createRole: ["Roles", "Create"],
  getRoleByID: ["Roles", "Get"],
  getRole: ["Roles", "GetInSpace"],
  updateRole: ["Roles", "Update"],
  disableRole: ["Roles", "Disable"],
  listMemberRoles: ["MemberRoles", "List"],
  createMemberRole: ["MemberRoles", "Create"],
  getMemberRole: ["MemberRoles", "Get"],
  revokeMemberRole: ["MemberRoles", "Revoke"],
  listMemberRoleGrants: ["MemberRoles", "ListGrants"],
  createMemberRoleGrant: ["MemberRoles", "CreateGrant"],
  getMemberRoleGrant: ["MemberRoles", "GetGrant"],
  revokeMemberRoleGrant: ["MemberRoles", "RevokeGrant"],
  listPermissions: ["Permissions", "List"],
  createPermission: ["Permissions", "Create"],
  getPermission: ["Permissions", "Get"],
  updatePermission: ["Permissions", "Update"],
  disablePermission: ["Permissions", "Disable"],
  listRolePermissions: ["RolePermissions", "List"],
  createRolePermission: ["RolePermissions", "Create"],
  getRolePermission: ["RolePermissions", "Get"],
  deleteRolePermission: ["RolePermissions", "Revoke"],
  listSpaceRolePermissions: ["RolePermissions", "ListInSpace"],
  createSpaceRolePermission: ["RolePermissions", "CreateInSpace"],
  getSpaceRolePermission: ["RolePermissions", "GetInSpace"],
  deleteSpaceRolePermission: ["RolePermissions", "RevokeInSpace"],
  listResourceTypes: ["ResourceTypes", "List"],
  upsertResourceType: ["ResourceTypes", "Upsert"],
  getResourceType: ["ResourceTypes", "Get"],
  listResourceActions: ["ResourceTypes", "Actions"],
  upsertResourceAction: ["ResourceTypes", "UpsertAction"],
  getResourceMapping: ["ResourceTypes", "Mapping"],
  upsertResourceMapping: ["ResourceTypes", "UpsertMapping"],
  updateResourceMapping: ["ResourceTypes", "UpdateMapping"],
  replaceResourceMapping: ["ResourceTypes", "ReplaceMapping"],
  listResources: ["Resources", "List"],
  createResource: ["Resources", "Create"],
  getResourceByTypeAndID: ["Resources", "Get"],
  updateSpaceResource: ["Resources", "Update"],
  archiveSpaceResource: ["Resources", "Archive"],
  listSpaceResources: ["Resources", "ListInSpace"],
  createSpaceResource: ["Resources", "CreateInSpace"],
  getSpaceResource: ["Resources", "GetInSpace"],
  listDataTables: ["Data", "Tables"],
  listDataRows: ["Data", "ListRows"],
  getDataRow: ["Data", "GetRow"],
  createDataRow: ["Data", "CreateRow"],
  updateDataRow: ["Data", "UpdateRow"],
  deleteDataRow: ["Data", "DeleteRow"],
};

// ---------------------------------------------------------------------------------------------
// The Go-shaped spec handed to oapi-codegen

const refName = (ref) => ref.split("/").pop();
const isEnvelope = (name) => /^ApiOpenAPI(List)?Envelope(?!$)/.test(name) && name !== "ApiOpenAPIErrorEnvelope";

function nullableType(s) {
  return Array.isArray(s?.type) && s.type.includes("null");
}
function nullableOneOf(s) {
  return Array.isArray(s?.oneOf) && s.oneOf.some((b) => b.type === "null") && s.oneOf.length === 2;
}
function baseType(s) {
  if (Array.isArray(s?.type)) return s.type.find((t) => t !== "null");
  return s?.type;
}

/**
 * Rewrites the spec so oapi-codegen yields the Go surface we want, with no runtime dependency:
 * - schemas renamed to Go names; envelopes dropped (the transport unwraps `data` generically);
 * - pointers only where the contract allows null, for optional objects and timestamps (whose
 *   zero value `omitempty` cannot leave out) and for numbers and booleans with a non-zero
 *   default; other optional fields are plain values;
 * - nullable arrays and maps are plain slices/maps (nil already reads as null);
 * - a non-null `oneOf` union becomes `json.RawMessage` (typed accessors are hand-written);
 * - a schema allowing several JSON types becomes `any`;
 * - `additionalProperties: true` beside declared properties is dropped (the decoder ignores
 *   unknown fields anyway) and formats other than date-time are dropped (no runtime types).
 */
function goShapedSpec(spec) {
  const schemas = spec.components.schemas;
  const isObjectSchema = (s) => {
    if (s?.$ref) return isObjectSchema(schemas[refName(s.$ref)]);
    if (s?.allOf?.length === 1) return isObjectSchema(s.allOf[0]);
    if (nullableOneOf(s)) return isObjectSchema(s.oneOf.find((b) => b.type !== "null"));
    return baseType(s) === "object" && (s.properties !== undefined || s.oneOf !== undefined);
  };
  const isUnion = (s) => Array.isArray(s?.oneOf) && !nullableOneOf(s);
  // Schemas reachable from a request body: their optional nullable scalars are plain values with
  // omitempty. A nil pointer would be omitted too (an explicit null cannot be sent either way), so
  // pointers there would only cost callers `&v` for nothing (`ActorContext{UserID: "user_alice"}`).
  const inputSchemas = new Set();
  const collectInputs = (node) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(collectInputs);
    if (typeof node.$ref === "string") {
      const name = refName(node.$ref);
      if (inputSchemas.has(name)) return;
      inputSchemas.add(name);
      collectInputs(schemas[name]);
    }
    for (const v of Object.values(node)) collectInputs(v);
  };
  for (const item of Object.values(spec.paths ?? {}))
    for (const op of Object.values(item)) collectInputs(op?.requestBody);

  const fix = (s, input = false) => {
    if (!s || typeof s !== "object") return s;
    if (Array.isArray(s)) return s.map((x) => fix(x, input));
    const out = {};
    for (const [k, v] of Object.entries(s)) {
      if (k === "$ref") out.$ref = `#/components/schemas/${goTypeName(refName(v))}`;
      else if (k === "format" && v !== "date-time") continue;
      else if (k === "properties") {
        out.properties = {};
        const required = new Set(s.required ?? []);
        for (const [name, prop] of Object.entries(v))
          out.properties[name] = fixProperty(prop, required.has(name), name, input);
      } else out[k] = fix(v, input);
    }
    if (out.properties && out.additionalProperties === true) delete out.additionalProperties;
    // A value that may be any of several JSON types (free-form metadata values) is `any` in Go.
    if (Array.isArray(out.type) && out.type.filter((t) => t !== "null").length > 1) {
      delete out.type;
      delete out.pattern;
    }
    // DenyCodeScopeOutOfBounds rather than DenyCodeSCOPEOUTOFBOUNDS.
    if (Array.isArray(out.enum) && out.enum.every((v) => typeof v === "string")) {
      out["x-enum-varnames"] = out.enum.map((v) => pascal(v.toLowerCase()));
    }
    if (isUnion(s)) {
      return {
        ...(s.description ? { description: s.description } : {}),
        "x-go-type": "json.RawMessage",
        "x-go-type-import": { path: "encoding/json" },
      };
    }
    return out;
  };

  const fixProperty = (prop, required, name, input) => {
    let p = fix(prop, input);
    // Every exported field gets a doc comment: the wire name and what null/absence mean.
    const target = prop.$ref ? schemas[refName(prop.$ref)] : prop.allOf?.[0]?.$ref ? schemas[refName(prop.allOf[0].$ref)] : null;
    if (!prop.description && !target?.description) {
      const notes = [];
      if (nullableType(prop) || nullableOneOf(prop)) notes.push("null when not set");
      if (!required) notes.push("optional");
      p = { ...p, description: `is \`${name}\` on the wire${notes.length ? ` (${notes.join(", ")})` : ""}.` };
    }
    const container = ["array", "object"].includes(baseType(p)) && !isObjectSchema(prop);
    if (container && nullableType(p)) p = { ...p, type: baseType(p) };
    const nullable = nullableType(p) || nullableOneOf(prop);
    // A number or boolean whose default is not its zero value needs a pointer to send the zero.
    const zeroMatters = ["boolean", "integer", "number"].includes(baseType(p)) && ![undefined, 0, false].includes(p.default);
    const optionalInputScalar =
      input && !required && !zeroMatters && ["string", "integer", "number", "boolean"].includes(baseType(p));
    if (optionalInputScalar && nullableType(p)) p = { ...p, type: baseType(p) };
    const pointer =
      (nullable && !optionalInputScalar) || isObjectSchema(prop) || p.format === "date-time" || isUnion(prop) || zeroMatters;
    if (!required && !pointer) p = { ...p, "x-go-type-skip-optional-pointer": true };
    return p;
  };

  const out = {};
  for (const [name, schema] of Object.entries(schemas)) {
    if (isEnvelope(name)) continue;
    out[goTypeName(name)] = fix(schema, inputSchemas.has(name));
  }
  return { openapi: spec.openapi, info: spec.info, paths: {}, components: { schemas: out } };
}

const OAPI_CONFIG = [
  "package: plystra",
  "generate:",
  "  models: true",
  "output: types.gen.go",
  "output-options:",
  "  skip-prune: true",
  "  name-normalizer: ToCamelCaseWithInitialisms",
  "compatibility:",
  "  always-prefix-enum-values: true",
  "",
].join("\n");

const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const STAMP = /^\/\/ Inputs sha256:([0-9a-f]{64}); content sha256:([0-9a-f]{64})\.[^\n]*\n/m;

/**
 * types.gen.go by oapi-codegen. The file carries a stamp: the hash of everything that determines
 * it (the Go-shaped spec, the pinned tool and its config, this script) and the hash of its own
 * content. `--check` compares the stamp instead of re-running the tool, so the check needs
 * neither the Go module proxy nor a build of oapi-codegen, and still catches a stale spec, a
 * changed generator and a hand edit.
 */
function renderTypes(spec, check) {
  const shaped = JSON.stringify(goShapedSpec(spec), null, 2);
  const inputs = sha256([OAPI_CODEGEN, OAPI_CONFIG, shaped, readFileSync(fileURLToPath(import.meta.url), "utf8")].join("\0"));
  if (check) {
    let current = "";
    try {
      current = readFileSync(TYPES, "utf8");
    } catch {
      return null;
    }
    const m = STAMP.exec(current);
    return m && m[1] === inputs && m[2] === sha256(current.replace(STAMP, "")) ? current : null;
  }
  const dir = mkdtempSync(join(tmpdir(), "plystra-go-gen-"));
  try {
    writeFileSync(join(dir, "spec.json"), shaped);
    writeFileSync(join(dir, "config.yaml"), OAPI_CONFIG);
    execFileSync("go", ["run", OAPI_CODEGEN, "-config", "config.yaml", "spec.json"], {
      cwd: dir,
      stdio: ["ignore", "inherit", "inherit"],
    });
    let text = readFileSync(join(dir, "types.gen.go"), "utf8");
    // Our doc.go owns the package comment; keep the generated-code marker detached from it.
    text = text.replace(
      /^\/\/ Package plystra provides primitives to interact with the openapi HTTP API\.\n\/\/\n(\/\/ Code generated [^\n]*)\n/,
      "$1\n\n",
    );
    // x-go-type-import repeats imports the file already has.
    text = text.replace(/^import \(\n([\s\S]*?)\n\)/m, (_, body) => {
      const lines = [...new Set(body.split("\n").filter((l) => l.trim() !== ""))].sort();
      return `import (\n${lines.join("\n")}\n)`;
    });
    if (/github\.com\/oapi-codegen\/runtime/.test(text)) {
      throw new Error("types.gen.go would import oapi-codegen/runtime: the SDK must stay standard-library only");
    }
    text = gofmt(text, ["-r", "interface{} -> any"]);
    const firstLine = text.indexOf("\n") + 1;
    const stamp = `// Inputs sha256:${inputs}; content sha256:${sha256(text)}. Checked by gen:check.\n`;
    return text.slice(0, firstLine) + stamp + text.slice(firstLine);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function gofmt(text, args = []) {
  return execFileSync("gofmt", args, { input: text, encoding: "utf8", maxBuffer: 64 << 20 });
}

// ---------------------------------------------------------------------------------------------
// services.gen.go

const METHODS = ["get", "put", "post", "delete", "patch"];

function resolveParam(spec, p) {
  return p.$ref ? spec.components.parameters[refName(p.$ref)] : p;
}

function queryGoType(param) {
  const s = param.schema ?? {};
  if (s.$ref) return { type: goTypeName(refName(s.$ref)), kind: "string" };
  if (s.type === "string" && s.format === "date-time") return { type: "time.Time", kind: "time" };
  if (s.type === "string") return { type: "string", kind: "string" };
  if (s.type === "integer") return { type: "int", kind: "int" };
  if (s.type === "boolean") return { type: "*bool", kind: "bool" };
  throw new Error(`query parameter ${param.name}: unsupported schema ${JSON.stringify(s)}`);
}

/** What a 2xx JSON body holds: `{kind: "single"|"list", type}` from its envelope's `data`. */
function responseShape(spec, op, opId) {
  const code = Object.keys(op.responses).find((c) => c.startsWith("2"));
  const schema = op.responses[code]?.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`${opId}: 2xx response has no JSON body`);
  const env = schema.$ref ? spec.components.schemas[refName(schema.$ref)] : schema;
  const data = env?.properties?.data;
  if (!data) throw new Error(`${opId}: response envelope has no data`);
  const list = env.properties.pagination !== undefined;
  const item = list ? data.items : data;
  const type = item?.$ref ? goTypeName(refName(item.$ref)) : "json.RawMessage";
  if (list && data.type !== "array") throw new Error(`${opId}: list envelope data is not an array`);
  return { list, type };
}

function collectOperations(spec) {
  const ops = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const opId = op.operationId;
      let [service, name, flags = ""] = OPERATIONS[opId] ?? [];
      if (!service) {
        service = TAG_SERVICE[op.tags?.[0]];
        name = pascal(opId);
        if (!service) throw new Error(`${opId}: no service for tag ${op.tags?.[0]}; add it to OPERATIONS`);
        console.warn(`gen: ${opId} is not named in OPERATIONS; generated as ${service}.${name}`);
      }
      if (flags.includes("skip")) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => resolveParam(spec, p));
      const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const query = params.filter((p) => p.in === "query");
      const rb = op.requestBody?.content?.["application/json"]?.schema;
      const body = rb ? { type: rb.$ref ? goTypeName(refName(rb.$ref)) : "any", required: op.requestBody.required === true } : null;
      ops.push({
        opId,
        service,
        name,
        internal: flags.includes("internal"),
        noauth: flags.includes("noauth"),
        method: method.toUpperCase(),
        path,
        pathParams,
        query,
        body,
        summary: op.summary ?? "",
        description: op.description ?? "",
        preview: op["x-plystra-preview"] === true,
        response: responseShape(spec, op, opId),
      });
    }
  }
  const seen = new Map();
  for (const o of ops) {
    const key = `${o.service}.${o.name}`;
    if (seen.has(key)) throw new Error(`${o.opId} and ${seen.get(key)} both map to ${key}`);
    seen.set(key, o.opId);
  }
  const cmp = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
  return ops.sort((a, b) => cmp(a.service, b.service) || cmp(a.name, b.name));
}

function comment(text, indent = "") {
  const words = text.replace(/\s+/g, " ").trim().split(" ");
  const lines = [];
  let line = "";
  for (const w of words) {
    if (line && line.length + w.length + 1 > 96) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.map((l) => `${indent}// ${l}`).join("\n");
}

function renderServices(spec) {
  const ops = collectOperations(spec);
  const order = SERVICES_ORDER.map(([s]) => s);
  const byService = new Map(order.map((s) => [s, []]));
  for (const o of ops) {
    if (!byService.has(o.service)) throw new Error(`${o.opId}: unknown service ${o.service}`);
    byService.get(o.service).push(o);
  }
  const out = [];

  // Client
  out.push("// Client is a Plystra Core client. Create one with NewClient; it is safe for concurrent use");
  out.push("// by many goroutines. API areas are fields (client.Authz, client.Users, …), and every method");
  out.push("// takes a context.Context first and returns (value, error).");
  out.push("type Client struct {");
  for (const [name, doc] of SERVICES_ORDER) out.push(`${comment(doc, "\t")}\n${name} *${name}Service`);
  out.push("\nt *transport\n}\n");
  out.push("func (c *Client) initServices() {");
  for (const name of order) out.push(`c.${name} = &${name}Service{t: c.t}`);
  out.push("}\n");

  const paramsTypes = [];
  for (const [service, doc] of SERVICES_ORDER) {
    out.push(comment(`${service}Service is Client.${service}: ${doc}`));
    out.push(`type ${service}Service struct{ t *transport }\n`);
    for (const o of byService.get(service)) out.push(renderMethod(o, paramsTypes));
  }
  for (const p of paramsTypes) out.push(p);
  out.push("// The contract's operations, as the methods above send them.\nvar (");
  for (const o of [...ops].sort((a, b) => (a.opId < b.opId ? -1 : 1))) {
    out.push(
      `op${pascal(o.opId)} = operation{id: ${JSON.stringify(o.opId)}, method: http.Method${o.method[0]}${o.method.slice(1).toLowerCase()}, path: ${JSON.stringify(o.path)}${o.noauth ? ", noAuth: true" : ""}}`,
    );
  }
  out.push(")\n");
  const body = out.join("\n");
  const imports = ["context", "encoding/json", "iter", "net/http", "net/url", "strconv", "time"].filter((imp) =>
    new RegExp(`\\b${imp.split("/").pop()}\\.`).test(body),
  );
  const header = [
    "// Code generated by sdks/go/scripts/gen.mjs from openapi/plystra.yaml. DO NOT EDIT.",
    "// Run `pnpm --filter @plystra/sdk-go gen`.\n",
    "package plystra\n",
    `import (\n${imports.map((i) => JSON.stringify(i)).join("\n")}\n)\n`,
  ];
  return gofmt([...header, body].join("\n"));
}

function renderMethod(o, paramsTypes) {
  const args = ["ctx context.Context"];
  const pathArgs = o.pathParams.map((p) => camel(p));
  for (const a of pathArgs) args.push(`${a} string`);
  let paramsType = null;
  if (o.query.length > 0) {
    paramsType = `${pascal(o.opId)}Params`;
    args.push(`params *${paramsType}`);
    paramsTypes.push(renderParams(paramsType, o));
  }
  if (o.body) args.push(o.body.required ? `body ${o.body.type}` : `body *${o.body.type}`);
  const result = o.response.list ? `*Page[${o.response.type}]` : `*${o.response.type}`;
  const op = `op${pascal(o.opId)}`;
  const pathVals = pathArgs.length ? `[]string{${pathArgs.join(", ")}}` : "nil";
  const query = paramsType ? "params.values()" : "nil";
  let bodyExpr = "nil";
  if (o.body) bodyExpr = o.body.required ? "body" : "optionalBody(body)";

  const lines = [];
  const docText = [`${o.name} sends ${o.method} ${o.path} (operation ${o.opId})${o.summary ? `: ${o.summary.replace(/\.$/, "")}` : ""}.`];
  if (o.description) docText.push(o.description);
  if (o.preview) docText.push("Preview: not covered by compatibility guarantees.");
  const doc = docText.join(" ");
  lines.push(comment(doc));
  if (o.response.list) {
    lines.push(`func (s *${o.service}Service) ${o.name}(${args.join(", ")}) (${result}, error) {`);
    lines.push(`return callList[${o.response.type}](ctx, s.t, ${op}, ${pathVals}, ${query}, ${bodyExpr})`);
    lines.push("}\n");
    const allName = o.name.startsWith("List") ? `All${o.name.slice(4)}` : `All${o.name}`;
    const allArgs = args.filter((a) => !a.startsWith("body"));
    const callArgs = ["ctx", ...pathArgs, ...(paramsType ? ["&p"] : [])];
    lines.push(
      comment(
        `${allName} iterates every item of ${o.name}, following cursors page after page. It stops at the first error, which it yields with a zero item.`,
      ),
    );
    lines.push(`func (s *${o.service}Service) ${allName}(${allArgs.join(", ")}) iter.Seq2[${o.response.type}, error] {`);
    if (paramsType) {
      lines.push(`var p ${paramsType}`);
      lines.push("if params != nil { p = *params }");
      lines.push(`return paginate(p.Cursor, func(cursor string) (*Page[${o.response.type}], error) {`);
      lines.push("p.Cursor = cursor");
    } else {
      lines.push(`return paginate("", func(string) (*Page[${o.response.type}], error) {`);
    }
    lines.push(`return s.${o.name}(${callArgs.join(", ")})`);
    lines.push("})\n}\n");
  } else {
    lines.push(`func (s *${o.service}Service) ${o.name}(${args.join(", ")}) (${result}, error) {`);
    lines.push(`return call[${o.response.type}](ctx, s.t, ${op}, ${pathVals}, ${query}, ${bodyExpr})`);
    lines.push("}\n");
  }
  return lines.join("\n");
}

function renderParams(name, o) {
  const fields = [];
  const setters = [];
  for (const q of o.query) {
    const field = pascal(q.name);
    const { type, kind } = queryGoType(q);
    const desc = q.description ? ` ${q.description}` : "";
    const omit = kind === "bool" ? "nil" : kind === "int" ? "0" : kind === "time" ? "the zero time" : "empty";
    fields.push(comment(`${field} is the \`${q.name}\` query parameter (left out when ${omit}).${desc}`, "\t"));
    fields.push(`${field} ${type}`);
    const key = JSON.stringify(q.name);
    if (kind === "string") setters.push(`if p.${field} != "" { v.Set(${key}, string(p.${field})) }`);
    if (kind === "int") setters.push(`if p.${field} != 0 { v.Set(${key}, strconv.Itoa(p.${field})) }`);
    if (kind === "time") setters.push(`if !p.${field}.IsZero() { v.Set(${key}, p.${field}.UTC().Format(time.RFC3339Nano)) }`);
    if (kind === "bool") setters.push(`if p.${field} != nil { v.Set(${key}, strconv.FormatBool(*p.${field})) }`);
  }
  return [
    comment(`${name} holds the query parameters of ${o.service}.${o.name} (operation ${o.opId}). A nil *${name} sends none.`),
    `type ${name} struct {`,
    ...fields,
    "}\n",
    `func (p *${name}) values() url.Values {`,
    "if p == nil { return nil }",
    "v := url.Values{}",
    ...setters,
    "return v",
    "}\n",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------

/**
 * Gives inline request bodies and inline envelope `data` objects a component name
 * (`<OperationId>Input`, `<OperationId>Result`), so they become named Go types too.
 */
function hoistInlineSchemas(spec) {
  const schemas = spec.components.schemas;
  const named = (schema) => schema && !schema.$ref && (schema.type === "object" || schema.properties);
  const hoist = (name, schema) => {
    if (schemas[name]) throw new Error(`cannot name an inline schema ${name}: the name is taken`);
    schemas[name] = schema;
    return { $ref: `#/components/schemas/${name}` };
  };
  for (const item of Object.values(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const base = pascal(op.operationId);
      const body = op.requestBody?.content?.["application/json"];
      if (named(body?.schema)) body.schema = hoist(`${base}Input`, body.schema);
      const code = Object.keys(op.responses ?? {}).find((c) => c.startsWith("2"));
      const schema = op.responses?.[code]?.content?.["application/json"]?.schema;
      const env = schema?.$ref ? schemas[refName(schema.$ref)] : schema;
      const data = env?.properties?.data;
      if (!data) continue;
      if (named(data)) env.properties.data = hoist(`${base}Result`, data);
      else if (data.type === "array" && named(data.items)) data.items = hoist(`${base}Item`, data.items);
    }
  }
  return spec;
}

const spec = hoistInlineSchemas(parse(readFileSync(SPEC, "utf8")));
const fresh = new Map([
  [TYPES, renderTypes(spec, process.argv.includes("--check"))],
  [SERVICES, renderServices(spec)],
]);

if (process.argv.includes("--check")) {
  const stale = [];
  for (const [file, text] of fresh) {
    let current = "";
    try {
      current = readFileSync(file, "utf8");
    } catch {
      // a missing file is stale too
    }
    if (text === null || current !== text) stale.push(relative(repoRoot, file));
  }
  if (stale.length > 0) {
    console.error(
      `gen:check failed: ${stale.join(" and ")} out of date with openapi/plystra.yaml.\n` +
        "Run `pnpm --filter @plystra/sdk-go gen` and commit the result.",
    );
    process.exitCode = 1;
  } else {
    console.log("gen:check ok: sdks/go/*.gen.go are up to date with openapi/plystra.yaml.");
  }
} else {
  for (const [file, text] of fresh) writeFileSync(file, text);
  console.log(`wrote ${[...fresh.keys()].map((f) => relative(repoRoot, f)).join(" and ")}`);
}
