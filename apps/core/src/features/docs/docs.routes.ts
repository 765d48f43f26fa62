import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SPEC_DOCUMENT, specYaml } from "@plystra/contract";
import type { Context, Hono } from "hono";
import type { Deps } from "../../deps.ts";
import { ok } from "../../http/envelope.ts";
import { AppError } from "../../http/errors.ts";
import type { AppEnv } from "../../http/types.ts";

/**
 * Routes that describe the API rather than belong to it: the contract itself, the interactive
 * reference and the root pointer. They are not operations of the spec (the contract test skips
 * exactly these), and no credential is needed for them.
 */
export const DOCUMENTATION_ROUTES = [
  { method: "GET", path: "/" },
  { method: "GET", path: "/docs" },
  { method: "GET", path: "/docs/scalar.js" },
  { method: "GET", path: "/docs/init.js" },
  { method: "GET", path: "/api/v1/openapi.json" },
  { method: "GET", path: "/api/v1/openapi.yaml" },
] as const;

/** Where the interactive reference is served. */
export const DOCS_PATH = "/docs";

const STANDALONE = "scalar-standalone.js";

/**
 * Scalar's self-contained browser bundle: beside the compiled server (`dist/docs/`, copied at
 * build), else from the @scalar/api-reference package in node_modules (development).
 */
function findScalarBundle(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = join(here, "docs", STANDALONE);
  if (existsSync(bundled)) return bundled;
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(
      dir,
      "node_modules",
      "@scalar",
      "api-reference",
      "dist",
      "browser",
      "standalone.js",
    );
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

// Everything the page loads comes from this server; the browser enforces it.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Plystra API reference</title>
    <link rel="icon" href="data:," />
  </head>
  <body>
    <div id="app"></div>
    <script src="${DOCS_PATH}/scalar.js"></script>
    <script src="${DOCS_PATH}/init.js"></script>
  </body>
</html>
`;

// Offline and private: no web fonts, telemetry, hosted proxy, AI agent or MCP upsell.
const INIT = `Scalar.createApiReference("#app", ${JSON.stringify({
  url: "/api/v1/openapi.json",
  withDefaultFonts: false,
  telemetry: false,
  hideClientButton: true,
  showDeveloperTools: "never",
  agent: { disabled: true },
  mcp: { disabled: true },
  documentDownloadType: "both",
})});
`;

/**
 * The {@link DOCUMENTATION_ROUTES}, the only routes outside the contract: app.ts installs them
 * once, by name, after the contract's operations.
 */
export const documentationRoutes = {
  install(app: Hono<AppEnv>, deps: Deps): void {
    const enabled = deps.config.apiDocsEnabled;
    const disabled = () =>
      new AppError(
        "FEATURE_DISABLED",
        "The API reference is disabled; set API_DOCS_ENABLED=true to serve it.",
      );
    let scalar: Buffer | null = null;
    let json: string | null = null;

    const guardEnabled = (c: Context<AppEnv>) => {
      if (!enabled) throw disabled();
      c.header("Cache-Control", "no-cache");
    };

    app.get("/", (c) =>
      ok(c, {
        name: "Plystra Core",
        version: deps.config.coreVersion,
        docs: enabled ? DOCS_PATH : null,
        openapi: enabled ? { json: "/api/v1/openapi.json", yaml: "/api/v1/openapi.yaml" } : null,
        health: "/api/v1/health",
        ready: "/api/v1/ready",
        message: enabled
          ? `Plystra Core is running. The API reference is at ${DOCS_PATH}.`
          : "Plystra Core is running. The API reference is disabled here (API_DOCS_ENABLED).",
      }),
    );

    app.get("/api/v1/openapi.json", (c) => {
      guardEnabled(c);
      json ??= JSON.stringify(SPEC_DOCUMENT);
      return c.body(json, 200, { "Content-Type": "application/json; charset=utf-8" });
    });

    app.get("/api/v1/openapi.yaml", (c) => {
      guardEnabled(c);
      return c.body(specYaml(), 200, { "Content-Type": "application/yaml; charset=utf-8" });
    });

    app.get(DOCS_PATH, (c) => {
      guardEnabled(c);
      c.header("Content-Security-Policy", CSP);
      c.header("X-Content-Type-Options", "nosniff");
      return c.html(PAGE);
    });

    app.get(`${DOCS_PATH}/init.js`, (c) => {
      guardEnabled(c);
      return c.body(INIT, 200, { "Content-Type": "text/javascript; charset=utf-8" });
    });

    app.get(`${DOCS_PATH}/scalar.js`, (c) => {
      if (!enabled) throw disabled();
      if (!scalar) {
        const file = findScalarBundle();
        if (!file) throw new AppError("NOT_FOUND", "The API reference bundle is not installed.");
        scalar = readFileSync(file);
      }
      return c.body(new Uint8Array(scalar), 200, {
        "Content-Type": "text/javascript; charset=utf-8",
        "Cache-Control": "public, max-age=3600",
      });
    });
  },
};
