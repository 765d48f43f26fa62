import { runDoctor } from "../doctor.ts";
import type { Command } from "./types.ts";

export const doctorCommands: Command[] = [
  {
    name: "doctor",
    summary: "check environment, configuration, database, migrations, schema drift and readiness",
    help: [
      "--json                          one JSON document instead of lines",
      "--timeout <seconds>             how long to wait for the database (default 5)",
      "--url <base-url>                also ask a running Core's /api/v1/ready",
    ],
    options: { json: { type: "boolean" }, timeout: { type: "string" }, url: { type: "string" } },
    ownConfig: true,
    async run({ env, options }) {
      const seconds = options.timeout === undefined ? 5 : Number(options.timeout);
      if (!Number.isFinite(seconds) || seconds <= 0) {
        process.stderr.write("doctor: --timeout must be a positive number of seconds\n");
        return 2;
      }
      const checks = await runDoctor(env ?? process.env, {
        timeoutMs: seconds * 1000,
        readyUrl: typeof options.url === "string" ? options.url : undefined,
      });
      const ok = checks.every((c) => c.status !== "fail");
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ ok, checks }, null, 2)}\n`);
      } else {
        for (const c of checks) {
          process.stdout.write(`${c.status.padEnd(5)} ${c.name.padEnd(18)} ${c.message}\n`);
        }
      }
      return ok ? 0 : 1;
    },
  },
];
