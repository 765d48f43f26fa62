#!/usr/bin/env node
// Bumps Core, the contract and every SDK to one version and opens its CHANGELOG entry:
//   node scripts/release-version.mjs 1.1.0      (then: pnpm gen, review, commit)
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { versionDeclarations } from "./release-versions.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const next = process.argv[2];
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(next ?? "")) {
  console.error("usage: node scripts/release-version.mjs <major.minor.patch[-pre]>");
  process.exit(2);
}
for (const d of versionDeclarations(root)) {
  const file = join(root, d.file);
  const text = readFileSync(file, "utf8");
  const updated = d.re
    ? text.replace(d.re, (m, v) => m.replace(`"${v}"`, `"${next}"`))
    : text.replace(/("version":\s*)"[^"]+"/, `$1"${next}"`);
  writeFileSync(file, updated);
  console.log(`${d.file}: ${d.version} → ${next}`);
}
const changelog = join(root, "CHANGELOG.md");
const log = readFileSync(changelog, "utf8");
if (!log.includes(`## ${next}`)) {
  const today = new Date().toISOString().slice(0, 10);
  writeFileSync(changelog, log.replace("## Unreleased\n", `## Unreleased\n\n## ${next} — ${today}\n`));
  console.log(`CHANGELOG.md: opened ## ${next} (move the Unreleased entries under it)`);
}
console.log("next: pnpm gen && pnpm release:dry-run");
