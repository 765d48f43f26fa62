import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { createGrantBody, revokeGrantBody } from "../src/features/admin/admin.schemas.ts";
import { createApiKeyBody, revokeBody } from "../src/features/api-keys/api-keys.schemas.ts";
import { loginBody, logoutBody, refreshBody, registerBody } from "../src/features/auth/auth.schemas.ts";
import { authzRequestSchema } from "../src/features/authz/authz.schemas.ts";
import { createDataRowBody, updateDataRowBody } from "../src/features/data-console/data-console.schemas.ts";
import { createGroupBody, updateGroupBody } from "../src/features/groups/groups.schemas.ts";
import {
  createMemberRoleBody,
  memberRoleMutationBody,
} from "../src/features/member-roles/member-roles.schemas.ts";
import { createMemberBody, updateMemberBody } from "../src/features/members/members.schemas.ts";
import {
  createPermissionBody,
  updatePermissionBody,
} from "../src/features/permissions/permissions.schemas.ts";
import { createRolePermissionBody } from "../src/features/permissions/role-permissions.schemas.ts";
import {
  resourceActionBody,
  resourceMappingBody,
  resourceTypeBody,
} from "../src/features/registry/registry.schemas.ts";
import {
  createResourceBody,
  createSpaceResourceBody,
  updateResourceBody,
} from "../src/features/resources/resources.schemas.ts";
import { createRoleBody, updateRoleBody } from "../src/features/roles/roles.schemas.ts";
import { createSpaceBody, updateSpaceBody } from "../src/features/spaces/spaces.schemas.ts";
import { createUserBody, updateUserBody } from "../src/features/users/users.schemas.ts";
import {
  createUserMemberBody,
  updateUserMemberBody,
} from "../src/features/user-members/user-members.schemas.ts";
import { isScope } from "@plystra/engine";
import { switchBody } from "../src/features/actor/actor.routes.ts";
import { normalisePermissionKeys } from "../src/security/target-scope.ts";
import { isValidPermissionKey } from "../src/security/policy.ts";
import { REQUEST_SCHEMAS } from "../src/features/request-schemas.ts";
import { loadSpec } from "./spec-validator.ts";

/**
 * The spec states every limit the server enforces on a request body: for each request schema, the
 * spec (JSON Schema, via ajv) and the zod schema the handler parses with must accept exactly the same
 * bodies. Bodies are generated from the spec schema, schemathesis-coverage style: a valid base, then
 * each field at its boundaries (length/value/item bounds ± 1, each enum value and one outside, pattern
 * probes, wrong types, null), each required field left out, and an undeclared field. Generated here
 * rather than with a JSON-Schema faker: fakers produce valid instances, and what must agree is the
 * edge just outside.
 *
 * Not compared: U+0000 and nesting depth (refused for every body by the body reader before zod runs;
 * see http/body.test.ts), and the few probes listed in EXEMPT. The handler's own checks after zod (HANDLER_CHECKS) count as
 * the server's.
 */

