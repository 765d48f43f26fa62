import type { Deps } from "../../deps.ts";
import type { ContextQuery, DecisionVersions, LoadedContext } from "./authz.repository.ts";

/**
 * Per-process cache of decision contexts, safe across processes because it never has the last
 * word. A check decided from it records the decision versions (migration 007) its data was read
 * at; the audit flush that inserts the check's row confirms, in the same statement, that every one
 * of those versions is still current, and inserts nothing for a row whose data moved: that check is
 * decided again from the database before anyone is answered (authz.service.ts). Every write that
 * can change a decision bumps its scope's version in its own transaction (database triggers), so a
 * revoke committed anywhere — any process, plystractl, SQL — makes the next check that used the old
 * data fail its confirmation. Time-dependent facts (binding and key expiry) are not cached
 * decisions: the engine and the key cache judge them against the clock at decision time.
 *
 * The context is cached in parts, so parts are shared between checks (one actor checks many
 * resources): the actor (user, member, binding, Space), the registry entry of (type, action), the
 * target (stored resource, its Group, its scope) and the member's candidate grants for (type,
 * action), plus the liveness of an API key. Each part keeps the versions of the whole statement it
 * came from (a superset of what it depends on: over-invalidation is safe). Parts from different
 * statements combine only when they agree on every scope they share; the confirmation then checks
 * the union. Only complete contexts are cached: anything not found (unknown user, resource, …) is
 * always read from the database, because an absent row has no Space whose version would move when
 * it appears.
 *
 * Each part is an LRU bounded at `maxEntries` (AUTHZ_CONTEXT_CACHE_ENTRIES; 0 disables the cache).
 */
export class DecisionContextCache {
  // Keyed by single ids taken from the request as they are, not by strings joined per lookup (a
  // joined key is built, flattened and hashed on every lookup: ~0.5 µs each). A part keyed by one
  // id carries the query's other ids and is a miss unless they are equal; the registry and a
  // member's grants are two-level maps (by type, then action).
  /** By binding id; the user, member and Space ids must match too. */
  private readonly actors: Lru<ActorPart>;
  /** By resource type, then action. */
  private readonly registry: Lru<Map<string, Part<LoadedContext["registry"]>>>;
  /** By resource id; the type must match too. */
  private readonly targets: Lru<TargetPart>;
  /** By member id, then `type SEP action`. */
  private readonly grants: Lru<Map<string, Part<LoadedContext["candidates"]>>>;
  /** By API key id. */
  private readonly liveKeys: Lru<Part<true>>;
  /**
   * The newest version seen per scope, from every load (including the re-load after a failed
   * confirmation). A part recorded
   * at an older version is known stale and is not used, so one write costs each process one
   * re-decision per scope, not one per cached part.
   */
  private readonly newest = new Map<string, number>();
  /**
   * Bumped whenever `newest` moves. A part found current at this generation stays current until the
   * next bump, so a hit re-checks its parts' versions only after some version moved (with no writes,
   * never): the per-scope walk was ~4% of Core's time per check.
   */
  private generation = 0;

  constructor(readonly maxEntries: number) {
    this.actors = new Lru(maxEntries);
    this.registry = new Lru(maxEntries);
    this.targets = new Lru(maxEntries);
    this.grants = new Lru(maxEntries);
    this.liveKeys = new Lru(maxEntries);
  }

  /** Whether a query of this shape may be answered from the cache at all. */
  static cacheable(q: ContextQuery): boolean {
    return (
      q.loadTarget &&
      q.loadCandidates &&
      q.groupIds.length === 0 &&
      !!q.userId &&
      !!q.memberId &&
      !!q.userMemberId &&
      !!q.spaceId &&
      !!q.resourceId
    );
  }

