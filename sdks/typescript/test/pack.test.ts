// The published artefact works: pack, install into a scratch project, run ESM + CJS against Core.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseUrl } from "./helpers";

describe("pack smoke", () => {
  it("the packed tarball installs offline and works from ESM and CommonJS", { timeout: 300_000 }, () => {
    const script = join(import.meta.dirname, "..", "scripts", "pack-smoke.sh");
    const run = spawnSync("bash", [script], {
      env: { ...process.env, PLYSTRA_BASE_URL: baseUrl() },
      encoding: "utf8",
      timeout: 290_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(0);
    expect(run.stdout).toContain("esm ok: alice may approve invoice_001");
    expect(run.stdout).toContain("cjs ok: alice may approve invoice_001");
    expect(run.stdout).toContain("types ok");
  });
});