/** Spec request schema → the zod schema its handler parses with. */
const ZOD: Record<string, z.ZodType> = {
  ApiAuthLoginRequest: loginBody,
  ApiAuthLogoutRequest: logoutBody,
  ApiAuthRefreshRequest: refreshBody,
  ApiAuthRegisterRequest: registerBody,
  ApiAuthzRequest: authzRequestSchema,
  ApiSwitchMemberRequest: switchBody,
  ApiUserCreateRequest: createUserBody,
  ApiUserMutationRequest: updateUserBody,
  ApiSpaceCreateRequest: createSpaceBody,
  ApiSpaceMutationRequest: updateSpaceBody,
  ApiGroupCreateRequest: createGroupBody,
  ApiGroupMutationRequest: updateGroupBody,
  ApiMemberCreateRequest: createMemberBody,
  ApiMemberMutationRequest: updateMemberBody,
  ApiUserMemberCreateRequest: createUserMemberBody,
  ApiUserMemberMutationRequest: updateUserMemberBody,
  ApiRoleCreateRequest: createRoleBody,
  ApiRoleMutationRequest: updateRoleBody,
  ApiMemberRoleCreateRequest: createMemberRoleBody,
  ApiMemberRoleMutationRequest: memberRoleMutationBody,
  ApiPermissionCreateRequest: createPermissionBody,
  ApiPermissionMutationRequest: updatePermissionBody,
  ApiRolePermissionMutationRequest: createRolePermissionBody,
  ApiResourceTypeMutationRequest: resourceTypeBody,
  ApiResourceActionMutationRequest: resourceActionBody,
  ApiResourceMappingMutationRequest: resourceMappingBody,
  ApiResourceCreateRequest: createResourceBody,
  ApiResourceMutationRequest: updateResourceBody,
  ApiSpaceResourceCreateRequest: createSpaceResourceBody,
  ApiDataRowCreateRequest: createDataRowBody,
  ApiDataRowMutationRequest: updateDataRowBody,
  ApiAdminGrantCreateRequest: createGrantBody,
  ApiAdminGrantMutationRequest: revokeGrantBody,
  ApiApiKeyCreateRequest: createApiKeyBody,
  ApiApiKeyMutationRequest: revokeBody,
};

/**
 * Checks the handler makes after zod, with the same 400 VALIDATION_FAILED: a body the server accepts
 * passes zod and these. The spec states what the server as a whole enforces.
 */
const permissionKeys = (keys: string[], field: string) => {
  normalisePermissionKeys(keys, field, isValidPermissionKey);
};
const HANDLER_CHECKS: Record<string, (body: any) => void> = {
  // admin.service createGrant and api-keys.service createApiKey (trimmed, case-insensitive keys).
  ApiAdminGrantCreateRequest: (b) => permissionKeys([b.permission_key], "permission_key"),
  ApiApiKeyCreateRequest: (b) => permissionKeys(b.permission_keys, "permission_keys"),
  // Context Mode (packages/engine) requires a known scope on each inline grant.
  ApiAuthzRequest: (b) => {
    for (const g of b.grants ?? []) if (!isScope(g.scope)) throw new Error("inline grant scope");
  },
};

function serverAccepts(name: string, body: unknown): boolean {
  const parsed = ZOD[name].safeParse(body);
  if (!parsed.success) return false;
  try {
    HANDLER_CHECKS[name]?.(parsed.data);
    return true;
  } catch {
    return false;
  }
}

/** Probes on which the spec is deliberately stricter than the server, each with why. */
const EXEMPT: Array<{ schema: string; probe: RegExp; why: string }> = [
  {
    schema: "ApiAuthRegisterRequest",
    probe: /^space_slug=" a "$/,
    why: "the server trims surrounding whitespace; the spec states the canonical slug",
  },
];

const spec = loadSpec();
const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
(addFormats as unknown as (a: unknown) => void)(ajv);
ajv.addSchema(spec, "spec");

type Json = any;
const deref = (s: Json): Json => (s?.$ref ? deref(spec.components.schemas[s.$ref.split("/").pop()]) : s);
/** Branches of a nullable `oneOf: [X, {type: null}]` or a plain schema. */
const branches = (s: Json): Json[] => (s.oneOf ? s.oneOf.map(deref) : [deref(s)]);
const types = (s: Json): string[] => [s.type ?? []].flat();

const STRING_PROBES = [
  "a",
  "A",
  "0",
  "abc",
  "Ab_c-1",
  "a.b",
  "a:b",
  "a@b",
  "alice@example.com",
  "users:manage",
  "users:*",
  "*",
  "finance.apac",
  " ",
  " a ",
  "a b",
  "a\tb",
  "\ufeff",
  "ü",
  "-a",
  "_a",
  "a/b",
  "a%b",
  "active",
  "resources",
  "id",
  "space_id",
  "group_id",
  "owner_member_id",
  "visibility",
  "metadata",
  "internal_table",
  "2026-01-31T12:00:00Z",
  "2026-01-31T12:00:00+05:30",
  "2026-01-31T12:00:00",
  "2026-02-30T12:00:00Z",
  "2026-01-31",
  "",
];

