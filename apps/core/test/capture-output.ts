import { vi } from "vitest";

/** Runs a CLI command in-process and returns its exit code with what it wrote to stdout and stderr. */
export async function captureOutput(
  run: () => Promise<number>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s) => out.push(String(s)) > 0);
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s) => err.push(String(s)) > 0);
  try {
    const code = await run();
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
