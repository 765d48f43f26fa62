// Unit rules of the decision-context cache that the end-to-end tests (authz-decision-cache.test.ts)
// cannot pin precisely: completeness, version agreement between parts, known-stale parts, bounds.
import { describe, expect, it } from "vitest";
import { type DecisionVersions, toDecisionVersions } from "../audit/audit.writer.ts";
import type { ContextQuery, LoadedContext } from "./authz.repository.ts";
import { DecisionContextCache } from "./decision-cache.ts";

const query = (over: Partial<ContextQuery> = {}): ContextQuery => ({
  userId: "u1",
  memberId: "m1",
  userMemberId: "um1",
  spaceId: "s1",
  resourceType: "doc",
  resourceId: "d1",
  action: "read",
  loadTarget: true,
  loadCandidates: true,
  groupIds: [],
  liveApiKeyId: null,
  ...over,
});

function loaded(versions: Record<string, number>, over: Partial<LoadedContext> = {}): LoadedContext {
  return {
    actor: {
      user: { id: "u1" },
      member: { id: "m1" },
      user_member: { id: "um1" },
      space: { id: "s1" },
    } as unknown as LoadedContext["actor"],
    registry: { resource_type: { id: "rt" }, action: { id: "ra" }, mapping: { id: "rm" } } as never,
    target: { resource: { id: "d1", group_id: null } as never, group: null },
    candidates: null,
    scopeResource: { space_id: "s1", group_id: null, group_path: null },
    groups: new Map(),
    apiKeyLive: null,
    versions: toDecisionVersions(versions),
    ...over,
  };
}

/** A version set as a `{ scope: version }` record, to compare. */
const rec = (v: DecisionVersions | undefined) =>
  v && Object.fromEntries(v.scopes.map((scope, i) => [scope, v.versions[i]]));

