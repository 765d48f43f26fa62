import { describe, expect, it } from "vitest";
import { databaseUnavailable, isDatabaseUnavailable } from "./db-unavailable.ts";

describe("isDatabaseUnavailable", () => {
  it("recognises lost or refused connections, also when wrapped", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const terminated = Object.assign(new Error("terminating connection due to administrator command"), {
      code: "57P01",
    });
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(isDatabaseUnavailable(terminated)).toBe(true);
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("wrapped", { cause: refused }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([refused], "dual stack"))).toBe(true);
  });

  it("leaves data errors and bugs alone (they stay 4xx or 500)", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("x is undefined"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });

  it("maps to a retryable 503 NOT_READY", () => {
    const err = databaseUnavailable();
    expect(err.status).toBe(503);
    expect(err.code).toBe("NOT_READY");
    expect(Number(err.headers["Retry-After"])).toBeGreaterThan(0);
  });
});