  /**
   * The cached context for `q` with the versions to confirm, or null (a part missing, parts that
   * disagree, or a part older than a version seen since). `apiKeyLive` is true only when the key's
   * liveness is cached too, at versions that agree.
   */
  get(q: ContextQuery): CachedContext | null {
    if (this.maxEntries === 0 || !DecisionContextCache.cacheable(q)) return null;
    const actor = this.actors.get(q.userMemberId as string);
    if (!actor || actor.userId !== q.userId || actor.memberId !== q.memberId || actor.spaceId !== q.spaceId)
      return null;
    const registry = this.registry.get(q.resourceType)?.get(q.action);
    if (!registry) return null;
    const target = this.targets.get(q.resourceId as string);
    if (!target || target.resourceType !== q.resourceType) return null;
    const grants = this.grants.get(q.memberId as string)?.get(grantsKey(q));
    if (!grants) return null;
    const key = q.liveApiKeyId ? this.liveKeys.get(q.liveApiKeyId) : null;
    if (q.liveApiKeyId && !key) return null;
    // The same parts combined before, with no version moved since: the same answer.
    const memo = target.combined;
    if (
      memo &&
      memo.generation === this.generation &&
      memo.actor === actor &&
      memo.registry === registry &&
      memo.grants === grants &&
      memo.key === key
    )
      return memo.result;
    const result = this.combine(actor, registry, target, grants, key);
    if (result) target.combined = { generation: this.generation, actor, registry, grants, key, result };
    return result;
  }

  /**
   * One context from its parts, or null when a part is known stale or two parts disagree on a
   * scope. Most hits combine parts read by different statements, whose versions must be merged;
   * with versions as records keyed by scope that cost ~4 µs per hit (see DecisionVersions), hence
   * sorted arrays, and the memo on the target that skips it for a repeated combination.
   */
  private combine(
    actor: ActorPart,
    registry: Part<LoadedContext["registry"]>,
    target: TargetPart,
    grants: Part<LoadedContext["candidates"]>,
    key: Part<true> | null | undefined,
  ): CachedContext | null {
    // Parts filled by the same statement share one versions object: merge each distinct one once.
    if (!this.isCurrent(actor)) return null;
    let versions = actor.versions;
    let last = versions;
    for (const part of [registry, target, grants, key]) {
      if (!part || part.versions === actor.versions || part.versions === last) continue;
      if (!this.isCurrent(part)) return null;
      const merged = mergeVersions(versions, part.versions);
      if (!merged) return null;
      versions = merged;
      last = part.versions;
    }
    return {
      loaded: {
        actor: actor.value,
        registry: registry.value,
        target: target.value.target,
        scopeResource: target.value.scopeResource,
        candidates: grants.value,
        groups: NO_GROUPS,
        apiKeyLive: key ? true : null,
        versions,
      },
      versions,
    };
  }

  /** `current(part.versions)`, remembered on the part until the next version moves. */
  private isCurrent(part: Part<unknown>): boolean {
    if (part.checked === this.generation) return true;
    if (!this.current(part.versions)) return false;
    part.checked = this.generation;
    return true;
  }

  /** No scope of `versions` is older than a version seen since (else the part is known stale). */
  private current(versions: DecisionVersions): boolean {
    if (this.newest.size === 0) return true;
    const { scopes, versions: v } = versions;
    for (let i = 0; i < scopes.length; i++) if ((this.newest.get(scopes[i]) ?? 0) > v[i]) return false;
    return true;
  }

  /** Stores the parts of a context freshly read with versions (`withVersions`), when complete. */
  put(q: ContextQuery, loaded: LoadedContext): void {
    const versions = loaded.versions;
    if (this.maxEntries === 0 || !versions || !DecisionContextCache.cacheable(q)) return;
    this.observe(versions);
    const { actor, registry, target, scopeResource } = loaded;
    // Complete only: every part found, the resource's Group (if it has one) found too.
    if (!actor.user || !actor.member || !actor.user_member || !actor.space) return;
    if (!registry.resource_type || !registry.action || !registry.mapping) return;
    if (!target.resource || !scopeResource) return;
    if (target.resource.group_id && !target.group) return;
    if (q.liveApiKeyId && loaded.apiKeyLive !== true) return;
    const { userId, memberId, userMemberId, spaceId, resourceType, resourceId } = q as CacheableQuery;
    this.actors.set(userMemberId, { value: actor, versions, userId, memberId, spaceId });
    this.inner(this.registry, resourceType).set(q.action, { value: registry, versions });
    this.targets.set(resourceId, { value: { target, scopeResource }, versions, resourceType });
    this.inner(this.grants, memberId).set(grantsKey(q), { value: loaded.candidates, versions });
    if (q.liveApiKeyId) this.liveKeys.set(q.liveApiKeyId, { value: true, versions });
  }

  /** The second-level map of `outer` under `key`, created (and counted by the LRU) when absent. */
  private inner<T>(outer: Lru<Map<string, T>>, key: string): Map<string, T> {
    let map = outer.get(key);
    if (!map) {
      map = new Map();
      outer.set(key, map);
    }
    return map;
  }

