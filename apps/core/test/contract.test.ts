import { OPERATIONS } from "@plystra/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTATION_ROUTES } from "../src/features/docs/docs.routes.ts";
import { createTestApp, type TestApp } from "./harness.ts";
import { loadSpec } from "./spec-validator.ts";

/**
 * Operations the spec documents that the server does not serve yet. Later work shrinks this to
 * empty; an entry that is in fact served fails the test so the list cannot go stale.
 */
const NOT_YET_IMPLEMENTED: string[] = [];

const key = (method: string, path: string) =>
  `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ":$1")}`;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("contract harness", () => {
  const spec = loadSpec();
  const specOps = new Set<string>();
  for (const [path, item] of Object.entries<any>(spec.paths)) {
    for (const m of ["get", "post", "put", "patch", "delete"]) if (item[m]) specOps.add(key(m, path));
  }

  it("every spec operation has a unique operationId", () => {
    const ids: string[] = [];
    for (const item of Object.values<any>(spec.paths)) {
      for (const m of ["get", "post", "put", "patch", "delete"]) if (item[m]) ids.push(item[m].operationId);
    }
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("every routed path/method is in the spec, except the documentation routes that describe it", () => {
    const docs = new Set(DOCUMENTATION_ROUTES.map((r) => key(r.method, r.path)));
    const routed = t.app.routes.filter((r) => r.method !== "ALL").map((r) => key(r.method, r.path));
    const undocumented = [...new Set(routed)].filter((r) => !specOps.has(r) && !docs.has(r));
    expect(undocumented).toEqual([]);
    // The exemption is exact: every documentation route is served, and none is a spec operation.
    expect([...docs].filter((r) => !routed.includes(r))).toEqual([]);
    expect([...docs].filter((r) => specOps.has(r))).toEqual([]);
  });

  it("the generated route table is exactly the spec's operations", () => {
    const table = new Set(Object.values(OPERATIONS).map((r) => key(r.method, r.path)));
    expect([...table].filter((r) => !specOps.has(r))).toEqual([]);
    expect([...specOps].filter((r) => !table.has(r))).toEqual([]);
  });

  it("every spec operation is served, except the explicit not-yet-implemented list", () => {
    const routed = new Set(t.app.routes.filter((r) => r.method !== "ALL").map((r) => key(r.method, r.path)));
    const missing = [...specOps].filter((op) => !routed.has(op)).sort();
    expect(missing).toEqual([...NOT_YET_IMPLEMENTED].sort());
  });
});
