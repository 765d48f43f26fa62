import { adminCommands } from "./admin.ts";
import { migrateCommands } from "./migrate.ts";
import type { Command } from "./types.ts";

export const COMMANDS: Command[] = [...migrateCommands, ...adminCommands];
