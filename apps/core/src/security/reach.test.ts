import { type Database, openDatabase } from "@plystra/db";
import { isGroupTreeCovered } from "@plystra/engine";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/harness.ts";
import { apiKeyPrincipal, sessionPrincipal } from "../../test/principals.ts";
import type { Principal, PrincipalGrant } from "./principal.ts";
import { canSee } from "./policy.ts";
import { groupReachPaths, inGroupTree, inGroupTrees, type ReachColumns, reachOf, reachSql } from "./reach.ts";

// The SQL predicates that filter lists and the pure checks that decide single items (and the
// engine's group_tree scope) must agree row for row, on both database engines we ship on.

/** [anchor, target, covered] — `covered` is asserted against the pure rule as well. */
const TREE: Array<[string, string, boolean]> = [
  ["finance", "finance", true],
  ["finance", "finance.apac", true],
  ["finance", "finance.apac.sg.ops", true],
  ["finance", "financeops", false],
  ["finance", "financeops.apac", false],
  ["finance", "finance-old", false],
  ["finance", "fin", false],
  ["finance", "Finance.apac", false],
  ["finance", "", false],
  ["", "finance", false],
  ["", "", false],
  // `_` is a LIKE wildcard: it must match only itself.
  ["fin_ance", "fin_ance", true],
  ["fin_ance", "fin_ance.apac", true],
  ["fin_ance", "finXance", false],
  ["fin_ance", "finXance.apac", false],
  // `%` likewise, and the escape character itself.
  ["%", "%", true],
  ["%", "%.apac", true],
  ["%", "finance", false],
  ["%", "finance.apac", false],
  ["fin%", "fin%.apac", true],
  ["fin%", "finance.apac", false],
  ["a\\b", "a\\b.c", true],
  ["a\\b", "ab.c", false],
  ["a\\%", "a\\x.c", false],
  // Deep paths and dot boundaries.
  ["a.b.c.d", "a.b.c.d.e.f.g", true],
  ["a.b", "a.b.c.d", true],
  ["a.b.c", "a.b", false],
  ["a.b", "a.bc.d", false],
  ["a.b", "a.b.", true],
  // Characters outside the BMP (two UTF-16 units, one PostgreSQL character).
  ["𝔣in", "𝔣in.x", true],
  ["𝔣in", "𝔣inx", false],
  ["é", "é.x", true],
];

const session = (...grants: Partial<PrincipalGrant>[]) =>
  sessionPrincipal(
    ...grants.map((g) => ({ level: "group_admin" as const, permissionKey: "groups:read", ...g })),
  );
const apiKey = (p: Partial<Extract<Principal, { kind: "api_key" }>>) =>
  apiKeyPrincipal({ level: "group", permissionKeys: ["groups:read"], ...p });

/** Rows living at an optional Space and Group (id = `<space>/<path>`). */
const ROWS: Array<{ id: string; space_id: string | null; group_id: string | null; path: string | null }> = [
  { id: "instance", space_id: null, group_id: null, path: null },
  { id: "a", space_id: "space_a", group_id: null, path: null },
  { id: "b", space_id: "space_b", group_id: null, path: null },
  ...[
    ["space_a", "finance"],
    ["space_a", "finance.apac"],
    ["space_a", "finance.apac.sg"],
    ["space_a", "financeops"],
    ["space_a", "fin_ance"],
    ["space_a", "fin_ance.x"],
    ["space_a", "finXance"],
    ["space_a", "%"],
    ["space_a", "%.x"],
    ["space_a", "ops"],
    ["space_b", "finance"],
    ["space_b", "finance.apac"],
  ].map(([space, path]) => ({ id: `${space}/${path}`, space_id: space, group_id: `${space}/${path}`, path })),
];
const at = (space: string, path: string) => ({
  spaceId: space,
  groupId: `${space}/${path}`,
  groupPath: path,
});

const PRINCIPALS: Array<[string, Principal | undefined]> = [
  ["nobody", undefined],
  ["no grants", session()],
  ["instance admin", session({ level: "instance_admin" })],
  ["instance admin of another key", session({ level: "instance_admin", permissionKey: "users:read" })],
  ["space admin of space_b", session({ level: "space_admin", spaceId: "space_b" })],
  ["group admin of space_a finance", session(at("space_a", "finance"))],
  ["group admin of fin_ance", session(at("space_a", "fin_ance"))],
  ["group admin of %", session(at("space_a", "%"))],
  [
    "group admin with a domain wildcard",
    session({ ...at("space_a", "financeops"), permissionKey: "groups:*" }),
  ],
  ["group admin of another key", session({ ...at("space_a", "finance"), permissionKey: "users:read" })],
  ["mixed grants", session(at("space_a", "finance.apac"), { level: "space_admin", spaceId: "space_b" })],
  ["group API key of space_b finance.apac", apiKey(at("space_b", "finance.apac"))],
  ["group API key without the key", apiKey({ ...at("space_a", "finance"), permissionKeys: ["users:read"] })],
  ["space API key of space_a", apiKey({ level: "space", spaceId: "space_a" })],
  ["instance API key", apiKey({ level: "instance" })],
];

interface Engine {
  name: string;
  database: Database;
  close(): Promise<void>;
}

const engines: Engine[] = [];

