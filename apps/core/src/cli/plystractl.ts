#!/usr/bin/env node
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config.ts";
import { COMMANDS } from "./commands/index.ts";

function usage(): string {
  return [
    "usage: plystractl <command> [subcommand] [options]",
    "",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(34)} ${c.summary}`),
    "",
    "Configuration comes from the environment (DATABASE_URL, SERVER_MODE, …).",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const words = argv.filter((a) => !a.startsWith("-"));
  const command = COMMANDS.find((c) => {
    const parts = c.name.split(" ");
    return parts.every((p, i) => words[i] === p);
  });
  if (!command || argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${usage()}\n`);
    return command ? 0 : 2;
  }
  const rest = argv.slice(argv.indexOf(command.name.split(" ").at(-1)!) + 1);
  const { values, positionals } = parseArgs({
    args: rest,
    options: command.options ?? {},
    allowPositionals: true,
  });
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`plystractl: ${err.message}\n`);
      return 78;
    }
    throw err;
  }
  return command.run({
    config,
    options: values as Record<string, string | boolean | undefined>,
    args: positionals,
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`plystractl: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
