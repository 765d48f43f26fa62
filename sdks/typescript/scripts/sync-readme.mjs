#!/usr/bin/env node
// Rewrites every README code block marked `<!-- example: examples/<file> -->` with that file's
// current content, so README examples are always the type-checked, tested files.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const readmePath = join(pkgDir, "README.md");
const readme = readFileSync(readmePath, "utf8");
const synced = readme.replace(
  /<!-- example: (examples\/[\w.-]+) -->\n```ts\n[\s\S]*?\n```/g,
  (_, file) =>
    `<!-- example: ${file} -->\n\`\`\`ts\n${readFileSync(join(pkgDir, file), "utf8").trimEnd()}\n\`\`\``,
);
if (synced !== readme) {
  writeFileSync(readmePath, synced);
  console.log("README.md examples updated.");
} else {
  console.log("README.md examples are up to date.");
}