describe("DecisionContextCache", () => {
  it("serves a complete context with the versions it was read at", () => {
    const c = new DecisionContextCache(10);
    c.put(query(), loaded({ "*": 1, s1: 4 }));
    expect(rec(c.get(query())?.versions)).toEqual({ "*": 1, s1: 4 });
  });

  it("never caches an incomplete context (something not found)", () => {
    const c = new DecisionContextCache(10);
    c.put(query(), loaded({ "*": 1 }, { target: { resource: null, group: null } }));
    expect(c.get(query())).toBeNull();
    c.put(query(), loaded({ "*": 1 }, { scopeResource: null }));
    expect(c.get(query())).toBeNull();
  });

  it("needs the key's liveness cached when the check must confirm it", () => {
    const c = new DecisionContextCache(10);
    c.put(query(), loaded({ "*": 1 }));
    expect(c.get(query({ liveApiKeyId: "k1" }))).toBeNull();
    c.put(query({ liveApiKeyId: "k1" }), loaded({ "*": 1, "k:k1": 2 }, { apiKeyLive: true }));
    const hit = c.get(query({ liveApiKeyId: "k1" }));
    expect(hit?.loaded.apiKeyLive).toBe(true);
    expect(rec(hit?.versions)).toMatchObject({ "k:k1": 2 });
  });

  it("combines parts of different reads only when they agree, and confirms the union", () => {
    const c = new DecisionContextCache(10);
    c.put(query(), loaded({ "*": 1, s1: 4 }));
    // Another resource of another Space, read later at the same versions of the shared scopes.
    c.put(query({ resourceId: "d2" }), loaded({ "*": 1, s1: 4, s2: 7 }));
    expect(rec(c.get(query({ resourceId: "d2" }))?.versions)).toEqual({ "*": 1, s1: 4, s2: 7 });
    // A part read at another version of s1 than the actor part: never combined.
    const c2 = new DecisionContextCache(10);
    c2.put(query(), loaded({ "*": 1, s1: 4 }));
    c2.put(query({ userId: "u2", userMemberId: "um2", resourceId: "d3" }), loaded({ "*": 1, s1: 5 }));
    expect(c2.get(query({ resourceId: "d3" }))).toBeNull();
  });

  it("merges interleaved scopes of two reads into one ascending set", () => {
    const c = new DecisionContextCache(10);
    c.put(query(), loaded({ "*": 1, b: 2, d: 4 }));
    c.put(query({ resourceId: "d2" }), loaded({ "*": 1, a: 1, c: 3, d: 4 }));
    const v = c.get(query())?.versions;
    expect(v?.scopes).toEqual(["*", "a", "b", "c", "d"]);
    expect(v?.versions).toEqual([1, 1, 2, 3, 4]);
  });

  it("does not use a part older than a version seen since", () => {
    const c = new DecisionContextCache(10);
    c.put(query(), loaded({ "*": 1, s1: 4 }));
    c.observe(toDecisionVersions({ s1: 5 }));
    expect(c.get(query())).toBeNull();
  });

  it("a part found current before a version moved is checked again after it (the remembered check)", () => {
    const c = new DecisionContextCache(10);
    c.put(query(), loaded({ "*": 1, s1: 4 }));
    // The hit remembers its parts as current at this generation…
    expect(c.get(query())).not.toBeNull();
    // …a version of an unrelated scope moves: checked again, still current.
    c.observe(toDecisionVersions({ s9: 3 }));
    expect(c.get(query())).not.toBeNull();
    // One of its own scopes moves: stale, although it was found current before.
    c.observe(toDecisionVersions({ s1: 5 }));
    expect(c.get(query())).toBeNull();
    // A fresh read at the new versions is served again.
    c.put(query(), loaded({ "*": 1, s1: 5 }));
    expect(rec(c.get(query())?.versions)).toEqual({ "*": 1, s1: 5 });
  });

  it("answers a repeated combination from its memo until a part is replaced or a version moves", () => {
    const c = new DecisionContextCache(10);
    c.put(query(), loaded({ "*": 1, s1: 4 }));
    const first = c.get(query());
    expect(c.get(query())).toBe(first);
    // A newer read of another resource replaces the actor part: combined again, with its scopes.
    c.put(query({ resourceId: "d2" }), loaded({ "*": 1, s1: 4, s2: 7 }));
    const second = c.get(query());
    expect(second).not.toBe(first);
    expect(rec(second?.versions)).toEqual({ "*": 1, s1: 4, s2: 7 });
    expect(c.get(query())).toBe(second);
    // A version of one of its scopes moves: the memo is not served.
    c.observe(toDecisionVersions({ s2: 8 }));
    expect(c.get(query())).toBeNull();
  });

  it("serves a part keyed by one id only for the other ids it was read with", () => {
    const c = new DecisionContextCache(10);
    c.put(query(), loaded({ "*": 1, s1: 4 }));
    // The actor part is keyed by the binding: another user, member or Space on it is a miss.
    expect(c.get(query({ userId: "u9" }))).toBeNull();
    expect(c.get(query({ memberId: "m9" }))).toBeNull();
    expect(c.get(query({ spaceId: "s9" }))).toBeNull();
    // The target part is keyed by the resource id: read as another type, it no longer serves `doc`.
    c.put(query({ resourceType: "doc2" }), loaded({ "*": 1, s1: 4 }));
    expect(c.get(query({ resourceType: "doc2" }))).not.toBeNull();
    expect(c.get(query())).toBeNull();
  });

  it("is bounded, and 0 entries means off", () => {
    const c = new DecisionContextCache(2);
    for (const id of ["d1", "d2", "d3"]) c.put(query({ resourceId: id }), loaded({ "*": 1 }));
    const hits = ["d1", "d2", "d3"].filter((id) => c.get(query({ resourceId: id })) !== null);
    expect(hits).toEqual(["d2", "d3"]);
    const off = new DecisionContextCache(0);
    off.put(query(), loaded({ "*": 1 }));
    expect(off.get(query())).toBeNull();
  });

  it("only stored-mode checks with every actor id are cacheable", () => {
    expect(DecisionContextCache.cacheable(query())).toBe(true);
    expect(DecisionContextCache.cacheable(query({ loadTarget: false }))).toBe(false);
    expect(DecisionContextCache.cacheable(query({ groupIds: ["g1"] }))).toBe(false);
    expect(DecisionContextCache.cacheable(query({ userMemberId: null }))).toBe(false);
  });
});
