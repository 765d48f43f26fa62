import { describe, expect, it } from "vitest";
import { constantTimeEqual, digestEqual, hmacHex, parseApiKey } from "./tokens.ts";

describe("token comparisons", () => {
  const a = hmacHex("secret-one", "ply_ak_1.abc");
  const b = hmacHex("secret-two", "ply_ak_1.abc");

  it("digestEqual: equal digests match; a different or truncated one does not", () => {
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(digestEqual(a, hmacHex("secret-one", "ply_ak_1.abc"))).toBe(true);
    expect(digestEqual(a, b)).toBe(false);
    expect(digestEqual(a, a.slice(0, 63))).toBe(false);
    expect(digestEqual(a, `${a}0`)).toBe(false);
    expect(digestEqual("", "")).toBe(true);
  });

  it("constantTimeEqual compares secrets of any length without throwing", () => {
    expect(constantTimeEqual("token", "token")).toBe(true);
    expect(constantTimeEqual("token", "token-longer")).toBe(false);
    expect(constantTimeEqual("", "x")).toBe(false);
  });

  it("parseApiKey takes the id before the last dot", () => {
    expect(parseApiKey("ply_ak_key_1.deadbeef")).toEqual({ id: "key_1" });
    expect(parseApiKey("ply_ak_.x")).toBeNull();
    expect(parseApiKey("ply_ak_key_1.")).toBeNull();
    expect(parseApiKey("other")).toBeNull();
  });
});
