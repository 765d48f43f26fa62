#!/usr/bin/env node
// One-time conversion: turns the bundled contract (openapi/plystra.yaml, written until now by the
// retired table builder) into the hand-edited sources under openapi/src/. It is deterministic and
// re-runnable: it wipes openapi/src/ and writes it again from whatever plystra.yaml holds, so a
// branch that still changed the old builder can be merged, regenerated and split once more.
// Never hand-edit its output before the conversion is final; put any fix-up in this script. It ends by
// bundling what it wrote and failing unless that gives back the input document.
//
//   node packages/contract/scripts/split-once.mjs [--spec FILE] [--out DIR]
//
// Layout written (a reader finds an operation by its URL, a schema by its name):
//   openapi.yaml                          info, servers, tags, security schemes, and the index of
//                                         every path and component (each a $ref to its file)
//   paths/<url after /api/v1/>.yaml       one Path Item per URL, e.g. paths/spaces/{space_id}/restore.yaml
//   components/schemas/<Name>.yaml        one schema per file, named as in #/components/schemas
//   components/parameters/<Name>.yaml     likewise for parameters, headers and responses
//   components/headers/<Name>.yaml
//   components/responses/<Name>.yaml    (any other component kind the bundle gains is split the same way)
// Every `#/components/<kind>/<Name>` reference becomes a relative file reference; `redocly bundle`
// (run by `pnpm --filter @plystra/contract gen`) turns them back into the same component names.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { Document, parse, stringify } from "yaml";

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(pkgDir, "..", "..");
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? resolve(args[i + 1]) : fallback;
};
const SPEC = opt("--spec", join(repoRoot, "openapi", "plystra.yaml"));
const OUT = opt("--out", join(repoRoot, "openapi", "src"));

/** Security schemes are few, short and never $ref'd: they stay inline in the root. */
const INLINE_KINDS = new Set(["securitySchemes"]);
const API_PREFIX = "/api/v1/";

const doc = parse(readFileSync(SPEC, "utf8"));

/** Source file (relative to openapi/src, posix) of a path template. */
function pathFile(template) {
  const rest = template.startsWith(API_PREFIX) ? template.slice(API_PREFIX.length) : template.slice(1);
  if (!/^[A-Za-z0-9_{}/.-]+$/.test(rest)) throw new Error(`path ${template} does not make a safe file name`);
  return `paths/${rest}.yaml`;
}

const componentFile = (kind, name) => {
  if (!/^[A-Za-z0-9_.-]+$/.test(name))
    throw new Error(`component ${kind}/${name} does not make a safe file name`);
  return `components/${kind}/${name}.yaml`;
};

/** Deep copy of `node` with every local component $ref made relative to the file `from`. */
function relink(node, from) {
  if (Array.isArray(node)) return node.map((v) => relink(v, from));
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "$ref" && typeof v === "string") {
      const m = /^#\/components\/([A-Za-z]+)\/([^/]+)$/.exec(v);
      if (!m) throw new Error(`${from}: unsupported $ref ${v}`);
      const [, kind, name] = m;
      if (INLINE_KINDS.has(kind)) throw new Error(`${from}: $ref into components/${kind} is not split`);
      if (!doc.components?.[kind]?.[name]) throw new Error(`${from}: dangling $ref ${v}`);
      let rel = posix.relative(posix.dirname(from), componentFile(kind, name));
      if (!rel.startsWith(".")) rel = `./${rel}`;
      out[k] = rel;
    } else {
      out[k] = relink(v, from);
    }
  }
  return out;
}

const files = new Map();
const put = (file, value) => {
  if (files.has(file)) throw new Error(`two entries map to ${file}`);
  files.set(file, value);
};

const root = {};
for (const [key, value] of Object.entries(doc)) {
  if (key === "paths") {
    root.paths = {};
    for (const [template, item] of Object.entries(value)) {
      const file = pathFile(template);
      put(file, relink(item, file));
      root.paths[template] = { $ref: file };
    }
  } else if (key === "components") {
    root.components = {};
    for (const [kind, entries] of Object.entries(value)) {
      if (INLINE_KINDS.has(kind)) {
        root.components[kind] = relink(entries, "openapi.yaml");
        continue;
      }
      root.components[kind] = {};
      for (const [name, entry] of Object.entries(entries)) {
        const file = componentFile(kind, name);
        put(file, relink(entry, file));
        root.components[kind][name] = { $ref: `./${file}` };
      }
    }
  } else {
    root[key] = relink(value, "openapi.yaml");
  }
}

const ROOT_HEADER =
  "# Plystra API contract (OpenAPI 3.1): the root of the sources. Paths and components live in one\n" +
  "# file each under paths/ and components/; `pnpm --filter @plystra/contract gen` bundles them into\n" +
  "# openapi/plystra.yaml (see openapi/README.md). A new path or component needs a line here too.\n";

const YAML_OPTIONS = { blockQuote: "literal", lineWidth: 110 };
const toYaml = (value) => stringify(value, { aliasDuplicateObjects: false, ...YAML_OPTIONS });

// info.version is written quoted: scripts/release-versions.mjs finds and bumps it as `version: "x.y.z"`.
const rootDoc = new Document(root, { aliasDuplicateObjects: false });
rootDoc.getIn(["info", "version"], true).type = "QUOTE_DOUBLE";

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, "openapi.yaml"), ROOT_HEADER + rootDoc.toString(YAML_OPTIONS));
for (const [file, value] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
  const target = join(OUT, ...file.split("/"));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, toYaml(value));
}
console.log(`split ${SPEC} into ${files.size + 1} files under ${OUT}`);

// Proof of the round trip: `redocly bundle` of what was written must give back the same document.
const scratch = mkdtempSync(join(tmpdir(), "plystra-split-"));
try {
  const bundled = join(scratch, "bundle.json");
  const r = spawnSync(
    join(pkgDir, "node_modules", ".bin", "redocly"),
    ["bundle", join(OUT, "openapi.yaml"), "--ext", "json", "--output", bundled],
    {
      encoding: "utf8",
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    },
  );
  if (r.status !== 0) throw new Error(`redocly bundle failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  if (!isDeepStrictEqual(JSON.parse(readFileSync(bundled, "utf8")), doc)) {
    console.error("split-once: bundling the written sources does not give back the input document");
    process.exitCode = 1;
  } else {
    console.log("round trip ok: redocly bundle of the sources equals the input document");
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
