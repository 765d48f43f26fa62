#!/usr/bin/env node
// Writes src/generated/operations.ts, the server's route table, from the bundled contract
// openapi/plystra.yaml (never from the spec's sources): per operationId its method, path (OpenAPI
// and Hono syntax), path and query parameter names, and its `x-plystra-permission` extension.
//
//   node scripts/gen-operations.mjs           write the file
//   node scripts/gen-operations.mjs --check   fail if the committed file differs
//
// The extension is validated here (shape, and that every parameter it names is one the operation
// declares), so a mistake in the spec fails generation rather than a request at runtime.

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(pkgDir, "..", "..");
const SPEC = join(repoRoot, "openapi", "plystra.yaml");
const OUT = join(pkgDir, "src", "generated", "operations.ts");
const METHODS = ["get", "put", "post", "patch", "delete"];
const EXTENSION = "x-plystra-permission";

const spec = parse(readFileSync(SPEC, "utf8"));

function deref(node) {
  if (!node || typeof node.$ref !== "string") return node;
  const target = node.$ref
    .replace(/^#\//, "")
    .split("/")
    .reduce((acc, key) => acc?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], spec);
  if (!target) throw new Error(`unresolved $ref ${node.$ref}`);
  return deref(target);
}

function fail(id, message) {
  throw new Error(`${id}: ${EXTENSION} ${message} (see openapi/README.md)`);
}

function onlyKeys(id, where, value, allowed) {
  if (!value || typeof value !== "object" || Array.isArray(value)) fail(id, `${where} must be a mapping`);
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  if (extra.length) fail(id, `${where} has unknown keys ${extra.join(", ")}`);
}

/** Checks one extension value against the documented shape and the operation's parameters. */
function validatePermission(id, permission, pathParams, queryParams) {
  if (permission === undefined) fail(id, "is missing");
  onlyKeys(id, "", permission, ["public", "key", "scope", "deferKeyLiveness"]);
  if ("public" in permission) {
    if (typeof permission.public !== "string" || !permission.public.trim()) fail(id, "public needs a reason");
    if (Object.keys(permission).length !== 1) fail(id, "public excludes key, scope and deferKeyLiveness");
    return;
  }
  if (typeof permission.key !== "string" || !/^[a-z0-9_]+:[a-z0-9_*]+$/.test(permission.key)) {
    fail(id, "key must be a permission key such as spaces:read");
  }
  if ("deferKeyLiveness" in permission && permission.deferKeyLiveness !== true) {
    fail(id, "deferKeyLiveness is `true` or absent");
  }
  const scope = permission.scope;
  if (scope === undefined) return;
  onlyKeys(id, "scope", scope, ["space", "entity", "subtreeList", "reachList"]);
  if (scope.space !== undefined) {
    onlyKeys(id, "scope.space", scope.space, ["param", "query"]);
    const keys = Object.keys(scope.space);
    if (keys.length !== 1) fail(id, "scope.space names exactly one of param or query");
    if (scope.space.param !== undefined && !pathParams.includes(scope.space.param)) {
      fail(id, `scope.space.param ${scope.space.param} is not a path parameter`);
    }
    if (scope.space.query !== undefined && !queryParams.includes(scope.space.query)) {
      fail(id, `scope.space.query ${scope.space.query} is not a query parameter`);
    }
  }
  if (scope.entity !== undefined) {
    onlyKeys(id, "scope.entity", scope.entity, ["kind", "param"]);
    if (typeof scope.entity.kind !== "string") fail(id, "scope.entity.kind is required");
    if (!pathParams.includes(scope.entity.param)) {
      fail(id, `scope.entity.param ${scope.entity.param} is not a path parameter`);
    }
  }
  for (const flag of ["subtreeList", "reachList"]) {
    if (flag in scope && scope[flag] !== true) fail(id, `scope.${flag} is \`true\` or absent`);
  }
}

const rows = [];
for (const [path, item] of Object.entries(spec.paths)) {
  for (const method of METHODS) {
    const op = item[method];
    if (!op) continue;
    const id = op.operationId;
    const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref);
    const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const declared = params.filter((p) => p.in === "path").map((p) => p.name);
    for (const name of pathParams) {
      if (!declared.includes(name)) throw new Error(`${id}: path parameter ${name} is not declared`);
    }
    const queryParams = params.filter((p) => p.in === "query").map((p) => p.name);
    validatePermission(id, op[EXTENSION], pathParams, queryParams);
    rows.push({
      id,
      spec: {
        method: method.toUpperCase(),
        path,
        honoPath: path.replace(/\{([^}]+)\}/g, ":$1"),
        permission: op[EXTENSION],
        pathParams,
        queryParams,
      },
    });
  }
}
rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

const body = rows.map(({ id, spec: s }) => `  ${id}: ${JSON.stringify(s)},`).join("\n");
const text =
  "// Generated by packages/contract/scripts/gen-operations.mjs from openapi/plystra.yaml. Do not edit by hand:\n" +
  "// run `pnpm --filter @plystra/contract gen`.\n\n" +
  'import type { OperationSpec } from "../operations.ts";\n' +
  'import type { operations } from "./openapi.ts";\n\n' +
  "/** Every operation of the contract by operationId: method, paths, parameters and permission. */\n" +
  `export const OPERATIONS = {\n${body}\n} as const satisfies { readonly [Op in keyof operations]: OperationSpec };\n`;

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(OUT, "utf8");
  } catch {
    // a missing file is stale too
  }
  if (current !== text) {
    console.error(
      `gen:check failed: ${relative(repoRoot, OUT)} is out of date with openapi/plystra.yaml.\n` +
        "Run `pnpm --filter @plystra/contract gen` and commit the result.",
    );
    process.exitCode = 1;
  } else {
    console.log(`gen:check ok: ${relative(repoRoot, OUT)} is up to date (${rows.length} operations).`);
  }
} else {
  writeFileSync(OUT, text);
  console.log(`wrote ${relative(repoRoot, OUT)} (${rows.length} operations)`);
}
