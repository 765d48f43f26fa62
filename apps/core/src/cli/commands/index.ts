import { adminCommands } from "./admin.ts";
import { auditCommands } from "./audit.ts";
import { backupCommands } from "./backup.ts";
import { demoCommands } from "./demo.ts";
import { doctorCommands } from "./doctor.ts";
import { migrateCommands } from "./migrate.ts";
import type { Command } from "./types.ts";

export const COMMANDS: Command[] = [
  ...doctorCommands,
  ...migrateCommands,
  ...adminCommands,
  ...auditCommands,
  ...backupCommands,
  ...demoCommands,
];
