import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../src/cli/commands/index.ts";

// The documentation a newcomer follows: links go to files that exist, and every plystractl
// command it shows is a real command (each one's --help is exercised in ops-cli.test.ts).
const ROOT = resolve(import.meta.dirname, "../../..");
const DOCS = [
  "README.md",
  "CONTRIBUTING.md",
  "sdks/typescript/README.md",
  ...readdirSync(resolve(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

describe("documentation", () => {
  it("relative links point at files in the repository", () => {
    const broken: string[] = [];
    for (const doc of DOCS) {
      const text = readFileSync(resolve(ROOT, doc), "utf8");
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1].split("#")[0];
        if (!target || /^[a-z]+:/.test(target)) continue;
        if (!existsSync(resolve(ROOT, dirname(doc), target))) broken.push(`${doc} → ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("every plystractl command shown exists", () => {
    const names = COMMANDS.map((c) => c.name);
    const unknown: string[] = [];
    for (const doc of DOCS) {
      const text = readFileSync(resolve(ROOT, doc), "utf8");
      for (const m of text.matchAll(/plystractl ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)?)/g)) {
        const [first, second] = m[1].split(" ");
        const ok = names.includes(first) || (second !== undefined && names.includes(`${first} ${second}`));
        const group = names.some((n) => n.startsWith(`${first} `));
        // "plystractl migrate up|status" style lists name the group; the words must still be real.
        if (!ok && !(group && (second === undefined || /\|/.test(text.slice(m.index, m.index + 60))))) {
          unknown.push(`${doc}: plystractl ${m[1]}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });
});
