import { migrateUp, openDatabase } from "@plystra/db";
import { openConfiguredDatabase } from "../../database.ts";
import { DEMO_CASES, explainCase, formatDecision } from "../../features/demo/demo.explain.ts";
import { seedDemo } from "../../features/demo/demo.seed.ts";
import type { Command } from "./types.ts";

export const demoCommands: Command[] = [
  {
    name: "demo explain",
    summary: "print the four Finance Reviewer demo decisions with their scope checks",
    async run({ config }) {
      // The demo is deterministic: on the embedded default it runs on a private in-memory copy, so it
      // works (and never touches the data directory) while the development server is running.
      const database = config.databaseUrl ? await openConfiguredDatabase(config) : await openDatabase({});
      try {
        if (config.isProduction) {
          process.stderr.write("demo explain: refusing to seed demo data in production mode\n");
        } else {
          await migrateUp(database);
          await seedDemo(database.db);
        }
        const blocks: string[] = [];
        let mismatches = 0;
        for (const [i, c] of DEMO_CASES.entries()) {
          const d = await explainCase(database.db, c);
          const got = d.decision === "allow" ? "allow" : `deny ${d.deny_code}`;
          if (got !== c.expected) mismatches++;
          blocks.push(formatDecision(i + 1, c, d));
        }
        process.stdout.write(`${blocks.join("\n\n")}\n`);
        if (mismatches) {
          process.stderr.write(`demo explain: ${mismatches} case(s) differ from the documented outcome\n`);
          return 1;
        }
        return 0;
      } finally {
        await database.close();
      }
    },
  },
];
