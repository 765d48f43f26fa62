import { MigrationError, migrateUp, migrateVerify, migrationStatus } from "@plystra/db";
import { openConfiguredDatabase } from "../../database.ts";
import type { Command } from "./types.ts";

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

export const migrateCommands: Command[] = [
  {
    name: "migrate up",
    summary: "apply pending migrations (each in its own transaction)",
    async run({ config }) {
      const database = await openConfiguredDatabase(config);
      try {
        const applied = await migrateUp(database);
        if (!applied.length) out("migrations: already current");
        for (const m of applied) out(`applied ${m.version}_${m.name}`);
        return 0;
      } catch (e) {
        err(`migrate up failed: ${(e as Error).message}`);
        return 1;
      } finally {
        await database.close();
      }
    },
  },
  {
    name: "migrate status",
    summary: "show each migration as applied, pending or checksum_mismatch",
    async run({ config }) {
      const database = await openConfiguredDatabase(config);
      try {
        const status = await migrationStatus(database);
        for (const s of status) {
          out(
            `${s.version}_${s.name.padEnd(28)} ${s.state}${s.applied_at ? `  ${s.applied_at.toISOString()}` : ""}`,
          );
        }
        return status.every((s) => s.state === "applied") ? 0 : 1;
      } finally {
        await database.close();
      }
    },
  },
  {
    name: "migrate verify",
    summary: "fail when any migration is pending or was edited after being applied",
    async run({ config }) {
      const database = await openConfiguredDatabase(config);
      try {
        await migrateVerify(database);
        out("migrations: current");
        return 0;
      } catch (e) {
        if (e instanceof MigrationError) {
          err(`migrate verify failed: ${e.message}`);
          return 1;
        }
        throw e;
      } finally {
        await database.close();
      }
    },
  },
];
