#!/usr/bin/env node
// Reads `go test -json` on stdin and prints a short report: the output of failing tests, each
// package's closing lines (ok / FAIL / PASS), and one totals line in the shape the CI summary
// sums (`Tests  N passed | M failed`). go test's exit status is the caller's to keep.
import { createInterface } from "node:readline";

const pending = new Map(); // "pkg test" → buffered output lines
let passed = 0;
let failed = 0;
let skipped = 0;

for await (const line of createInterface({ input: process.stdin })) {
  let ev;
  try {
    ev = JSON.parse(line);
  } catch {
    process.stdout.write(`${line}\n`); // build errors and anything not JSON
    continue;
  }
  const key = `${ev.Package} ${ev.Test ?? ""}`;
  if (ev.Action === "output") {
    if (ev.Test) {
      if (!pending.has(key)) pending.set(key, []);
      pending.get(key).push(ev.Output);
    } else if (!/^(=== |--- )/.test(ev.Output)) {
      process.stdout.write(ev.Output); // package lines: ok / FAIL / PASS, panics, TestMain output
    }
  } else if (ev.Test && ["pass", "fail", "skip"].includes(ev.Action)) {
    const out = pending.get(key) ?? [];
    pending.delete(key);
    if (ev.Action === "fail") {
      failed++;
      process.stdout.write(out.join(""));
    } else if (ev.Action === "pass") passed++;
    else skipped++;
  }
}
// Output of tests that never finished (a panic or a timeout killed the binary).
for (const out of pending.values()) process.stdout.write(out.join(""));
const parts = [`${passed} passed`];
if (failed) parts.push(`${failed} failed`);
if (skipped) parts.push(`${skipped} skipped`);
console.log(`      Tests  ${parts.join(" | ")} (go test)`);
