import { adminCommands } from "./admin.ts";
import { auditCommands } from "./audit.ts";
import { demoCommands } from "./demo.ts";
import { migrateCommands } from "./migrate.ts";
import type { Command } from "./types.ts";

export const COMMANDS: Command[] = [...migrateCommands, ...adminCommands, ...auditCommands, ...demoCommands];
