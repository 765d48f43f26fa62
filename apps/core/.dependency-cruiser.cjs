/**
 * Import rules for apps/core, run by `pnpm lint` (`depcruise`). Type-only imports count
 * (tsPreCompilationDeps): a type cycle is still a design cycle.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No module may import itself through others. Move the shared piece down a layer.",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-feature-cycles",
      severity: "error",
      scope: "folder",
      comment:
        "Feature folders depend on each other in one direction only (e.g. admin → api-keys, never back).",
      from: { path: "^src/features/[^/]+$" },
      to: { path: "^src/features/[^/]+$", circular: true },
    },
    {
      name: "test-code-stays-in-test",
      severity: "error",
      comment: "Only tests (`*.test.ts`, test/) use test helpers and vitest, so dist/ never ships test code.",
      from: { path: "^src/" },
      to: { path: ["^test/", "(^|/)node_modules/(\\.pnpm/)?vitest[@/]"] },
    },
    {
      name: "lib-not-http",
      severity: "error",
      comment: "lib/ is below the HTTP layer: it may not import http/.",
      from: { path: "^src/lib/" },
      to: { path: "^src/http/" },
    },
  ],
  options: {
    // Test files are leaves (nothing imports them); test helpers are still checked.
    exclude: { path: "\\.test\\.ts$" },
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
