import type { Deps } from "./deps.ts";
import { demoSeedHook } from "./features/demo/demo.seed.ts";

/** Hooks run once after migrations at server start (e.g. the development demo seed). */
export type StartupHook = (deps: Deps) => Promise<void>;

export const STARTUP_HOOKS: StartupHook[] = [demoSeedHook];
