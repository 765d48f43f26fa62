// Keyset pagination: a list result is a page and an async iterator over every page.
import { beforeAll, describe, expect, it } from "vitest";
import type { PlystraClient } from "../src/index";
import { aliceClient, recordingFetch, unique } from "./helpers";

describe("pagination", () => {
  let client: PlystraClient;
  let rec: ReturnType<typeof recordingFetch>;
  const created: string[] = [];

  beforeAll(async () => {
    rec = recordingFetch();
    client = await aliceClient({ fetchImpl: rec.impl });
    const tag = unique("page");
    for (let i = 0; i < 5; i++) {
      const u = await client.users.create({
        email: `${tag}_${i}@example.com`,
        password: "long enough passphrase",
      });
      created.push(u.id);
    }
  });

  it("awaiting a list gives the first page with truthful pagination", async () => {
    const page = await client.users.list({ limit: 2 });
    expect(page.data).toHaveLength(2);
    expect(page.pagination).toMatchObject({ limit: 2, has_more: true });
    expect(typeof page.pagination.cursor).toBe("string");
    expect(page.hasNextPage()).toBe(true);
    const second = await page.nextPage();
    expect(second.data.map((u) => u.id)).not.toContain(page.data[0].id);
  });

  it("for await walks every item across pages exactly once", async () => {
    const before = rec.count("/api/v1/users");
    const ids: string[] = [];
    for await (const u of client.users.list({ limit: 2 })) ids.push(u.id);
    const requests = rec.count("/api/v1/users") - before;

    expect(new Set(ids).size).toBe(ids.length);
    for (const id of created) expect(ids.filter((x) => x === id)).toHaveLength(1);
    expect(ids.length).toBeGreaterThanOrEqual(created.length + 2); // plus the demo users
    // has_more is truthful, so there is no trailing empty page.
    expect(requests).toBe(Math.ceil(ids.length / 2));
    const sent = rec.calls.filter((c) => c.path === "/api/v1/users" && c.method === "GET").slice(-requests);
    expect(sent[0].query.get("cursor")).toBeNull();
    expect(sent.slice(1).every((c) => typeof c.query.get("cursor") === "string")).toBe(true);
    expect(sent.every((c) => c.query.get("limit") === "2")).toBe(true);
  });

  it("pages() yields pages and all() collects the same items as iteration", async () => {
    const pages = [];
    for await (const p of client.users.list({ limit: 3 }).pages()) pages.push(p);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.at(-1)?.pagination.has_more).toBe(false);
    const flat = pages.flatMap((p) => p.data.map((u) => u.id));
    const all = (await client.users.list({ limit: 3 }).all()).map((u) => u.id);
    expect(all).toEqual(flat);
  });

  it("a list is lazy: nothing is sent until it is awaited or iterated", async () => {
    const before = rec.calls.length;
    const pending = client.users.list({ limit: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect(rec.calls.length).toBe(before);
    await pending;
    expect(rec.calls.length).toBe(before + 1);
  });
});
