// Where each releasable artefact declares its version. One version for Core, the contract and the
// three SDKs; scripts/release-version.mjs bumps them all and scripts/release-dry-run.mjs checks them.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const json = (file) => JSON.parse(readFileSync(file, "utf8")).version;
const match = (file, re) => {
  const m = readFileSync(file, "utf8").match(re);
  if (!m) throw new Error(`${file}: no version matching ${re}`);
  return m[1];
};

/** [{ artefact, file, version, re? }] for every version declaration present in this checkout. */
export function versionDeclarations(root) {
  const at = (p) => join(root, p);
  const list = [
    { artefact: "core", file: "apps/core/package.json", version: json(at("apps/core/package.json")) },
    {
      artefact: "contract",
      // The spec source's info.version (openapi/plystra.yaml is bundled from it by `pnpm gen`).
      file: "openapi/src/openapi.yaml",
      re: /^info:\n(?: {2}.*\n)*? {2}version: "([^"]+)"/m,
    },
    // What Core reports at /api/v1/version when PLYSTRA_CORE_VERSION is unset.
    {
      artefact: "core",
      file: "apps/core/src/config.ts",
      re: /PLYSTRA_CORE_VERSION \?\? "(\d+\.\d+\.\d+[^"]*)"/,
    },
    {
      artefact: "sdk-typescript",
      file: "sdks/typescript/package.json",
      version: json(at("sdks/typescript/package.json")),
    },
    { artefact: "sdk-python", file: "sdks/python/pyproject.toml", re: /^version = "([^"]+)"/m },
    {
      artefact: "sdk-python",
      file: "sdks/python/src/plystra/_version.py",
      re: /__version__\s*=\s*"([^"]+)"/,
    },
    { artefact: "sdk-go", file: "sdks/go/version.go", re: /const Version = "([^"]+)"/ },
  ];
  return list
    .filter((d) => existsSync(at(d.file)))
    .map((d) => ({ ...d, version: d.version ?? match(at(d.file), d.re) }));
}
