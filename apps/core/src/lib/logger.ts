import pino, { type Logger } from "pino";
import type { Config } from "../config.ts";

/** JSON logs by default; LOG_FORMAT=text gives key=value lines for humans. */
export function createLogger(config: Pick<Config, "logFormat" | "logLevel">): Logger {
  const base = {
    level: config.logLevel,
    base: undefined,
    messageKey: "msg",
    timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (config.logFormat === "text") {
    return pino(base, {
      write(line: string) {
        const obj = JSON.parse(line) as Record<string, unknown>;
        process.stdout.write(
          `${Object.entries(obj)
            .map(([k, v]) => `${k}=${typeof v === "string" && !/\s/.test(v) ? v : JSON.stringify(v)}`)
            .join(" ")}\n`,
        );
      },
    });
  }
  return pino(base);
}
