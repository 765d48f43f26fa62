import { migrateCommands } from "./migrate.ts";
import type { Command } from "./types.ts";

export const COMMANDS: Command[] = [...migrateCommands];