function validString(s: Json, v: string): boolean {
  return ajv.validate({ ...s, type: "string" }, v);
}

/** Values of one property's schema at and around its limits. */
function probes(schema: Json): unknown[] {
  const out: unknown[] = [null, true, 1, 1.5, "x", {}, [], ["x"]];
  for (const s of branches(schema)) {
    const t = types(s);
    if (s.enum) out.push(...s.enum, "not_in_enum");
    if (t.includes("string")) {
      out.push(...STRING_PROBES);
      const base = STRING_PROBES.find((v) => v && validString({ pattern: s.pattern }, v)) ?? "a";
      const fill = base.at(-1) ?? "a";
      for (const n of [s.minLength, s.maxLength].filter((n) => n !== undefined)) {
        for (const len of [n - 1, n, n + 1]) {
          if (len >= 0) out.push(len <= base.length ? base.slice(0, len) : base.padEnd(len, fill));
        }
      }
    }
    if (t.includes("integer")) {
      out.push(0, -1, 2 ** 31, -(2 ** 31) - 1, "1");
      for (const n of [s.minimum, s.maximum].filter((n) => n !== undefined)) out.push(n - 1, n, n + 1);
    }
    if (t.includes("boolean")) out.push(false, "true");
    if (t.includes("array")) {
      const item = sample(s.items);
      for (const n of [s.minItems ?? 0, s.maxItems].filter((n) => n !== undefined)) {
        for (const len of [n - 1, n, n + 1]) if (len >= 0) out.push(Array.from({ length: len }, () => item));
      }
      for (const v of probes(s.items)) out.push([v]);
    }
    if (t.includes("object") || s.properties || s.additionalProperties) {
      out.push({ a: 1 }, { a: { b: [1, "x", null] } });
      for (const [k, p] of Object.entries<Json>(s.properties ?? {})) {
        for (const v of probes(p)) out.push({ ...sampleObject(s), [k]: v });
      }
    }
  }
  return out;
}

/** One value the schema accepts. */
function sample(schema: Json): unknown {
  for (const s of branches(schema)) {
    const t = types(s);
    if (s.enum) return s.enum[0];
    if (t.includes("string")) {
      const v = STRING_PROBES.find((v) => validString(s, v));
      if (v !== undefined) return v;
    }
    if (t.includes("integer")) return s.minimum ?? 0;
    if (t.includes("boolean")) return true;
    if (t.includes("array")) return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items));
    if (t.includes("object") || s.properties) return sampleObject(s);
    if (t.includes("null")) return null;
  }
  throw new Error(`no sample for ${JSON.stringify(schema)}`);
}

function sampleObject(s: Json): Record<string, unknown> {
  return Object.fromEntries((s.required ?? []).map((k: string) => [k, sample(s.properties[k])]));
}

/** Bodies around every limit of a request schema, each with a label naming what it probes. */
function bodies(name: string): Array<[string, unknown]> {
  const s = deref({ $ref: `#/components/schemas/${name}` });
  const base = sampleObject(s);
  const out: Array<[string, unknown]> = [
    ["(valid base)", base],
    ["zz_undeclared=1", { ...base, zz_undeclared: 1 }],
  ];
  for (const k of s.required ?? []) {
    const { [k]: _, ...rest } = base;
    out.push([`${k} missing`, rest]);
  }
  for (const [k, p] of Object.entries<Json>(s.properties)) {
    for (const v of probes(p)) out.push([`${k}=${JSON.stringify(v)}`, { ...base, [k]: v }]);
  }
  return out;
}

const requestSchemas = new Set<string>();
for (const item of Object.values<Json>(spec.paths)) {
  for (const op of Object.values<Json>(item)) {
    const ref = op?.requestBody?.content?.["application/json"]?.schema?.$ref;
    if (ref) requestSchemas.add(ref.split("/").pop());
  }
}

