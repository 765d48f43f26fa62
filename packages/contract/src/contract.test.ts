import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  ADMIN_GRANT_LEVELS,
  API_KEY_LEVELS,
  DENY_CODES,
  ERROR_CODES,
  SCOPES,
  SPEC_DOCUMENT,
  SPEC_PATH,
  specYaml,
} from "./index.ts";

type Json = Record<string, any>;
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

const text = readFileSync(SPEC_PATH, "utf8");
const spec: Json = parse(text);

function deref(node: Json): Json {
  if (node && typeof node.$ref === "string") {
    const target = node.$ref
      .replace(/^#\//, "")
      .split("/")
      .reduce((acc: Json, key: string) => acc?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], spec);
    if (!target) throw new Error(`unresolved $ref ${node.$ref}`);
    return deref(target);
  }
  return node;
}

interface Op {
  method: string;
  path: string;
  op: Json;
}
const operations: Op[] = Object.entries(spec.paths as Json).flatMap(([path, item]) =>
  METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method] as Json })),
);
const label = ({ method, path }: Op) => `${method.toUpperCase()} ${path}`;

function successSchemaName(op: Json): string | undefined {
  const ok = deref(op.responses["200"] ?? op.responses["201"]);
  const ref: string | undefined = ok?.content?.["application/json"]?.schema?.$ref;
  return ref?.split("/").pop();
}
const isList = (op: Json) => successSchemaName(op)?.startsWith("ApiOpenAPIListEnvelope") ?? false;
const paramNames = (op: Json, where: string) =>
  (op.parameters ?? [])
    .map(deref)
    .filter((p: Json) => p.in === where)
    .map((p: Json) => p.name as string);
const isPublic = (op: Json) =>
  Array.isArray(op.security) &&
  (op.security.length === 0 || op.security.some((s: Json) => !Object.keys(s).length));

// The v1.0 operations we stay wire-compatible with (Plugins and Templates excluded), plus our additions.
const V1_OPERATION_IDS = `
  getHealth getReadiness getVersion getMetrics getConsoleOverview login logout refreshSession register
  getActorContext switchMember listAdminGrants createAdminGrant getAdminGrant revokeAdminGrant getAdminMe
  listAPIKeys createAPIKey getAPIKey revokeAPIKey checkAuthorization explainAuthorization
  listUsers createUser getUser updateUser disableUser restoreUser
  listSpaces createSpace getSpace updateSpace disableSpace restoreSpace
  getGroupByID listGroups createGroup getGroup updateGroup disableGroup getGroupTree
  getMemberByID listMembers createMember getMember updateMember disableMember
  listUserMembers createUserMember getUserMember updateUserMember revokeUserMember getUserMemberByID
  getRoleByID listMemberRoles createMemberRole getMemberRole revokeMemberRole
  listRoles createRole getRole updateRole disableRole
  listPermissions createPermission getPermission updatePermission disablePermission
  listRolePermissions createRolePermission deleteRolePermission getRolePermission listSpaceRolePermissions createSpaceRolePermission getSpaceRolePermission deleteSpaceRolePermission
  listResourceTypes upsertResourceType getResourceType listResourceActions upsertResourceAction
  getResourceMapping upsertResourceMapping
  listResources createResource getResourceByTypeAndID listSpaceResources createSpaceResource
  getSpaceResource updateSpaceResource archiveSpaceResource
  listDataRows createDataRow deleteDataRow getDataRow updateDataRow listDataTables
  listAuditLogs getAuditLog listSpaceAuditLogs getSpaceAuditLog
`
  .trim()
  .split(/\s+/);
const ADDED_OPERATION_IDS = [
  "listMemberRoleGrants",
  "createMemberRoleGrant",
  "getMemberRoleGrant",
  "revokeMemberRoleGrant",
  "updateResourceMapping",
  "replaceResourceMapping",
  // Upstream serves it but its v1.0 documents do not list it.
  "getAuthMe",
];

/** Reads of the caller's own session: no input to refuse (400) and no permission to lack (403). */
const SESSION_SELF_OPERATION_IDS = new Set(["getAuthMe"]);

