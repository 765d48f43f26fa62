// Every README example is a file in examples/ and runs green against a real Core.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { baseUrl } from "./helpers";

const dir = join(import.meta.dirname, "..", "examples");
const examples = readdirSync(dir)
  .filter((f) => f.endsWith(".ts"))
  .sort();

describe("examples", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("there are examples, and the README shows each one verbatim", () => {
    expect(examples[0]).toBe("01-quickstart.ts");
    const readme = readFileSync(join(dir, "..", "README.md"), "utf8");
    for (const file of examples) {
      const code = readFileSync(join(dir, file), "utf8").trimEnd();
      expect(
        readme.includes(`\`\`\`ts\n${code}\n\`\`\``),
        `README.md must show examples/${file} verbatim`,
      ).toBe(true);
    }
  });

  it("docs/getting-started.md shows the guard-a-mutation example verbatim", () => {
    const guide = readFileSync(join(dir, "..", "..", "..", "docs", "getting-started.md"), "utf8");
    const code = readFileSync(join(dir, "08-guard-mutation.ts"), "utf8").trimEnd();
    expect(guide.includes(`\`\`\`ts\n${code}\n\`\`\``)).toBe(true);
  });

  it.each(examples)("%s runs against the real Core", async (file) => {
    process.env.PLYSTRA_BASE_URL = baseUrl();
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
    await import(join(dir, file));
    if (file === "01-quickstart.ts") expect(lines[0]).toMatch(/^allow /);
    if (file === "02-api-key.ts") expect(lines[0]).toBe("bob may approve invoice_001: true");
    if (file === "03-context-mode.ts") expect(lines[0]).toBe("allow deny SCOPE_OUT_OF_BOUNDS");
    if (file === "04-errors.ts") expect(lines[1]).toMatch(/^400 VALIDATION_FAILED email req_/);
    if (file === "05-request-ids.ts") expect(lines[0]).toMatch(/^req_checkout_\d+$/);
    if (file === "08-guard-mutation.ts") {
      expect(lines[0]).toMatch(/^approved invoice_001 \(trace_id=trace_\w+ audit_log_id=audit_\w+\)$/);
      expect(lines[1]).toMatch(/^refused invoice_002: SCOPE_OUT_OF_BOUNDS /);
    }
  });
});
