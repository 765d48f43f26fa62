import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config.ts";
import { COMMANDS } from "./commands/index.ts";
import type { Command } from "./commands/types.ts";

function usage(): string {
  return [
    "usage: plystractl <command> [subcommand] [options]",
    "",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(34)} ${c.summary}`),
    "",
    "Run `plystractl <command> --help` for a command's options.",
    "Configuration comes from the environment (DATABASE_URL, SERVER_MODE, …; see docs/configuration.md).",
  ].join("\n");
}

function commandUsage(c: Command): string {
  const lines = [`usage: plystractl ${c.name}${c.help?.length ? " [options]" : ""}`, "", `  ${c.summary}`];
  if (c.help?.length) lines.push("", "options:", ...c.help.map((h) => `  ${h}`));
  lines.push("  --help, -h                      show this help");
  return lines.join("\n");
}

/** The longest command whose words open the argument list (`backup manifest` before `backup`). */
function findCommand(argv: string[]): Command | undefined {
  const words = argv.filter((a) => !a.startsWith("-"));
  return [...COMMANDS]
    .sort((a, b) => b.name.split(" ").length - a.name.split(" ").length)
    .find((c) => c.name.split(" ").every((p, i) => words[i] === p));
}

/**
 * Runs one plystractl invocation and returns its exit code (2 usage error, 78 invalid
 * configuration, else the command's own code). Writes to stdout/stderr; never exits the process.
 *
 * @example
 * const code = await runCli(["migrate", "status"]);
 */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const wantsHelp = argv.includes("--help") || argv.includes("-h");
  const command = findCommand(argv);
  if (!command) {
    if (wantsHelp || argv.length === 0 || argv[0] === "help") {
      process.stdout.write(`${usage()}\n`);
      return argv.length === 0 ? 2 : 0;
    }
    process.stderr.write(`plystractl: unknown command "${argv.join(" ")}"\n\n${usage()}\n`);
    return 2;
  }
  if (wantsHelp) {
    process.stdout.write(`${commandUsage(command)}\n`);
    return 0;
  }
  const rest = argv.slice(argv.indexOf(command.name.split(" ").at(-1)!) + 1);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true });
  } catch (err) {
    process.stderr.write(
      `plystractl ${command.name}: ${(err as Error).message}\n\n${commandUsage(command)}\n`,
    );
    return 2;
  }

  let config: ReturnType<typeof loadConfig> | null = null;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    if (!command.ownConfig) {
      process.stderr.write(`plystractl: ${err.message}\n`);
      return 78;
    }
  }
  return command.run({
    config: config as ReturnType<typeof loadConfig>,
    env,
    options: parsed.values as Record<string, string | boolean | undefined>,
    args: parsed.positionals,
  });
}
