import type { Database } from "@plystra/db";
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import type { Deps } from "./deps.ts";
import { demoSeedHook } from "./features/demo/demo.seed.ts";
import { createLogger } from "./lib/logger.ts";
import { createMetrics } from "./lib/metrics.ts";

/** Hooks run once after migrations at server start (e.g. the development demo seed). */
export type StartupHook = (deps: Deps) => Promise<void>;

export const STARTUP_HOOKS: StartupHook[] = [demoSeedHook];

/** Builds the dependency bag around an open database and runs startup hooks (e.g. demo seed). */
export async function createDeps(
  config: Config,
  database: Database,
  options: { logger?: Logger; now?: () => Date; runStartupHooks?: boolean } = {},
): Promise<Deps> {
  const logger = options.logger ?? createLogger(config);
  const deps: Deps = {
    config,
    database,
    db: database.db,
    logger,
    metrics: createMetrics({ defaultMetrics: options.runStartupHooks !== false }),
    now: options.now ?? (() => new Date()),
    closers: [],
  };
  if (options.runStartupHooks !== false) {
    for (const hook of STARTUP_HOOKS) await hook(deps);
  }
  return deps;
}
