// Routes, permissions and handlers come from the spec: startup refuses a server that does not
// implement exactly the spec's operations, and each kind of `x-plystra-permission` scope is enforced.
import { OPERATIONS, type OperationId } from "@plystra/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminToken, superAdminToken } from "../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { createApp } from "../app.ts";
import { ensureSpace, insertGroup } from "../../test/accounts.ts";
import type { Feature } from "../features/feature.ts";
import { FEATURES } from "../features/index.ts";
import { REQUEST_SCHEMAS } from "../features/request-schemas.ts";
import { Hono } from "hono";
import { z } from "zod";
import { parseBody } from "./body.ts";
import { errorHandler } from "./error-handler.ts";
import { mountOperations } from "./operations.ts";
import type { AppEnv } from "./types.ts";

let t: TestApp;
let root: string;
beforeAll(async () => {
  t = await createTestApp();
  root = await superAdminToken(t);
  await ensureSpace(t, "space_a");
  await ensureSpace(t, "space_b");
  await insertGroup(t, "grp_fin", "space_a", "finance");
  await insertGroup(t, "grp_ops", "space_a", "ops");
});
afterAll(() => t.close());

describe("startup checks the handlers against the spec", () => {
  it("fails naming every operation of a feature left out", () => {
    const withoutSpaces = FEATURES.filter((f) => f.name !== "spaces");
    const spaceOps = Object.keys(OPERATIONS)
      .filter((id) => /^(list|create|get|update|disable|restore)Spaces?$/.test(id))
      .sort();
    expect(spaceOps).toHaveLength(6);
    expect(() => createApp(t.deps, withoutSpaces)).toThrow(
      `The server does not implement openapi/plystra.yaml: operations without a handler: ${spaceOps.join(", ")}.`,
    );
  });

  it("fails naming a handler for an operationId the spec does not have, and one handled twice", () => {
    const stray: Feature = {
      name: "stray",
      install(ops) {
        ops.handle("getNoSuchThing" as OperationId, (c) => c.text("never served"));
        ops.handle("getHealth", (c) => c.text("second health"));
      },
    };
    expect(() => createApp(t.deps, [...FEATURES, stray])).toThrow(
      "The server does not implement openapi/plystra.yaml: handlers for unknown operationIds: " +
        "getNoSuchThing; operations handled twice: getHealth.",
    );
  });

  it("builds when every operation has exactly one handler", () => {
    expect(() => createApp(t.deps)).not.toThrow();
  });
});

describe("handlers parse with the validators the request-schemas table lists", () => {
  function appParsingWith(schema: z.ZodType) {
    const app = new Hono<AppEnv>();
    app.onError(errorHandler(t.deps.config));
    mountOperations(
      app,
      t.deps,
      (ops) => ops.handle("createSpace", async (c) => c.json(await parseBody(c, schema))),
      REQUEST_SCHEMAS,
      { createSpace: OPERATIONS.createSpace },
    );
    return app;
  }
  const post = (app: Hono<AppEnv>) =>
    app.request("/api/v1/spaces", {
      method: "POST",
      headers: { authorization: `Bearer ${root}`, "content-type": "application/json" },
      body: JSON.stringify({ id: "space_x", name: "X", slug: "x" }),
    });

  it("serves a handler that parses with the listed schema", async () => {
    expect((await post(appParsingWith(REQUEST_SCHEMAS.createSpace.body))).status).toBe(200);
  });

  it("refuses (500, a programming error) a handler that parses with any other schema", async () => {
    const res = await post(appParsingWith(z.object({ id: z.string() })));
    expect(res.status).toBe(500);
  });
});

