import { describe, expect, it } from "vitest";
import { newId, newRequestId } from "./ids.ts";

describe("pooled random ids", () => {
  it("request ids are req_ + 16 hex and do not repeat across pool refills", () => {
    // 2,000 request ids and 2,000 ULIDs draw ~48 KiB: a dozen refills of the 4 KiB pool.
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const r = newRequestId();
      expect(r).toMatch(/^req_[0-9a-f]{16}$/);
      seen.add(r);
      seen.add(newId("audit"));
    }
    expect(seen.size).toBe(4000);
  });
});
