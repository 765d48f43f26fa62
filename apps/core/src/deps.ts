import type { Database } from "@plystra/db";
import type { DB } from "@plystra/db";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import type { Metrics } from "./lib/metrics.ts";

/** Everything a feature needs, injected once by main.ts (or a test harness). */
export interface Deps {
  readonly config: Config;
  readonly database: Database;
  readonly db: Kysely<DB>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Injected clock so tests can move time (token expiry, binding expiry, lockouts). */
  readonly now: () => Date;
  /** Background services that must be stopped/flushed on shutdown, registered by features. */
  readonly closers: Array<() => Promise<void>>;
}