beforeAll(async () => {
  // PGlite always; PostgreSQL too when the run has one (CI does).
  const pglite = await openDatabase({});
  engines.push({ name: "PGlite", database: pglite, close: () => pglite.close() });
  if (inject("dbKind") === "postgres") {
    const pg: TestDatabase = await createTestDatabase();
    engines.push({ name: "PostgreSQL", database: pg.database, close: () => pg.drop() });
  }
  for (const { database } of engines) {
    await sql`CREATE TEMP TABLE reach_probe (id text PRIMARY KEY, space_id text, group_id text, path text)`.execute(
      database.db,
    );
  }
});
afterAll(async () => {
  for (const e of engines) await e.close();
});

const probe = (e: Engine) =>
  e.database.db.withTables<{
    reach_probe: { id: string; space_id: string | null; group_id: string | null; path: string | null };
  }>();

async function fill(e: Engine, rows: typeof ROWS) {
  await probe(e).deleteFrom("reach_probe").execute();
  await probe(e).insertInto("reach_probe").values(rows).execute();
}

describe("group_tree: the SQL predicate and the pure rule agree", () => {
  it.each(TREE)("pure: %j covers %j → %s", (anchor, target, covered) => {
    expect(isGroupTreeCovered(anchor, target)).toBe(covered);
  });

  it("on every engine, for every anchor and target of the table", async () => {
    const targets = [...new Set(TREE.map(([, t]) => t))];
    const anchors = [...new Set(TREE.map(([a]) => a))];
    const rows = targets.map((path, i) => ({ id: String(i), space_id: "s", group_id: null, path }));
    for (const e of engines) {
      await fill(e, rows);
      for (const anchor of anchors) {
        const got = await probe(e)
          .selectFrom("reach_probe")
          .select("path")
          .where(inGroupTree("path", anchor))
          .execute();
        const want = targets.filter((t) => isGroupTreeCovered(anchor, t));
        expect({ engine: e.name, anchor, paths: got.map((r) => r.path).sort() }).toEqual({
          engine: e.name,
          anchor,
          paths: want.sort(),
        });
      }
      // Several anchors at once, and none.
      const many = await probe(e)
        .selectFrom("reach_probe")
        .select("path")
        .where(inGroupTrees("path", ["fin_ance", "%", ""]))
        .execute();
      expect(many.map((r) => r.path).sort()).toEqual(
        targets.filter((t) => isGroupTreeCovered("fin_ance", t) || isGroupTreeCovered("%", t)).sort(),
      );
      const none = await probe(e)
        .selectFrom("reach_probe")
        .select("id")
        .where(inGroupTrees("path", []))
        .execute();
      expect(none).toEqual([]);
    }
  });
});

describe("credential reach: the list filter (reachSql) and the item check (canSee) agree", () => {
  const columnSets: Array<[string, ReachColumns]> = [
    ["space, group and path", { space: "space_id", group: "group_id", path: "path" }],
    ["space and path", { space: "space_id", path: "path" }],
  ];

  it("on every engine, for every principal and row", async () => {
    for (const e of engines) {
      await fill(e, ROWS);
      for (const [who, principal] of PRINCIPALS) {
        const want = ROWS.filter((r) => canSee(principal, "groups:read", r.space_id, r.group_id, r.path))
          .map((r) => r.id)
          .sort();
        for (const [cols, columns] of columnSets) {
          const got = await probe(e)
            .selectFrom("reach_probe")
            .select("id")
            .where(reachSql(reachOf(principal, "groups:read"), columns))
            .execute();
          expect({ engine: e.name, who, cols, ids: got.map((r) => r.id).sort() }).toEqual({
            engine: e.name,
            who,
            cols,
            ids: want,
          });
        }
      }
    }
  });

  it("sees a Group reach only through a path or group column; audit rows (Space only) need Space reach", async () => {
    const e = engines[0];
    await fill(e, ROWS);
    const ids = async (p: Principal) =>
      (
        await probe(e)
          .selectFrom("reach_probe")
          .select("id")
          .where(reachSql(reachOf(p, "groups:read"), { space: "space_id" }))
          .execute()
      ).map((r) => r.id);
    expect(await ids(session(at("space_a", "finance")))).toEqual([]);
    expect((await ids(session({ level: "space_admin", spaceId: "space_b" }))).sort()).toEqual(
      ROWS.filter((r) => r.space_id === "space_b")
        .map((r) => r.id)
        .sort(),
    );
  });
});

describe("groupReachPaths", () => {
  it("lists the anchors a group-level credential holds in one Space", () => {
    const p = session(at("space_a", "finance"), at("space_a", "fin_ance"), at("space_b", "ops"), {
      ...at("space_a", "x"),
      permissionKey: "users:read",
    });
    expect(groupReachPaths(p, "groups:read", "space_a")).toEqual(["finance", "fin_ance"]);
    expect(groupReachPaths(p, "groups:read", "space_b")).toEqual(["ops"]);
    expect(groupReachPaths(p, "groups:read", null)).toEqual([]);
    expect(groupReachPaths(apiKey(at("space_b", "finance.apac")), "groups:read", "space_b")).toEqual([
      "finance.apac",
    ]);
    expect(
      groupReachPaths(session({ level: "space_admin", spaceId: "space_a" }), "groups:read", "space_a"),
    ).toEqual([]);
  });
});
