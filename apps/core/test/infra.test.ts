import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// Static guarantees of the release artefact's packaging. CI also lints the Dockerfile (hadolint),
// validates Compose (docker-compose config) and runs the image's commands (scripts/smoke-prod.sh).
const ROOT = resolve(import.meta.dirname, "../../..");
const read = (p: string) => readFileSync(resolve(ROOT, p), "utf8");

const envExample = new Map(
  read("infra/.env.example")
    .split("\n")
    .filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l))
    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as const),
);
const compose = parse(read("infra/docker-compose.yml"));

describe("infra", () => {
  it("the Dockerfile runs compiled JavaScript on Node 24 as a non-root user with a readiness check", () => {
    const dockerfile = read("infra/Dockerfile");
    expect(dockerfile).toMatch(/^ARG NODE_VERSION=24$/m);
    expect(dockerfile).toContain("deploy --legacy --prod");
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/api\/v1\/ready/);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
    const instructions = dockerfile.split("\n").filter((l) => !l.trimStart().startsWith("#"));
    expect(instructions.filter((l) => /\btsx\b/.test(l))).toEqual([]);
    expect(dockerfile).toContain("org.opencontainers.image.licenses");
  });

  it(".dockerignore keeps out dependencies, local databases, secrets and tests", () => {
    const ignore = read(".dockerignore").split("\n");
    for (const entry of ["**/node_modules", "**/.plystra", "**/.env", "**/*.test.ts", ".git"]) {
      expect(ignore, entry).toContain(entry);
    }
  });

  it("Compose: PostgreSQL 17, a one-shot migrate (up, then verify) that Core waits for, named volume", () => {
    expect(compose.services.postgres.image).toBe("postgres:17");
    expect(compose.services.postgres.healthcheck).toBeDefined();
    expect(compose.services.migrate.command.join(" ")).toContain(
      "plystractl migrate up && plystractl migrate verify",
    );
    for (const core of ["plystra-core", "plystra-core-dev"]) {
      expect(compose.services[core].depends_on.migrate.condition, core).toBe(
        "service_completed_successfully",
      );
    }
    expect(compose.services["plystra-core"].profiles).toEqual(["prod"]);
    expect(compose.services["plystra-core-dev"].profiles).toEqual(["dev"]);
    expect(compose.services["plystra-core-dev"].environment.PLYSTRA_DEMO_SEED).toBe("true");
    expect(Object.keys(compose.volumes)).toContain("pgdata");
  });

  it(".env.example names every variable the production service reads, including the first-admin bootstrap", () => {
    const passed = Object.keys(compose.services["plystra-core"].environment).filter(
      (k) => k !== "DATABASE_URL",
    );
    expect(passed.filter((k) => !envExample.has(k))).toEqual([]);
    for (const k of [
      "PLYSTRA_BOOTSTRAP_REGISTRATION_ENABLED",
      "PLYSTRA_BOOTSTRAP_REGISTRATION_TOKEN",
      "DOCKER_DATABASE_URL",
    ]) {
      expect(envExample.has(k), k).toBe(true);
    }
  });

  it(".env.example secrets are obvious placeholders, never usable values", () => {
    for (const [k, v] of envExample) {
      // Secrets and passwords are placeholders; optional tokens are empty until you set one.
      if (/SECRET$|PASSWORD$/.test(k)) expect(v, k).toMatch(/^change-me-/);
      if (/TOKEN$/.test(k)) expect(v, k).toBe("");
      if (/_URL$/.test(k) && v.includes("@")) expect(v, k).toContain(":change-me-");
    }
  });
});
