#!/usr/bin/env node
// Builds every artefact of a release into dist/release/<version>/ without publishing anything,
// and fails unless they all carry one version:
//   core/         plystra-core-<v>.tgz (dist + production node_modules, what the image runs),
//                 the image build inputs (Dockerfile, .dockerignore, Compose, .env.example, build args)
//   contract/     plystra-openapi-<v>.yaml / .json
//   typescript/   plystra-sdk-<v>.tgz, checked with `npm publish --dry-run`
//   python/       wheel + sdist, checked with `twine check`        (when sdks/python exists)
//   go/           `go mod verify` and the tag to push: sdks/go/v<v> (when sdks/go exists)
// plus release-manifest.json and SHA256SUMS.   Usage: pnpm release:dry-run
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { versionDeclarations } from "./release-versions.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", ...opts });
const step = (s) => console.log(`release: ${s}`);
function fail(msg) {
  console.error(`release: FAIL ${msg}`);
  process.exit(1);
}

// 1. One version everywhere, and a CHANGELOG entry for it.
const declared = versionDeclarations(root);
const versions = [...new Set(declared.map((d) => d.version))];
if (versions.length !== 1) {
  fail(`versions differ:\n${declared.map((d) => `  ${d.file}: ${d.version}`).join("\n")}`);
}
const version = versions[0];
if (
  !readFileSync(join(root, "CHANGELOG.md"), "utf8").match(
    new RegExp(`^## ${version.replace(/\./g, "\\.")}\\b`, "m"),
  )
) {
  fail(`CHANGELOG.md has no "## ${version}" entry`);
}
step(`version ${version} (${declared.map((d) => d.file).join(", ")})`);

const out = join(root, "dist", "release", version);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const manifest = {
  version,
  created_at: new Date().toISOString(),
  revision: null,
  artefacts: [],
  go_tag: null,
};
try {
  manifest.revision = run("git", ["rev-parse", "HEAD"]).trim();
} catch {
  // not a git checkout
}

// 2. Contract.
mkdirSync(join(out, "contract"));
cpSync(join(root, "openapi/plystra.yaml"), join(out, "contract", `plystra-openapi-${version}.yaml`));
// The yaml parser is the contract package's dependency (this script runs from the root, which has none).
const { parse: parseYaml } = createRequire(join(root, "packages/contract/package.json"))("yaml");
const document = parseYaml(readFileSync(join(root, "openapi/plystra.yaml"), "utf8"));
writeFileSync(
  join(out, "contract", `plystra-openapi-${version}.json`),
  `${JSON.stringify(document, null, 2)}\n`,
);
if (document.info.license?.identifier !== "Apache-2.0") fail("spec info.license is not Apache-2.0");
step("contract: yaml + json");

// 3. TypeScript SDK: build, pack, npm publish --dry-run.
mkdirSync(join(out, "typescript"));
run("pnpm", ["--filter", "@plystra/sdk", "build"]);
run("pnpm", ["--filter", "@plystra/sdk", "pack", "--pack-destination", join(out, "typescript")]);
const tarball = join(out, "typescript", `plystra-sdk-${version}.tgz`);
if (!existsSync(tarball)) fail(`expected ${relative(root, tarball)}`);
const sdkPkg = JSON.parse(run("tar", ["-xOzf", tarball, "package/package.json"]));
for (const field of ["license", "repository", "exports"]) {
  if (!sdkPkg[field]) fail(`@plystra/sdk package.json lacks ${field}`);
}
if (sdkPkg.license !== "Apache-2.0") fail("@plystra/sdk license is not Apache-2.0");
const publish = spawnSync("npm", ["publish", "--dry-run", "--json", "--access", "public", tarball], {
  cwd: join(out, "typescript"),
  encoding: "utf8",
});
// Not being logged in is expected in a dry run; any other publish warning (e.g. npm auto-correcting
// package.json) is a defect in the package.
const warnings = publish.stderr
  .split("\n")
  .filter((l) => l.startsWith("npm warn publish") && !l.includes("requires you to be logged in"));
if (publish.status !== 0 || warnings.length) fail(`npm publish --dry-run:\n${publish.stderr}`);
const published = JSON.parse(publish.stdout);
const entry = published["@plystra/sdk"] ?? published;
if (entry.version !== version) fail(`npm publish --dry-run reports version ${entry.version}`);
step(`typescript: ${basename(tarball)} (npm publish --dry-run clean, ${entry.entryCount} files)`);

// 4. Core: the compiled server with production dependencies, and the image's build inputs.
mkdirSync(join(out, "core", "image"), { recursive: true });
run("pnpm", ["--filter", "@plystra/core", "build"]);
const stage = mkdtempSync(join(tmpdir(), "plystra-release-core-"));
try {
  run("pnpm", ["--filter", "@plystra/core", "deploy", "--legacy", "--prod", join(stage, "plystra-core")]);
  run("tar", ["-czf", join(out, "core", `plystra-core-${version}.tgz`), "-C", stage, "plystra-core"]);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
for (const f of ["infra/Dockerfile", ".dockerignore", "infra/docker-compose.yml", "infra/.env.example"]) {
  cpSync(join(root, f), join(out, "core", "image", basename(f)));
}
writeFileSync(
  join(out, "core", "image", "build-args.env"),
  `VERSION=${version}\nREVISION=${manifest.revision ?? "unknown"}\nCREATED=${manifest.created_at}\n`,
);
step(
  `core: plystra-core-${version}.tgz + image inputs (docker build -f infra/Dockerfile --build-arg VERSION=${version} .)`,
);

// 5. Python SDK: wheel + sdist, twine check (in a throwaway venv).
if (existsSync(join(root, "sdks/python/pyproject.toml"))) {
  const venv = mkdtempSync(join(tmpdir(), "plystra-release-py-"));
  try {
    run("python3", ["-m", "venv", venv]);
    run(join(venv, "bin/pip"), ["install", "-q", "build", "twine"]);
    run(join(venv, "bin/python"), [
      "-m",
      "build",
      "--outdir",
      join(out, "python"),
      join(root, "sdks/python"),
    ]);
    const dists = readdirSync(join(out, "python")).map((f) => join(out, "python", f));
    run(join(venv, "bin/twine"), ["check", "--strict", ...dists]);
    for (const d of dists)
      if (!basename(d).includes(`-${version}`)) fail(`${basename(d)} is not version ${version}`);
    step(`python: ${dists.map((d) => basename(d)).join(", ")} (twine check clean)`);
  } finally {
    rmSync(venv, { recursive: true, force: true });
  }
} else {
  step("python: sdks/python not in this checkout, skipped");
}

// 6. Go SDK: module verified, tag planned (Go modules are released by tagging, not uploading).
if (existsSync(join(root, "sdks/go/go.mod"))) {
  run("go", ["mod", "verify"], { cwd: join(root, "sdks/go") });
  manifest.go_tag = `sdks/go/v${version}`;
  step(`go: go mod verify ok; tag to push: ${manifest.go_tag}`);
} else {
  step("go: sdks/go not in this checkout, skipped");
}

// 7. Checksums and the manifest.
const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else files.push(p);
  }
};
walk(out);
files.sort();
const sums = files.map(
  (f) => `${createHash("sha256").update(readFileSync(f)).digest("hex")}  ${relative(out, f)}`,
);
manifest.artefacts = files.map((f) => relative(out, f));
writeFileSync(join(out, "SHA256SUMS"), `${sums.join("\n")}\n`);
writeFileSync(join(out, "release-manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
step(`${files.length} artefacts in ${relative(root, out)} — all version ${version}`);