  /** Records versions known to be current (every load, through put). */
  observe(versions: DecisionVersions): void {
    const { scopes, versions: v } = versions;
    for (let i = 0; i < scopes.length; i++) {
      if ((this.newest.get(scopes[i]) ?? 0) < v[i]) {
        this.newest.set(scopes[i], v[i]);
        this.generation++;
      }
    }
    // Bounded like the parts: forgetting a scope only means one more failed confirmation.
    if (this.newest.size > this.maxEntries * 4) this.newest.clear();
  }

  /** Drops everything (tests). */
  clear(): void {
    for (const lru of [this.actors, this.registry, this.targets, this.grants, this.liveKeys]) lru.clear();
    this.newest.clear();
    this.generation++;
  }
}

interface Part<T> {
  value: T;
  versions: DecisionVersions;
  /** The cache generation at which these versions were last found current (see isCurrent). */
  checked?: number;
}

/** The query ids an actor part was read for, besides its key (the binding id). */
interface ActorPart extends Part<LoadedContext["actor"]> {
  userId: string;
  memberId: string;
  spaceId: string;
}

/** The resource type a target part was read for, besides its key (the resource id). */
interface TargetPart extends Part<Pick<LoadedContext, "target" | "scopeResource">> {
  resourceType: string;
  /** The last context combined with this target: valid while its parts and the generation are. */
  combined?: {
    generation: number;
    actor: ActorPart;
    registry: Part<LoadedContext["registry"]>;
    grants: Part<LoadedContext["candidates"]>;
    key: Part<true> | null | undefined;
    result: CachedContext;
  };
}

/** What a hit hands to the check: the context and the versions to confirm (never mutated). */
export interface CachedContext {
  loaded: LoadedContext;
  versions: DecisionVersions;
}

/** A query that passed cacheable(): every id below is a non-empty string. */
type CacheableQuery = ContextQuery & {
  userId: string;
  memberId: string;
  userMemberId: string;
  spaceId: string;
  resourceId: string;
};

const SEP = "\u0000";
/** Cached contexts never carry inline group ids (cacheable()); one shared empty map, never written. */
const NO_GROUPS: LoadedContext["groups"] = new Map();
/** A member's grants for one (type, action): short, and built once per lookup. */
const grantsKey = (q: ContextQuery) => `${q.resourceType}${SEP}${q.action}`;

/** The union of two version sets, or null when they disagree on a scope both have. */
function mergeVersions(a: DecisionVersions, b: DecisionVersions): DecisionVersions | null {
  const scopes: string[] = [];
  const versions: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.scopes.length || j < b.scopes.length) {
    if (j === b.scopes.length || (i < a.scopes.length && a.scopes[i] < b.scopes[j])) {
      scopes.push(a.scopes[i]);
      versions.push(a.versions[i++]);
    } else if (i === a.scopes.length || b.scopes[j] < a.scopes[i]) {
      scopes.push(b.scopes[j]);
      versions.push(b.versions[j++]);
    } else {
      if (a.versions[i] !== b.versions[j]) return null;
      scopes.push(a.scopes[i]);
      versions.push(a.versions[i++]);
      j++;
    }
  }
  return { scopes, versions };
}

/**
 * A bounded map with second-chance (CLOCK) eviction, close to LRU without reordering on every hit:
 * a hit only sets a flag; when full, the oldest entry goes unless it was used since it last came
 * round, in which case it moves to the back with its flag cleared.
 */
class Lru<V> {
  private readonly map = new Map<string, { value: V; used: boolean }>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    hit.used = true;
    return hit.value;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, { value, used: false });
    while (this.map.size > this.max) {
      const [oldest, entry] = this.map.entries().next().value as [string, { value: V; used: boolean }];
      this.map.delete(oldest);
      if (entry.used) {
        entry.used = false;
        this.map.set(oldest, entry);
      }
    }
  }
  clear(): void {
    this.map.clear();
  }
}

const caches = new WeakMap<Deps, DecisionContextCache>();

/** The app's decision-context cache (one per process and app instance), created on first use. */
export function getDecisionCache(deps: Deps): DecisionContextCache {
  let cache = caches.get(deps);
  if (!cache) {
    cache = new DecisionContextCache(deps.config.authzContextCacheEntries);
    caches.set(deps, cache);
  }
  return cache;
}
