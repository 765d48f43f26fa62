// Starts one real Plystra Core for the SDK tests (scripts/test-core.mjs: a child process on a free
// loopback port with a fresh embedded database, or a fresh database on $DATABASE_URL's server).
import type { TestProject } from "vitest/node";
// @ts-expect-error plain ESM script shared with the Python and Go SDK tests; no type declarations.
import { startTestCore } from "../../../scripts/test-core.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    plystraBaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const core: { baseUrl: string; stop: () => Promise<void> } = await startTestCore({
    onEarlyExit: (message: string) => process.stderr.write(`\n[sdk tests] ${message}`),
  });
  project.provide("plystraBaseUrl", core.baseUrl);
  process.env.PLYSTRA_TEST_BASE_URL = core.baseUrl;
  return core.stop;
}
