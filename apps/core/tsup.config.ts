import { cpSync } from "node:fs";
import { defineConfig } from "tsup";

/**
 * The release artefact: Core (`dist/main.js`) and plystractl (`dist/plystractl.js`) as plain
 * JavaScript. Our workspace packages (engine, db, contract — TypeScript sources, devDependencies
 * here) are bundled in; npm dependencies stay external and are installed with `--prod`. The SQL
 * migrations ship beside the bundle (`dist/migrations`), where the migrator looks first.
 */
export default defineConfig({
  entry: { main: "src/main.ts", cluster: "src/cluster.ts", plystractl: "src/cli/plystractl.ts" },
  format: ["esm"],
  platform: "node",
  target: "node22",
  outDir: "dist",
  clean: true,
  sourcemap: true,
  splitting: true,
  shims: false,
  noExternal: [/^@plystra\//],
  onSuccess: async () => {
    cpSync("../../packages/db/migrations", "dist/migrations", { recursive: true });
    // The API reference's browser bundle (MIT, self-contained) ships as a static file.
    cpSync("node_modules/@scalar/api-reference/dist/browser/standalone.js", "dist/docs/scalar-standalone.js");
  },
});
