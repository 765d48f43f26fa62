import { expectedSchemaVersion, migrationStatus } from "@plystra/db";
import { ok } from "../../http/envelope.ts";
import { DATABASE_RETRY_AFTER_SECONDS } from "../../http/db-unavailable.ts";
import { AppError } from "../../http/errors.ts";
import type { Feature } from "../feature.ts";

const API_VERSION = "v1";

export const systemFeature: Feature = {
  name: "system",
  install(ops, deps) {
    const expected = expectedSchemaVersion();

    async function schemaState() {
      const status = await migrationStatus(deps.database);
      const applied = status.filter((s) => s.state === "applied");
      return {
        current: status.every((s) => s.state === "applied"),
        schema_version: applied.length ? applied[applied.length - 1].version : null,
      };
    }

    ops.handle("getHealth", (c) => ok(c, { status: "ok" }));

    ops.handle("getReadiness", async (c) => {
      let state: Awaited<ReturnType<typeof schemaState>>;
      try {
        state = await schemaState();
      } catch (err) {
        c.get("logger").warn({ err: (err as Error).message }, "readiness: database unreachable");
        throw new AppError(
          "NOT_READY",
          "Database is unreachable.",
          { database: "unreachable" },
          {},
          { "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS) },
        );
      }
      if (!state.current) {
        throw new AppError("NOT_READY", "Database migrations are not current; run plystractl migrate up.", {
          schema_version: state.schema_version,
          expected_schema_version: expected,
        });
      }
      return ok(c, {
        status: "ready",
        schema_version: state.schema_version,
        expected_schema_version: expected,
        trace_version: deps.config.traceVersion,
        system_capabilities: {},
        plugins: {},
      });
    });

    ops.handle("getVersion", async (c) => {
      let schemaVersion: string | null = null;
      try {
        schemaVersion = (await schemaState()).schema_version;
      } catch {
        schemaVersion = null;
      }
      return ok(c, {
        version: deps.config.coreVersion,
        core_version: deps.config.coreVersion,
        api_version: API_VERSION,
        schema_version: schemaVersion,
        expected_schema_version: expected,
        trace_version: deps.config.traceVersion,
        plugin_api_version: "1.0",
        resource_registry_version: "1.0",
        build_time: process.env.PLYSTRA_BUILD_TIME ?? null,
        system_capabilities: {},
        plugins: {},
      });
    });
  },
};
