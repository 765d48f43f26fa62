import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { inject } from "vitest";
import { parse } from "yaml";
import { DOCUMENTATION_ROUTES } from "../src/features/docs/docs.routes.ts";

/**
 * Validates every JSON response seen by the HTTP tests against the OpenAPI contract: the schema of
 * the operation's declared status (or `default`). A mismatch fails the test that made the request.
 *
 * Strict: an object schema that does not say otherwise is closed (`additionalProperties: false`), so
 * a field the server sends but the spec does not declare fails the test. The published spec stays
 * open (OpenAPI's default), because adding a response field must remain a non-breaking change for
 * clients; the closing happens here, on a copy, at load time (see {@link closeObjectSchemas}).
 * Schemas that deliberately allow extra members (`additionalProperties: true` or a schema: metadata,
 * free-form maps, the stored trace snapshots) keep doing so.
 */

export const SPEC_FILE = fileURLToPath(new URL("../../../openapi/plystra.yaml", import.meta.url));

interface Operation {
  method: string;
  template: string;
  re: RegExp;
  statics: number;
  responses: Record<string, any>;
  pointer: string;
}

let loaded: { ops: Operation[]; ajv: InstanceType<typeof Ajv2020> } | null = null;

const esc = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

let parsed: any;

/**
 * The spec, parsed once: from the JSON the global setup wrote for this run (YAML parsing costs about
 * a second per test file), or from the YAML when no setup ran.
 */
export function loadSpec(): any {
  if (parsed) return parsed;
  const json = specJsonFromSetup();
  parsed = json ? JSON.parse(readFileSync(json, "utf8")) : parse(readFileSync(SPEC_FILE, "utf8"));
  return parsed;
}

function specJsonFromSetup(): string | undefined {
  try {
    return inject("specJson") || undefined;
  } catch {
    return undefined; // not inside a vitest worker
  }
}

/**
 * A copy of `node` in which every object schema that declares `properties` but says nothing about
 * `additionalProperties` is closed. Object schemas combined with `allOf`/`oneOf`/`anyOf` at the same
 * level are left alone: `additionalProperties` does not see the properties of sibling subschemas.
 */
export function closeObjectSchemas(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjectSchemas);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = closeObjectSchemas(v);
  const composed = "allOf" in out || "oneOf" in out || "anyOf" in out;
  if (out.properties && typeof out.properties === "object" && !("additionalProperties" in out) && !composed) {
    out.additionalProperties = false;
  }
  return out;
}

function load() {
  if (loaded) return loaded;
  const spec = closeObjectSchemas(loadSpec()) as any;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  (addFormats as unknown as (a: unknown) => void)(ajv);
  ajv.addSchema(spec, "spec");
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries<any>(spec.paths ?? {})) {
    for (const method of ["get", "post", "put", "patch", "delete"]) {
      const op = item[method];
      if (!op) continue;
      const src = template.replace(/\{[^}]+\}/g, "[^/]+");
      ops.push({
        method: method.toUpperCase(),
        template,
        re: new RegExp(`^${src}$`),
        statics: template.split("/").filter((s) => s && !s.startsWith("{")).length,
        responses: op.responses ?? {},
        pointer: `spec#/paths/${esc(template)}/${method}/responses`,
      });
    }
  }
  loaded = { ops, ajv };
  return loaded;
}

/** The spec operation serving (method, path), preferring templates with more static segments. */
export function findOperation(method: string, path: string): Operation | undefined {
  return load()
    .ops.filter((o) => o.method === method && o.re.test(path))
    .sort((a, b) => b.statics - a.statics)[0];
}

const ERROR_ENVELOPE = "spec#/components/schemas/ApiOpenAPIErrorEnvelope";

const validators = new Map<string, (v: unknown) => boolean>();

export function checkResponseAgainstSpec(
  method: string,
  path: string,
  res: { status: number; body: unknown; headers?: Headers },
): void {
  const isJson = (res.headers?.get("content-type") ?? "").includes("application/json");
  // HEAD is served by the GET handler (without a body).
  const op = findOperation(method === "HEAD" ? "GET" : method, path.split("?")[0]);
  if (!op) {
    // Not an operation: unknown routes (404 NOT_FOUND, 405 METHOD_NOT_ALLOWED) and refusals of the
    // documentation routes answer with the shared error envelope; only the documentation routes,
    // which describe the API rather than belong to it, may answer anything else.
    const bare = path.split("?")[0];
    if (res.status >= 400) {
      if (isJson) validateAgainst(method, bare, String(res.status), ERROR_ENVELOPE, res.body);
    } else if (
      method !== "OPTIONS" &&
      !DOCUMENTATION_ROUTES.some((r) => r.method === method && r.path === bare)
    ) {
      // (OPTIONS is the CORS preflight, answered by middleware for every route.)
      throw new Error(
        `contract: ${method} ${bare} answered ${res.status}, but the spec has no such operation`,
      );
    }
    return;
  }
  const status = String(res.status);
  const declared = op.responses[status] ? status : op.responses.default ? "default" : null;
  if (!declared) {
    throw new Error(
      `contract: ${method} ${op.template} answered ${status}, which the spec does not declare (declare it in the operation's file under openapi/src/paths/, then \`pnpm --filter @plystra/contract gen\`)`,
    );
  }
  if (method === "HEAD") return; // no body to check
  let response = op.responses[declared];
  // Follow a components/responses $ref to find the content.
  let pointer = `${op.pointer}/${esc(declared)}/content`;
  if (response.$ref) {
    const name = String(response.$ref).split("/").pop()!;
    response = loadSpec().components.responses[name];
    pointer = `spec#/components/responses/${esc(name)}/content`;
  }
  const json = response.content?.["application/json"];
  if (!json?.schema) {
    if (isJson) {
      throw new Error(
        `contract: ${method} ${op.template} ${status} answered JSON, but the spec declares no JSON body`,
      );
    }
    return; // non-JSON responses (metrics text, 204)
  }
  if (!isJson && res.headers) {
    throw new Error(
      `contract: ${method} ${op.template} ${status} declares a JSON body, but the response is not JSON`,
    );
  }
  validateAgainst(method, op.template, status, `${pointer}/application~1json/schema`, res.body);
  // An error response lists the codes it may carry; a code outside the list is drift.
  const codes: string[] | undefined = response["x-plystra-error-codes"];
  const code = (res.body as any)?.error?.code;
  const header = res.headers?.get("x-plystra-error-code");
  if (codes && res.headers && header !== code) {
    throw new Error(
      `contract: ${method} ${op.template} ${status} sent X-Plystra-Error-Code ${header}, but error.code is ${code}`,
    );
  }
  if (codes && !codes.includes(code)) {
    throw new Error(
      `contract: ${method} ${op.template} ${status} carried error code ${code}, which the spec's ${status} response does not list (${codes.join(", ")})`,
    );
  }
}

function validateAgainst(method: string, template: string, status: string, key: string, body: unknown): void {
  const { ajv } = load();
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({ $ref: key });
    validators.set(key, validate);
  }
  if (!validate(body)) {
    const errors = (validate as any).errors
      ?.slice(0, 5)
      .map(
        (e: any) =>
          `${e.instancePath || "(root)"} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`,
      )
      .join("; ");
    throw new Error(`contract: ${method} ${template} ${status} response does not match the spec: ${errors}`);
  }
}
