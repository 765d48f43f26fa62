import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockDataDir } from "./database.ts";

describe("embedded data directory lock", () => {
  it("locks, refuses a second live process naming its pid, takes over a dead one's lock, and releases", () => {
    const dir = mkdtempSync(join(tmpdir(), "plystra-lock-"));
    const file = `${dir}.lock`;
    const release = lockDataDir(dir);
    expect(readFileSync(file, "utf8")).toBe(String(process.pid));
    release();
    expect(existsSync(file)).toBe(false);

    writeFileSync(file, String(process.ppid)); // a live process that is not us
    expect(() => lockDataDir(dir)).toThrow(new RegExp(`in use by process ${process.ppid}`));

    writeFileSync(file, "2147483646"); // no such process
    const again = lockDataDir(dir);
    expect(readFileSync(file, "utf8")).toBe(String(process.pid));
    again();
  });
});
