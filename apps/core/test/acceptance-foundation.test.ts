import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import type { Deps } from "../src/deps.ts";
import { seedDemo } from "../src/features/demo/demo.seed.ts";
import type { AppEnv } from "../src/http/types.ts";
import { createLogger } from "../src/lib/logger.ts";
import { insertApiKey, superAdminToken } from "./fixtures.ts";
import { createTestApp, type TestApp } from "./harness.ts";

// Foundation acceptance: the request log contract (LG-1), request-id correlation across response,
// log and audit row (AU-7, RQ-2), the error envelope for transport mistakes (RQ-1) and the safe 500
// (RQ-3). The app under test logs through the production logger into a captured stream.

type Line = Record<string, unknown>;

let t: TestApp;
let root: string;
let lines: Line[];
let app: Hono<AppEnv>;

/** The Node adapter's socket binding, so remote_ip is the peer address as in production. */
const socket = (ip: string) => ({
  incoming: { socket: { remoteAddress: ip, remotePort: 40000, remoteFamily: "IPv4" } },
});

async function send(
  target: Hono<AppEnv>,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
) {
  const res = await target.request(
    path,
    { method, headers: init.headers, body: init.body },
    socket("203.0.113.7"),
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text) };
}

function capturingLogger() {
  const out: Line[] = [];
  const logger = createLogger(
    { logFormat: "json", logLevel: "info" },
    { write: (s: string) => void out.push(JSON.parse(s)) },
  );
  return { out, logger };
}

const requestLines = (rid: string) => lines.filter((l) => l.msg === "request" && l.request_id === rid);

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.deps.db);
  root = await superAdminToken(t);
  const cap = capturingLogger();
  lines = cap.out;
  app = createApp({ ...t.deps, logger: cap.logger });
});
afterAll(async () => {
  await t.close();
});

describe("request log (LG-1)", () => {
  it("one JSON line per request with every contract field; error_code only when there is one", async () => {
    const ok = await send(app, "GET", "/api/v1/users?limit=1", {
      headers: {
        authorization: `Bearer ${root}`,
        "user-agent": "acceptance/1.0",
        "x-request-id": "req_lg1_ok",
      },
    });
    expect(ok.status).toBe(200);
    const [line] = requestLines("req_lg1_ok");
    expect(requestLines("req_lg1_ok")).toHaveLength(1);
    expect(line).toMatchObject({
      level: "info",
      request_id: "req_lg1_ok",
      method: "GET",
      path: "/api/v1/users",
      status: 200,
      remote_ip: "203.0.113.7",
      user_agent: "acceptance/1.0",
    });
    expect(new Date(String(line.timestamp)).toISOString()).toBe(line.timestamp);
    expect(typeof line.latency_ms).toBe("number");
    expect(line.latency_ms as number).toBeGreaterThanOrEqual(0);
    expect(line).not.toHaveProperty("error_code");

    const denied = await send(app, "GET", "/api/v1/users", { headers: { "x-request-id": "req_lg1_err" } });
    expect(denied.status).toBe(401);
    const [err] = requestLines("req_lg1_err");
    expect(err).toMatchObject({ status: 401, error_code: "AUTHENTICATION_REQUIRED", level: "info" });
  });
});

describe("request id and envelopes (RQ-1, RQ-2, AU-7)", () => {
  it("AU-7 a client X-Request-ID is echoed and lands in the log line and the audit row", async () => {
    const key = await insertApiKey(t, { level: "instance", permissionKeys: ["authz:check"] });
    const res = await send(app, "POST", "/api/v1/authz/check", {
      headers: {
        "x-plystra-api-key": key,
        "content-type": "application/json",
        "x-request-id": "req_au7_corr",
      },
      body: JSON.stringify({
        actor: {
          user_id: "user_alice",
          member_id: "member_finance_reviewer",
          user_member_id: "um_alice_finance_reviewer",
          space_id: "space_acme",
        },
        resource_type: "invoice",
        resource_id: "invoice_001",
        action: "approve",
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("req_au7_corr");
    expect(res.body.request_id).toBe("req_au7_corr");
    const auditId = res.body.data.audit_log_id as string;
    const [line] = requestLines("req_au7_corr");
    expect(line).toMatchObject({ audit_log_id: auditId, status: 200 });
    const row = await t.deps.db
      .selectFrom("audit_logs")
      .select("request_id")
      .where("id", "=", auditId)
      .executeTakeFirstOrThrow();
    expect(row.request_id).toBe("req_au7_corr");
  });

  it("without a client id one is generated, echoed in header and body, and logged", async () => {
    const res = await send(app, "GET", "/api/v1/health");
    const rid = res.headers.get("x-request-id");
    expect(rid).toMatch(/^req_/);
    expect(res.body.request_id).toBe(rid);
    expect(requestLines(rid!)).toHaveLength(1);
  });

  it.each([
    ["malformed JSON", "POST", "/api/v1/users", '{"email": ', 400, "VALIDATION_FAILED"],
    ["unknown route", "GET", "/api/v1/no-such-thing", undefined, 404, "NOT_FOUND"],
    ["wrong method", "DELETE", "/api/v1/health", undefined, 405, "METHOD_NOT_ALLOWED"],
  ])("%s → the documented envelope with request_id", async (_name, method, path, body, status, code) => {
    const rid = `req_env_${status}`;
    const res = await send(app, method, path, {
      headers: { authorization: `Bearer ${root}`, "content-type": "application/json", "x-request-id": rid },
      body,
    });
    expect(res.status).toBe(status);
    expect(Object.keys(res.body).sort()).toEqual(["error", "request_id"]);
    expect(res.body.request_id).toBe(rid);
    expect(Object.keys(res.body.error).sort()).toEqual(["code", "details", "message", "request_id"]);
    expect(res.body.error).toMatchObject({ code, message: expect.any(String), request_id: rid });
    expect(res.body.meta).toBeUndefined();
    expect(res.headers.get("x-request-id")).toBe(rid);
    expect(requestLines(rid)[0]).toMatchObject({ status, error_code: code });
  });
});

describe("unexpected exceptions (RQ-3)", () => {
  it("answer a safe 500 envelope with the request id, and the error log carries the same id", async () => {
    const boom = new Error("connection to db-primary.internal:5432 lost; password=hunter2");
    // Every query path of the app throws something the handlers never expected.
    const broken = new Proxy(
      {},
      {
        get: () => () => {
          throw boom;
        },
      },
    ) as unknown as Deps["db"];
    const cap = capturingLogger();
    const failing = createApp({ ...t.deps, db: broken, logger: cap.logger });
    const res = await send(failing, "POST", "/api/v1/auth/login", {
      headers: { "content-type": "application/json", "x-request-id": "req_rq3" },
      body: JSON.stringify({ email: "someone@example.test", password: "whatever-password" }),
    });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: { code: "INTERNAL_ERROR", message: expect.any(String), details: null, request_id: "req_rq3" },
      request_id: "req_rq3",
    });
    expect(res.text).not.toMatch(/hunter2|db-primary|stack|\.ts:\d+|at /);
    const errorLine = cap.out.find((l) => l.msg === "unhandled error");
    expect(errorLine).toMatchObject({ level: "error", request_id: "req_rq3" });
    expect(JSON.stringify(errorLine)).toContain("db-primary");
    expect(cap.out.find((l) => l.msg === "request")).toMatchObject({
      level: "error",
      status: 500,
      error_code: "INTERNAL_ERROR",
      request_id: "req_rq3",
    });
  });
});
