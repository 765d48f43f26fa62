import { openConfiguredDatabase } from "../../database.ts";
import { verifyAuditChain } from "../../features/audit/audit.repository.ts";
import type { Command } from "./types.ts";

export const auditCommands: Command[] = [
  {
    name: "audit verify",
    summary: "verify the audit log hash chain; prints the first broken row and exits 1",
    async run({ config }) {
      const database = await openConfiguredDatabase(config);
      try {
        const verdict = await verifyAuditChain(database.db);
        if (verdict.ok) {
          process.stdout.write(`audit chain: ok (${verdict.rows} rows)\n`);
          return 0;
        }
        const b = verdict.broken!;
        process.stderr.write(
          `audit chain: BROKEN at seq ${b.seq}${b.id ? ` (id ${b.id})` : ""}${b.shard !== null ? ` in shard ${b.shard}` : ""}: ${b.reason}; ${verdict.rows} rows verified before it\n`,
        );
        return 1;
      } finally {
        await database.close();
      }
    },
  },
];
