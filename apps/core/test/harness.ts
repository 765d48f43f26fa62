import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { type Database, openDatabase } from "@plystra/db";
import type { Hono } from "hono";
import pg from "pg";
import pino from "pino";
import { inject } from "vitest";
import { createApp } from "../src/app.ts";
import { createDeps } from "../src/startup.ts";
import { type Config, loadConfig } from "../src/config.ts";
import type { Deps } from "../src/deps.ts";
import type { AppEnv } from "../src/http/types.ts";
import { checkResponseAgainstSpec } from "./spec-validator.ts";

export interface TestDatabase {
  database: Database;
  /** Connection URL for PostgreSQL clones (lets a test open a second "process" on the same DB). */
  url: string | null;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated, isolated database for one test file (clone of the run's template). On PGlite,
 * `dataDir` puts the clone on disk, so another handle (a CLI command) can open it by directory.
 */
export async function createTestDatabase(options: { dataDir?: string } = {}): Promise<TestDatabase> {
  if (inject("dbKind") === "postgres") {
    const adminUrl = inject("pgAdminUrl");
    const template = inject("pgTemplate");
    const name = `${template.replace("tpl", "t")}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ url: url.toString(), poolMax: 5 });
    return {
      database,
      url: url.toString(),
      async drop() {
        await database.close();
        const a = new pg.Client({ connectionString: adminUrl });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
        await a.end();
      },
    };
  }
  const dump = readFileSync(inject("pgliteDump"));
  const database = await openDatabase({ dataDir: options.dataDir, loadDataDir: new Blob([dump]) });
  return { database, url: null, drop: () => database.close() };
}

export interface TestResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Raw body text (sent as-is, for malformed-JSON tests). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Bearer token (session access token or ply_ak_ key). */
  token?: string;
  apiKey?: string;
  /** Skip validating the response against the OpenAPI spec. */
  skipSpec?: boolean;
}

export interface TestApp {
  app: Hono<AppEnv>;
  deps: Deps;
  config: Config;
  db: TestDatabase;
  /** Moves the injected clock. */
  clock: { now: Date; advance(ms: number): void; set(d: Date): void };
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<TestResponse<T>>;
  close(): Promise<void>;
}

export const TEST_ENV: Record<string, string> = {
  LOG_LEVEL: "silent",
  PLYSTRA_SESSION_SECRET: "test-session-secret-0123456789abcdef0123456789",
  PLYSTRA_API_KEY_SECRET: "test-api-key-secret-0123456789abcdef0123456789",
  // Real Argon2id at the OWASP floor keeps password tests fast.
  PLYSTRA_PASSWORD_HASH_MEMORY_KIB: "19456",
  PLYSTRA_PASSWORD_HASH_ITERATIONS: "2",
};

/**
 * Builds the real app on an isolated database. `env` overrides configuration.
 *
 * @example
 * const t = await createTestApp();
 * const res = await t.request("GET", "/api/v1/health");
 */
export async function createTestApp(
  options: { env?: Record<string, string>; database?: TestDatabase; runStartupHooks?: boolean } = {},
): Promise<TestApp> {
  const db = options.database ?? (await createTestDatabase());
  const config = loadConfig({ ...TEST_ENV, ...options.env });
  const clock = {
    now: new Date(),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
    set(d: Date) {
      this.now = d;
    },
  };
  // Keep real elapsed time flowing on top of manual advances.
  const realStart = Date.now();
  const deps = await createDeps(config, db.database, {
    logger: pino({ level: "silent" }),
    now: () => new Date(clock.now.getTime() + (Date.now() - realStart)),
    runStartupHooks: options.runStartupHooks ?? false,
  });
  const app = createApp(deps);
  // Tests that call `t.app.request` directly (raw bodies, HEAD, proxy headers) are checked against
  // the spec too; `request` below uses the unwrapped function and checks its own parsed body.
  const send = app.request.bind(app);
  app.request = (async (...args: Parameters<typeof send>) => {
    const res = await send(...args);
    const [input, init] = args;
    const url =
      typeof input === "string"
        ? new URL(input, "http://core.test")
        : new URL(input instanceof Request ? input.url : input);
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    const text = await res.clone().text();
    const isJson = (res.headers.get("content-type") ?? "").includes("application/json");
    checkResponseAgainstSpec(method, url.pathname, {
      status: res.status,
      body: isJson && text ? JSON.parse(text) : text,
      headers: res.headers,
    });
    return res;
  }) as typeof app.request;
  return {
    app,
    deps,
    config,
    db,
    clock,
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      if (opts.apiKey) headers["x-plystra-api-key"] = opts.apiKey;
      let body: string | undefined;
      if (opts.rawBody !== undefined) body = opts.rawBody;
      else if (opts.body !== undefined) body = JSON.stringify(opts.body);
      if (body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
      const res = await send(path, { method, headers, body });
      const text = await res.text();
      let parsed: any = text;
      if ((res.headers.get("content-type") ?? "").includes("application/json")) parsed = JSON.parse(text);
      const out = { status: res.status, body: parsed, headers: res.headers, text };
      if (!opts.skipSpec) checkResponseAgainstSpec(method, path, out);
      return out;
    },
    async close() {
      for (const close of deps.closers) await close();
      if (!options.database) await db.drop();
    },
  };
}
