import type { ParseArgsConfig } from "node:util";
import type { Config } from "../../config.ts";

export interface CommandContext {
  config: Config;
  options: Record<string, string | boolean | undefined>;
  args: string[];
}

/** One CLI command; `name` may have several words ("migrate up"). Returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  options?: ParseArgsConfig["options"];
  run(ctx: CommandContext): Promise<number>;
}
