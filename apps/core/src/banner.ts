import type { Config } from "./config.ts";
import { DOCS_PATH } from "./features/docs/docs.routes.ts";

/**
 * Names the database without its credentials: `PostgreSQL db.internal:5432/plystra` or
 * `embedded PGlite in /path`. Never includes a user name or password.
 *
 * @example
 * describeDatabase(config); // "PostgreSQL 127.0.0.1:5432/plystra"
 */
export function describeDatabase(config: Pick<Config, "databaseUrl" | "dataDir">): string {
  if (!config.databaseUrl) return `embedded PGlite in ${config.dataDir}`;
  try {
    const u = new URL(config.databaseUrl);
    const db = decodeURIComponent(u.pathname.replace(/^\//, "")) || "(default database)";
    return `PostgreSQL ${u.host || "(local socket)"}/${db}`;
  } catch {
    return "PostgreSQL (unparsable DATABASE_URL)";
  }
}

export interface StartInfo {
  url: string;
  database: string;
  mode: Config["mode"];
  docs: string;
}

/** What the server tells its operator once it listens. */
export function startInfo(config: Config, port: number): StartInfo {
  const local = `http://${config.host && config.host !== "0.0.0.0" && config.host !== "::" ? config.host : "localhost"}:${port}`;
  const url = config.publicUrl ?? local;
  return {
    url,
    database: describeDatabase(config),
    mode: config.mode,
    docs: config.apiDocsEnabled
      ? `${url.replace(/\/$/, "")}${DOCS_PATH}`
      : "off (API_DOCS_ENABLED=true to serve /docs)",
  };
}

/** The human start banner; in development it also names the demo logins. */
export function startBanner(config: Config, info: StartInfo): string {
  const lines = [
    `Plystra Core ${config.coreVersion} listening on ${info.url}`,
    `  mode      ${info.mode}`,
    `  database  ${info.database}`,
    `  API docs  ${info.docs}`,
  ];
  if (config.demoSeed) {
    lines.push(
      "  demo      alice@example.com / plystra-demo (instance super admin)",
      "            bob@example.com / plystra-demo",
    );
  }
  return lines.join("\n");
}