describe("request limits: the spec and the server's validators agree", () => {
  it("every request schema of the spec is compared", () => {
    const missing = [...requestSchemas].filter((n) => !ZOD[n]);
    expect(missing).toEqual([]);
    expect(Object.keys(ZOD).filter((n) => !requestSchemas.has(n))).toEqual([]);
  });

  for (const name of Object.keys(ZOD)) {
    it(`${name}: the spec accepts exactly the bodies the server accepts`, () => {
      const validate = ajv.getSchema(`spec#/components/schemas/${name}`)!;
      expect(validate(sampleObject(deref({ $ref: `#/components/schemas/${name}` })))).toBe(true);
      const disagreements: string[] = [];
      for (const [label, body] of bodies(name)) {
        const specOk = validate(body) as boolean;
        const serverOk = serverAccepts(name, body);
        if (specOk !== serverOk && !EXEMPT.some((e) => e.schema === name && e.probe.test(label))) {
          disagreements.push(
            `${label}: spec ${specOk ? "accepts" : "refuses"}, server ${serverOk ? "accepts" : "refuses"}`,
          );
        }
      }
      expect(disagreements).toEqual([]);
    });
  }
});

/**
 * Operation → the zod schema its handler parses the query string with: the request-schemas table
 * (`parseQuery` refuses any other schema at run time, so this is what the server applies).
 */
const QUERY_ZOD: Record<string, z.ZodType> = Object.fromEntries(
  Object.entries(REQUEST_SCHEMAS).flatMap(([id, v]) => ("query" in v ? [[id, v.query]] : [])),
);

/** Query values arrive as strings; the spec's integers are compared after ajv's type coercion. */
const queryAjv = new Ajv2020({ strict: false, coerceTypes: true, validateFormats: true });
(addFormats as unknown as (a: unknown) => void)(queryAjv);
queryAjv.addSchema(spec, "spec");

const QUERY_PROBES = [...STRING_PROBES, "1", "-1", "1.5", "200", "201", "1e2", "x".repeat(129)];

const operations = new Map<string, Json>();
for (const item of Object.values<Json>(spec.paths)) {
  for (const op of Object.values<Json>(item)) if (op?.operationId) operations.set(op.operationId, op);
}

/** The declared query parameters of an operation as one object schema. */
function querySchema(op: Json): Json {
  const properties: Record<string, Json> = {};
  for (const p of op.parameters ?? []) {
    const param = p.$ref ? spec.components.parameters[p.$ref.split("/").pop()] : p;
    if (param.in === "query")
      properties[param.name] = JSON.parse(
        JSON.stringify(param.schema).replaceAll("#/components/schemas/", "spec#/components/schemas/"),
      );
  }
  return { type: "object", properties };
}

describe("query limits: the spec and the server's validators agree", () => {
  it("every operation with query parameters is compared", () => {
    const withQuery = [...operations.entries()]
      .filter(([, op]) => Object.keys(querySchema(op).properties).length > 0)
      .map(([id]) => id);
    expect(withQuery.filter((id) => !QUERY_ZOD[id])).toEqual([]);
  });

  for (const [id, zodSchema] of Object.entries(QUERY_ZOD)) {
    it(`${id}: the spec accepts exactly the query values the server accepts`, () => {
      const schema = querySchema(operations.get(id));
      const validate = queryAjv.compile(schema);
      const disagreements: string[] = [];
      for (const [name, p] of Object.entries<Json>(schema.properties)) {
        const values = new Set<string>(QUERY_PROBES);
        for (const s of branches(p)) {
          for (const v of s.enum ?? []) values.add(String(v));
          for (const n of [s.minimum, s.maximum].filter((n) => n !== undefined)) {
            for (const v of [n - 1, n, n + 1]) values.add(String(v));
          }
        }
        for (const v of values) {
          const specOk = validate({ [name]: v }) as boolean;
          const serverOk = zodSchema.safeParse({ [name]: v }).success;
          if (specOk !== serverOk) {
            disagreements.push(
              `${name}=${JSON.stringify(v)}: spec ${specOk ? "accepts" : "refuses"}, server ${serverOk ? "accepts" : "refuses"}`,
            );
          }
        }
      }
      expect(disagreements).toEqual([]);
    });
  }
});
