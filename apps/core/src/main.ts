import { serve } from "@hono/node-server";
import { createApp } from "./app.ts";
import { startBanner, startInfo } from "./banner.ts";
import { openConfiguredDatabase, prepareSchema } from "./database.ts";
import { createDeps } from "./startup.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./lib/logger.ts";

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`plystra-core: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger(config);
  let database: Awaited<ReturnType<typeof openConfiguredDatabase>>;
  try {
    database = await openConfiguredDatabase(config);
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, "cannot open the database");
    process.exit(1);
  }
  try {
    await prepareSchema(database, config, logger);
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, "refusing to start");
    await database.close();
    process.exit(1);
  }
  const deps = await createDeps(config, database, { logger });
  const app = createApp(deps);
  const server = serve(
    {
      fetch: app.fetch,
      hostname: config.host || undefined,
      port: config.port,
      serverOptions: {
        // Slow clients: the whole header block within HTTP_READ_HEADER_TIMEOUT, the whole request
        // (headers and body) within HTTP_READ_TIMEOUT. Node enforces both on a periodic sweep, so
        // sweep often enough that a trickling client is cut off close to the configured time.
        headersTimeout: config.httpReadHeaderTimeoutMs,
        requestTimeout: config.httpReadTimeoutMs,
        keepAliveTimeout: config.httpIdleTimeoutMs,
        connectionsCheckingInterval: Math.max(
          100,
          Math.min(1_000, Math.floor(Math.min(config.httpReadHeaderTimeoutMs, config.httpReadTimeoutMs) / 4)),
        ),
      },
    },
    (listening) => {
      const info = startInfo(config, listening.port);
      const banner = startBanner(config, info);
      logger.info({ ...info, address: listening.address, port: listening.port }, banner.split("\n")[0]);
      // Development: the whole banner (docs URL, demo logins) for the human at the terminal.
      if (!config.isProduction) process.stderr.write(`\n${banner}\n\n`);
    },
  );
  const http = server as unknown as import("node:http").Server;
  // HTTP_WRITE_TIMEOUT: a response not fully written this long after its request arrived (a client
  // that stops reading, a handler stuck on a lost database) has its connection closed.
  http.on("request", (_req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
    const timer = setTimeout(() => res.destroy(), config.httpWriteTimeoutMs);
    timer.unref();
    res.once("close", () => clearTimeout(timer));
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: draining in-flight requests");
    const force = setTimeout(() => {
      logger.error("shutdown timed out; exiting");
      process.exit(1);
    }, 15_000);
    force.unref();
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeIdleConnections?.();
    });
    for (const close of deps.closers)
      await close().catch((e) => logger.error({ err: (e as Error).message }, "closer failed"));
    await database.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

void main();
