import { describe, expect, it } from "vitest";
import { ERROR_CATALOG } from "../src/http/errors.ts";
import { loadSpec } from "./spec-validator.ts";

/**
 * Each error response of the spec lists the `error.code` values it carries
 * (`x-plystra-error-codes`); the response validator refuses a code outside its response's list.
 * Here: the server's catalog answers every code with the status of the response that lists it.
 * (That the catalog and the spec's `ErrorCode` enum hold the same codes is a compile-time check in
 * src/http/errors.ts.)
 */
describe("error responses name their codes", () => {
  const spec = loadSpec();
  const statusOf = new Map<string, number>();
  for (const [name, response] of Object.entries<any>(spec.components.responses)) {
    const status = Number(
      Object.values<any>(spec.paths)
        .flatMap((item) => Object.values<any>(item))
        .flatMap((op) => Object.entries<any>(op.responses ?? {}))
        .find(([, r]) => r.$ref === `#/components/responses/${name}`)?.[0],
    );
    for (const code of response["x-plystra-error-codes"] ?? []) statusOf.set(code, status);
  }

  it("every catalog code answers with the status of the spec response listing it", () => {
    const mismatched = Object.entries(ERROR_CATALOG)
      .filter(([code]) => code !== "METHOD_NOT_ALLOWED") // no operation matches: 405 is not per operation
      .filter(([code, [status]]) => statusOf.get(code) !== status)
      .map(([code, [status]]) => `${code}: server ${status}, spec ${statusOf.get(code) ?? "unlisted"}`);
    expect(mismatched).toEqual([]);
  });

  it("every error response used by an operation lists its codes", () => {
    const unlisted = Object.entries<any>(spec.components.responses)
      .filter(([, r]) => r.content?.["application/json"] && !r["x-plystra-error-codes"]?.length)
      .map(([name]) => name);
    expect(unlisted).toEqual([]);
  });
});
