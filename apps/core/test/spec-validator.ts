import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { inject } from "vitest";
import { parse } from "yaml";

/**
 * Validates every JSON response seen by the HTTP tests against the OpenAPI contract: the schema of
 * the operation's declared status (or `default`). A mismatch fails the test that made the request.
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

function load() {
  if (loaded) return loaded;
  const spec = loadSpec();
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

const validators = new Map<string, (v: unknown) => boolean>();

export function checkResponseAgainstSpec(
  method: string,
  path: string,
  res: { status: number; body: unknown },
): void {
  const { ajv } = load();
  const op = findOperation(method, path.split("?")[0]);
  if (!op) return; // unknown route: the 404/405 envelope is checked by the system tests
  const status = String(res.status);
  const declared = op.responses[status] ? status : op.responses.default ? "default" : null;
  if (!declared) {
    throw new Error(
      `contract: ${method} ${op.template} answered ${status}, which the spec does not declare (declare it in the operation's file under openapi/src/paths/, then \`pnpm --filter @plystra/contract gen\`)`,
    );
  }
  const response = op.responses[declared];
  // Follow a components/responses $ref to find the content.
  let content = response.content;
  let pointer = `${op.pointer}/${esc(declared)}/content`;
  if (response.$ref) {
    const name = String(response.$ref).split("/").pop()!;
    content = loadSpec().components.responses[name].content;
    pointer = `spec#/components/responses/${esc(name)}/content`;
  }
  const json = content?.["application/json"];
  if (!json?.schema) return; // non-JSON responses (metrics text, 204)
  const key = `${pointer}/application~1json/schema`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({ $ref: key });
    validators.set(key, validate);
  }
  if (!validate(res.body)) {
    const errors = (validate as any).errors
      ?.slice(0, 5)
      .map(
        (e: any) =>
          `${e.instancePath || "(root)"} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`,
      )
      .join("; ");
    throw new Error(
      `contract: ${method} ${op.template} ${status} response does not match the spec: ${errors}`,
    );
  }
}
