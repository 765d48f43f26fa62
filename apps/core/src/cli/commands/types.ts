import type { ParseArgsConfig } from "node:util";
import type { Config } from "../../config.ts";

export interface CommandContext {
  /** The loaded configuration; null only for commands with `ownConfig` whose env did not load. */
  config: Config;
  /** The environment the configuration came from (default: process.env). */
  env?: Record<string, string | undefined>;
  options: Record<string, string | boolean | undefined>;
  args: string[];
}

/** One CLI command; `name` may have several words ("migrate up"). Returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  /** Option lines for `--help`, e.g. `["--out <file>   write the manifest to a file"]`. */
  help?: string[];
  options?: ParseArgsConfig["options"];
  /**
   * The command loads (and reports on) the configuration itself instead of the CLI refusing to
   * run when it is invalid; `doctor` does, to name every problem.
   */
  ownConfig?: boolean;
  run(ctx: CommandContext): Promise<number>;
}