describe("openapi/plystra.yaml", () => {
  it("parses as OpenAPI 3.1 version 1.0.0", () => {
    expect(spec.openapi).toBe("3.1.0");
    expect(spec.info.version).toBe("1.0.0");
    expect(spec.servers[0].url).toBe("http://localhost:8080");
  });

  it("is what the package embeds and serves: the same text, and the same document as JSON", () => {
    expect(specYaml()).toBe(text);
    expect(SPEC_DOCUMENT).toEqual(spec);
  });

  it("says it is generated from openapi/src and where to edit", () => {
    expect(text.split("\n", 3).join("\n")).toMatch(/Generated from openapi\/src\/.*Do not edit/s);
  });

  it("lists every error code under exactly one shared error response (x-plystra-error-codes)", () => {
    const seen = new Map<string, string[]>();
    for (const [name, response] of Object.entries(
      spec.components.responses as Record<string, Record<string, unknown>>,
    )) {
      for (const code of (response["x-plystra-error-codes"] as string[] | undefined) ?? [])
        seen.set(code, [...(seen.get(code) ?? []), name]);
    }
    // METHOD_NOT_ALLOWED answers requests that match no operation, so no operation lists it.
    const expected = ERROR_CODES.filter((code) => code !== "METHOD_NOT_ALLOWED");
    expect([...seen.keys()].sort()).toEqual([...expected].sort());
    for (const [code, names] of seen) expect({ code, names }).toEqual({ code, names: [names[0]] });
  });

  it("gives every operation a unique operationId", () => {
    const ids = operations.map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === "string" && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("covers exactly the v1.0 operations plus the documented additions", () => {
    const ids = operations.map(({ op }) => op.operationId).sort();
    expect(ids).toEqual([...V1_OPERATION_IDS, ...ADDED_OPERATION_IDS].sort());
  });

  it("gives every list operation limit (1..200, default 50) and cursor query parameters", () => {
    const lists = operations.filter(({ op }) => isList(op));
    expect(lists).toHaveLength(22);
    for (const o of lists) {
      expect(paramNames(o.op, "query"), label(o)).toEqual(expect.arrayContaining(["limit", "cursor"]));
    }
    expect(deref(spec.components.parameters.Limit).schema).toMatchObject({
      minimum: 1,
      maximum: 200,
      default: 50,
    });
  });

  it("uses the shared error responses, with 400/401/403/500 on every protected operation", () => {
    for (const o of operations) {
      const statuses = Object.keys(o.op.responses);
      for (const s of statuses.filter((x) => Number(x) >= 400)) {
        expect(o.op.responses[s].$ref, `${label(o)} ${s}`).toMatch(/^#\/components\/responses\//);
        expect(deref(o.op.responses[s]).content["application/json"].schema.$ref).toBe(
          "#/components/schemas/ApiOpenAPIErrorEnvelope",
        );
      }
      if (SESSION_SELF_OPERATION_IDS.has(o.op.operationId)) {
        expect(statuses, label(o)).toEqual(expect.arrayContaining(["401", "500"]));
      } else if (!isPublic(o.op)) {
        expect(statuses, label(o)).toEqual(expect.arrayContaining(["400", "401", "403", "500"]));
      }
      expect(
        statuses.some((s) => s.startsWith("2")),
        label(o),
      ).toBe(true);
    }
  });

  it("documents X-Request-ID on every response, and the trace headers on authz decisions", () => {
    for (const o of operations) {
      for (const [status, response] of Object.entries(o.op.responses as Json)) {
        expect(deref(response as Json).headers?.["X-Request-ID"], `${label(o)} ${status}`).toBeDefined();
      }
    }
    for (const path of ["/api/v1/authz/check", "/api/v1/authz/explain"]) {
      const headers = spec.paths[path].post.responses["200"].headers;
      expect(Object.keys(headers)).toEqual(
        expect.arrayContaining(["X-Plystra-Trace-ID", "X-Plystra-Audit-Log-ID"]),
      );
    }
    expect(deref(spec.components.responses.TooManyRequests).headers["Retry-After"]).toBeDefined();
  });

  it("gives every object schema an explicit required list naming only declared properties", () => {
    const visit = (schema: Json, where: string) => {
      if (!schema || typeof schema !== "object") return;
      if (schema.type === "object" || (Array.isArray(schema.type) && schema.type.includes("object"))) {
        if (schema.properties) {
          expect(Array.isArray(schema.required), where).toBe(true);
          for (const r of schema.required) expect(Object.keys(schema.properties), where).toContain(r);
        }
      }
      for (const [k, v] of Object.entries(schema))
        if (v && typeof v === "object") visit(v as Json, `${where}.${k}`);
    };
    for (const [name, schema] of Object.entries(spec.components.schemas as Json)) visit(schema as Json, name);
  });

  it("keeps the runtime catalogues equal to the spec enums", () => {
    const schemas = spec.components.schemas;
    expect(schemas.ErrorCode.enum).toEqual([...ERROR_CODES]);
    expect(schemas.DenyCode.enum).toEqual([...DENY_CODES]);
    expect(DENY_CODES).toHaveLength(15);
    expect(schemas.Scope.enum).toEqual([...SCOPES]);
    expect(schemas.AdminGrantLevel.enum).toEqual([...ADMIN_GRANT_LEVELS]);
    expect(schemas.ApiKeyLevel.enum).toEqual([...API_KEY_LEVELS]);
  });

  it("returns the API key plaintext as both api_key and key on create only", () => {
    const created = spec.components.schemas.ApiOpenAPIAPIKeyCreated;
    expect(created.required).toEqual(expect.arrayContaining(["api_key", "key"]));
    expect(spec.components.schemas.ApiOpenAPIAPIKey.properties).not.toHaveProperty("api_key");
    expect(successSchemaName(spec.paths["/api/v1/api-keys"].post)).toBe("ApiOpenAPIEnvelopeAPIKeyCreated");
  });

  it("serves /metrics as text/plain with 404 FEATURE_DISABLED documented", () => {
    const metrics = spec.paths["/metrics"].get;
    expect(Object.keys(metrics.responses["200"].content)).toEqual(["text/plain"]);
    expect(metrics.responses["404"]).toBeDefined();
    expect(metrics.security).toEqual([{ MetricsTokenAuth: [] }, { BearerAuth: [] }, { ApiKeyAuth: [] }]);
  });

  it("exposes SPEC_PATH as an existing absolute path", () => {
    expect(SPEC_PATH.startsWith("/") || /^[A-Za-z]:\\/.test(SPEC_PATH)).toBe(true);
    expect(existsSync(SPEC_PATH)).toBe(true);
  });
});
