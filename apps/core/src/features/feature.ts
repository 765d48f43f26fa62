import type { Hono } from "hono";
import type { Deps } from "../deps.ts";
import type { AppEnv } from "../http/types.ts";

/**
 * A feature mounts its routes (and any background services) onto the app. Its own module, so a
 * feature's routes can name the type without importing the list that imports them.
 */
export interface Feature {
  name: string;
  install(app: Hono<AppEnv>, deps: Deps): void;
}