describe("the spec's x-plystra-permission is enforced", () => {
  const forbidden = (res: { status: number; body: any }, permission: string) => {
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("ADMIN_PERMISSION_REQUIRED");
    expect(res.body.error.details.permission).toBe(permission);
  };

  it("public: no credential needed", async () => {
    expect(OPERATIONS.getHealth.permission).toEqual({ public: expect.any(String) });
    expect((await t.request("GET", "/api/v1/health")).status).toBe(200);
  });

  it("401 before the body is validated; HEAD passes the GET rule", async () => {
    const res = await t.request("POST", "/api/v1/spaces", { body: { name: 42, bogus: true } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("AUTHENTICATION_REQUIRED");
    expect((await t.app.request("/api/v1/spaces/space_a", { method: "HEAD" })).status).toBe(401);
    const head = await t.app.request("/api/v1/spaces/space_a", {
      method: "HEAD",
      headers: { authorization: `Bearer ${root}` },
    });
    expect(head.status).toBe(200);
  });

  it("scope.space.param: the Space in the path", async () => {
    expect(OPERATIONS.getSpace.permission).toEqual({
      key: "spaces:read",
      scope: { space: { param: "space_id" } },
    });
    const token = await adminToken(t, "user_space_reader", "space_admin", "spaces:read", {
      spaceId: "space_a",
    });
    expect((await t.request("GET", "/api/v1/spaces/space_a", { token })).status).toBe(200);
    forbidden(await t.request("GET", "/api/v1/spaces/space_b", { token }), "spaces:read");
  });

  it("scope.entity: the stored row's Group decides (a sibling group is out of reach)", async () => {
    expect(OPERATIONS.getGroupByID.permission).toEqual({
      key: "groups:read",
      scope: { entity: { kind: "group", param: "group_id" } },
    });
    const token = await adminToken(t, "user_fin_reader", "group_admin", "groups:read", {
      groupId: "grp_fin",
    });
    expect((await t.request("GET", "/api/v1/groups/grp_fin", { token })).status).toBe(200);
    forbidden(await t.request("GET", "/api/v1/groups/grp_ops", { token }), "groups:read");
  });

  it("scope.space.query: the optional space_id query narrows the requirement", async () => {
    expect(OPERATIONS.listDataTables.permission).toEqual({
      key: "data:read",
      scope: { space: { query: "space_id" } },
    });
    const token = await adminToken(t, "user_data_reader", "space_admin", "data:read", { spaceId: "space_a" });
    forbidden(await t.request("GET", "/api/v1/data/tables?space_id=space_b", { token }), "data:read");
    // The guard lets it through; the handler then answers that the preview is off.
    const own = await t.request("GET", "/api/v1/data/tables?space_id=space_a", { token });
    expect(own.status).toBe(404);
    expect(own.body.error.code).toBe("FEATURE_DISABLED");
  });

  it("scope.subtreeList: a Group admin lists its Space's groups, not its members", async () => {
    expect(OPERATIONS.listGroups.permission).toEqual({
      key: "groups:read",
      scope: { space: { param: "space_id" }, subtreeList: true },
    });
    expect(OPERATIONS.listMembers.permission).toEqual({
      key: "members:read",
      scope: { space: { param: "space_id" } },
    });
    const token = await adminToken(t, "user_fin_lister", "group_admin", "groups:read", {
      groupId: "grp_fin",
    });
    const groups = await t.request("GET", "/api/v1/spaces/space_a/groups", { token });
    expect(groups.status).toBe(200);
    expect(groups.body.data.map((g: { id: string }) => g.id)).toEqual(["grp_fin"]);
    const members = await adminToken(t, "user_fin_members", "group_admin", "members:read", {
      groupId: "grp_fin",
    });
    forbidden(await t.request("GET", "/api/v1/spaces/space_a/members", { token: members }), "members:read");
  });

  it("scope.reachList: without space_id any holder of the key lists its reach; others are refused", async () => {
    expect(OPERATIONS.listAuditLogs.permission).toEqual({
      key: "audit:read",
      scope: { space: { query: "space_id" }, reachList: true },
    });
    const reader = await adminToken(t, "user_audit_reader", "space_admin", "audit:read", {
      spaceId: "space_a",
    });
    expect((await t.request("GET", "/api/v1/audit/logs", { token: reader })).status).toBe(200);
    forbidden(await t.request("GET", "/api/v1/audit/logs?space_id=space_b", { token: reader }), "audit:read");
    const other = await adminToken(t, "user_not_auditor", "space_admin", "spaces:read", {
      spaceId: "space_a",
    });
    forbidden(await t.request("GET", "/api/v1/audit/logs", { token: other }), "audit:read");
  });

  it("an instance-level key (no scope) refuses a Space-level holder", async () => {
    expect(OPERATIONS.listUsers.permission).toEqual({ key: "users:read" });
    const token = await adminToken(t, "user_space_users", "space_admin", "users:read", {
      spaceId: "space_a",
    });
    forbidden(await t.request("GET", "/api/v1/users", { token }), "users:read");
  });
});

describe("nested lists take the Space from the path only", () => {
  it("a space_id query on a Space-scoped list is not read", async () => {
    for (const space of ["space_a", "space_b"]) {
      const res = await t.request("POST", `/api/v1/spaces/${space}/groups`, {
        token: root,
        body: { name: `nested_${space}` },
      });
      expect(res.status).toBe(201);
    }
    const res = await t.request("GET", "/api/v1/spaces/space_a/audit-logs?space_id=space_b", { token: root });
    expect(res.status).toBe(200);
    const spaces = new Set(res.body.data.map((row: { space_id: string }) => row.space_id));
    expect([...spaces]).toEqual(["space_a"]);
  });
});
