import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superAdminToken } from "../../../test/fixtures.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";

let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await createTestApp();
  token = await superAdminToken(t);
  await t.request("POST", "/api/v1/spaces", { token, body: { id: "space_big", name: "Big" } });
  // One INSERT of 1,000 members; ids are zero-padded so `id` order is predictable.
  await t.deps.db
    .insertInto("members")
    .values(
      Array.from({ length: 1000 }, (_, i) => ({
        id: `member_${String(i).padStart(4, "0")}`,
        space_id: "space_big",
        display_name: `Member ${i}`,
        metadata: "{}",
      })),
    )
    .execute();
});
afterAll(() => t.close());

const M = "/api/v1/spaces/space_big/members";

describe("keyset pagination", () => {
  it("pages of 50 return each of 1,000 rows exactly once; has_more is false at the end", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      const url: string = `${M}?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const res = await t.request("GET", url, { token });
      expect(res.status).toBe(200);
      pages += 1;
      seen.push(...res.body.data.map((m: { id: string }) => m.id));
      expect(res.body.pagination.limit).toBe(50);
      if (!res.body.pagination.has_more) {
        expect(res.body.pagination.cursor).toBeNull();
        break;
      }
      cursor = res.body.pagination.cursor;
      expect(cursor).toEqual(expect.any(String));
    }
    expect(pages).toBe(20);
    expect(seen).toHaveLength(1000);
    expect(new Set(seen).size).toBe(1000);
    expect(seen).toEqual([...seen].sort());
  });

  it("default limit is 50; limit outside 1..200 → 400 naming limit", async () => {
    const res = await t.request("GET", M, { token });
    expect(res.body.data).toHaveLength(50);
    expect(res.body.pagination.has_more).toBe(true);
    for (const bad of ["0", "201", "abc", "1.5"]) {
      const r = await t.request("GET", `${M}?limit=${bad}`, { token });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(/^limit/);
    }
    expect((await t.request("GET", `${M}?limit=200`, { token })).body.data).toHaveLength(200);
  });

  it("a cursor from another list, or garbage, → 400 naming cursor; unknown filters → 400", async () => {
    const members = await t.request("GET", `${M}?limit=1`, { token });
    const spaces = await t.request("GET", `/api/v1/spaces?cursor=${members.body.pagination.cursor}`, {
      token,
    });
    expect(spaces.status).toBe(400);
    expect(spaces.body.error.details.field).toBe("cursor");
    const roles = await t.request(
      "GET",
      `/api/v1/spaces/space_big/roles?cursor=${members.body.pagination.cursor}`,
      { token },
    );
    expect(roles.status).toBe(400);
    const garbage = await t.request("GET", `${M}?cursor=not-a-cursor`, { token });
    expect(garbage.status).toBe(400);
    const unknownFilter = await t.request("GET", `${M}?colour=red`, { token });
    expect(unknownFilter.status).toBe(400);
    const missingSpace = await t.request("GET", "/api/v1/spaces/space_nope/members", { token });
    expect(missingSpace.status).toBe(404);
    expect(missingSpace.body.error.code).toBe("SPACE_NOT_FOUND");
  });
});
