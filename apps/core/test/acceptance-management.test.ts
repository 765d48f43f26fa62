import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../src/features/demo/demo.seed.ts";
import { superAdminToken } from "./fixtures.ts";
import { createTestApp, type TestApp } from "./harness.ts";

// CR-1/CR-12/CR-13 across every Core CRUD entity at once: the feature tests cover each entity's
// workflow in depth; this sweep pins the shared rules so a new entity cannot drift from them.

const S = "/api/v1/spaces/space_acme";
// Text that would betray the store behind the API (driver errors, SQL, ORM names).
const INTERNALS =
  /duplicate key|violates|constraint|relation "|syntax error|kysely|pglite|SELECT |INSERT INTO|\bat .*\.ts:/i;

let t: TestApp;
let root: string;

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.deps.db);
  root = await superAdminToken(t);
});
afterAll(async () => {
  await t.close();
});

const post = (path: string, body: unknown) => t.request("POST", path, { token: root, body });

// Each create uses a fresh explicit id; dependencies come from the demo seed or earlier rows.
const CREATES: Array<[string, string, Record<string, unknown>, string]> = [
  ["user", "/api/v1/users", { id: "usr_cr13", email: "cr13@example.test" }, "/api/v1/users/usr_cr13"],
  ["space", "/api/v1/spaces", { id: "space_cr13", name: "CR13" }, "/api/v1/spaces/space_cr13"],
  ["group", `${S}/groups`, { id: "grp_cr13", name: "cr13" }, `${S}/groups/grp_cr13`],
  ["member", `${S}/members`, { id: "mem_cr13", display_name: "CR13" }, `${S}/members/mem_cr13`],
  [
    "user member",
    `${S}/user-members`,
    { id: "um_cr13", user_id: "usr_cr13", member_id: "mem_cr13" },
    `${S}/user-members/um_cr13`,
  ],
  ["role", `${S}/roles`, { id: "role_cr13", key: "cr13", name: "CR13" }, `${S}/roles/role_cr13`],
  [
    "permission",
    "/api/v1/permissions",
    { id: "perm_cr13", resource: "invoice", action: "archive_cr13", scope: "space" },
    "/api/v1/permissions/perm_cr13",
  ],
  [
    "member role",
    `${S}/member-roles`,
    { id: "mr_cr13", member_id: "mem_cr13", role_id: "role_cr13" },
    `${S}/member-roles/mr_cr13`,
  ],
  [
    "role permission",
    `${S}/role-permissions`,
    { id: "rp_cr13", role_id: "role_cr13", permission_id: "perm_cr13" },
    `${S}/role-permissions/rp_cr13`,
  ],
  [
    "resource",
    `${S}/resources`,
    { id: "res_cr13", resource_type: "invoice", external_id: "invoice_cr13" },
    `${S}/resources/res_cr13`,
  ],
];

describe("every Core entity (CR-1, CR-12, CR-13)", () => {
  it.each(CREATES)(
    "%s: create → 201, read → 200, re-create the id → 409 without internals",
    async (_n, path, body, detail) => {
      const created = await post(path, body);
      expect(created.status, created.text).toBe(201);
      expect(created.body.data.id).toBe(body.id);
      expect(typeof created.body.request_id).toBe("string");

      const read = await t.request("GET", detail, { token: root });
      expect(read.status).toBe(200);
      expect(read.body.data.id).toBe(body.id);

      const again = await post(path, body);
      expect(again.status, again.text).toBe(409);
      expect(again.body.error.request_id).toBe(again.body.request_id);
      expect(again.body.request_id).toBe(again.headers.get("x-request-id"));
      expect(again.text).not.toMatch(INTERNALS);
      // Where the store caught it, the field is named (user members hit the live-binding rule first).
      if (again.body.error.details && "field" in again.body.error.details) {
        expect(again.body.error.details.field).toBe("id");
      }
    },
  );

  it("unknown ids → 404 envelope; bad bodies → 400 naming the field; every body carries request_id", async () => {
    const misses = [
      "/api/v1/users/usr_nope",
      "/api/v1/spaces/space_nope",
      `${S}/groups/grp_nope`,
      `${S}/members/mem_nope`,
      `${S}/user-members/um_nope`,
      `${S}/roles/role_nope`,
      "/api/v1/permissions/perm_nope",
      `${S}/member-roles/mr_nope`,
      `${S}/role-permissions/rp_nope`,
      `${S}/resources/res_nope`,
    ];
    for (const path of misses) {
      const res = await t.request("GET", path, { token: root });
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toMatch(/NOT_FOUND$/);
      expect(res.body.request_id).toBe(res.headers.get("x-request-id"));
      expect(res.body.meta?.request_id).toBeUndefined();
      expect(res.text).not.toMatch(INTERNALS);
    }
    const bad = await post(`${S}/members`, { display_name: "x", colour: "red" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    expect(JSON.stringify(bad.body.error)).toContain("colour");
    // A reference to a missing row is a client error naming the field, never a leaked FK error.
    const fk = await post(`${S}/user-members`, { user_id: "usr_ghost", member_id: "mem_cr13" });
    expect(fk.status).toBeGreaterThanOrEqual(400);
    expect(fk.status).toBeLessThan(500);
    expect(fk.text).not.toMatch(INTERNALS);
  });
});
