import pino, { type DestinationStream, type Logger } from "pino";
import type { Config } from "../config.ts";

/**
 * JSON logs by default; LOG_FORMAT=text gives key=value lines for humans. `destination` (JSON
 * only) lets tests capture the exact lines operators would see on stdout.
 */
export function createLogger(
  config: Pick<Config, "logFormat" | "logLevel">,
  destination?: DestinationStream,
): Logger {
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
  return destination ? pino(base, destination) : pino(base);
}
