// Benchmark dataset generator. Writes straight to PostgreSQL with set-based SQL (INSERT … SELECT
// over generate_series), so a medium dataset loads in seconds, then writes a request corpus whose
// expected decisions come from a small model of the check rules (validated against the server by
// run.ts before any load is applied).
//
// Standalone: tsx bench/dataset.ts --url postgres://… [--scale small|medium] [--corpus file.jsonl]
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { migrateUp, openDatabase } from "@plystra/db";
import pg from "pg";
import { hmacHex, newApiKeyPlaintext } from "../src/security/tokens.ts";

export interface ScaleSpec {
  spaces: number;
  groupsPerSpace: number;
  membersPerSpace: number;
  resourcesPerSpace: number;
  rolesPerMember: number;
  corpusSize: number;
}

export const SCALES: Record<"small" | "medium" | "large", ScaleSpec> = {
  small: {
    spaces: 1,
    groupsPerSpace: 50,
    membersPerSpace: 500,
    resourcesPerSpace: 5_000,
    rolesPerMember: 5,
    corpusSize: 5_000,
  },
  medium: {
    spaces: 10,
    groupsPerSpace: 100,
    membersPerSpace: 1_000,
    resourcesPerSpace: 10_000,
    rolesPerMember: 5,
    corpusSize: 20_000,
  },
  /** Ten times medium: as many Spaces of the same shape (cost growth with data, not per Space). */
  large: {
    spaces: 100,
    groupsPerSpace: 100,
    membersPerSpace: 1_000,
    resourcesPerSpace: 10_000,
    rolesPerMember: 5,
    corpusSize: 20_000,
  },
};
export type ScaleName = keyof typeof SCALES;

export const RESOURCE_TYPE = "document";
const ACTIONS = ["read", "update", "approve", "delete", "export"] as const;
type Scope = "space" | "self" | "group" | "group_tree";

/**
 * Role catalogue, instantiated once per Space. `anchored` roles get a scope anchor group (chosen
 * among groups at depth >= 2, so group_tree grants cover small, deep subtrees).
 */
const ROLES: Array<{ key: string; anchored: boolean; perms: Array<[string, Scope]> }> = [
  { key: "viewer", anchored: false, perms: [["read", "space"]] },
  {
    key: "team_editor",
    anchored: true,
    perms: [
      ["update", "group"],
      ["read", "group_tree"],
    ],
  },
  { key: "tree_editor", anchored: true, perms: [["update", "group_tree"]] },
  { key: "approver", anchored: true, perms: [["approve", "group_tree"]] },
  {
    key: "owner",
    anchored: false,
    perms: [
      ["read", "self"],
      ["update", "self"],
      ["delete", "self"],
    ],
  },
  { key: "exporter", anchored: true, perms: [["export", "group_tree"]] },
  {
    key: "team_lead",
    anchored: true,
    perms: [
      ["approve", "group"],
      ["delete", "group"],
    ],
  },
  {
    key: "archivist",
    anchored: true,
    perms: [
      ["delete", "group_tree"],
      ["export", "space"],
    ],
  },
];

/** Deterministic inactive actors (about 1% each), so actor-state denies are part of the mix. */
const MEMBER_DISABLED_SQL = "(m % 97 = 13)";
const BINDING_REVOKED_SQL = "(m % 89 = 7)";

export interface CorpusLine {
  actor: { user_id: string; member_id: string; user_member_id: string; space_id: string };
  resource_id: string;
  action: string;
  expect: "allow" | "deny";
  /** How the line was sampled (grant-targeted, random, own resource, inactive actor, cross-space). */
  kind: string;
}

export interface DatasetInfo {
  scale: ScaleName;
  spec: ScaleSpec;
  apiKey: string;
  apiKeyId: string;
  rows: Record<string, number>;
  dbSizeBytes: number;
  loadSeconds: number;
  corpusPath: string;
  corpus: { lines: number; allow: number; deny: number; byKind: Record<string, number> };
}

const TABLES = [
  "spaces",
  "groups",
  "users",
  "members",
  "user_members",
  "roles",
  "permissions",
  "role_permissions",
  "member_roles",
  "resource_types",
  "resource_actions",
  "resource_mappings",
  "resources",
  "api_keys",
  "audit_logs",
];

function sqlList(values: string[]): string {
  return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", ");
}

/** The data-building statements, in order; `$S` etc. are trusted integers from the scale spec. */
function statements(spec: ScaleSpec): Array<[string, string]> {
  const { spaces: S, groupsPerSpace: G, membersPerSpace: M, resourcesPerSpace: R, rolesPerMember: K } = spec;
  if (K > ROLES.length) throw new Error(`rolesPerMember must be <= ${ROLES.length}`);
  const permRows = [...new Set(ROLES.flatMap((r) => r.perms.map(([a, s]) => `${a}:${s}`)))].map((k) => {
    const [a, s] = k.split(":");
    return `('perm_${RESOURCE_TYPE}_${a}_${s}', '${RESOURCE_TYPE}', '${a}', '${s}')`;
  });
  const roleRows = ROLES.map((r, i) => `(${i}, '${r.key}', ${r.anchored})`);
  const rolePermRows = ROLES.flatMap((r, i) =>
    r.perms.map(([a, s]) => `(${i}, 'perm_${RESOURCE_TYPE}_${a}_${s}')`),
  );
  return [
    ["seed", "SELECT setseed(0.42)"],
    [
      "spaces",
      `INSERT INTO spaces (id, name, slug, type)
       SELECT 'space_b' || s, 'Bench Space ' || s, 'bench-' || s, 'customer' FROM generate_series(1, ${S}) s`,
    ],
    // A ternary tree per Space: node i's children are 3i+1..3i+3, so 100 groups span 5 levels.
    [
      "groups",
      `WITH RECURSIVE t(i, parent, depth, path) AS (
         SELECT 0, NULL::int, 0, 'g0'
         UNION ALL
         SELECT c, t.i, t.depth + 1, t.path || '.g' || c
         FROM t CROSS JOIN LATERAL generate_series(3 * t.i + 1, 3 * t.i + 3) c
         WHERE c < ${G}
       )
       INSERT INTO groups (id, space_id, parent_group_id, name, display_name, path, depth, sort_order)
       SELECT 'grp_b' || s || '_' || t.i, 'space_b' || s,
              CASE WHEN t.parent IS NULL THEN NULL ELSE 'grp_b' || s || '_' || t.parent END,
              'g' || t.i, 'Group ' || t.i, t.path, t.depth, t.i
       FROM generate_series(1, ${S}) s CROSS JOIN t ORDER BY s, t.depth, t.i`,
    ],
    [
      "users",
      `INSERT INTO users (id, email, status)
       SELECT 'usr_b' || s || '_' || m, 'u' || s || '_' || m || '@bench.test', 'active'
       FROM generate_series(1, ${S}) s, generate_series(0, ${M - 1}) m`,
    ],
    [
      "members",
      `INSERT INTO members (id, space_id, display_name, member_type, status)
       SELECT 'mem_b' || s || '_' || m, 'space_b' || s, 'Member ' || s || '/' || m, 'human',
              CASE WHEN ${MEMBER_DISABLED_SQL} THEN 'disabled' ELSE 'active' END
       FROM generate_series(1, ${S}) s, generate_series(0, ${M - 1}) m`,
    ],
    [
      "user_members",
      `INSERT INTO user_members (id, user_id, member_id, space_id, relation_type, status, is_primary, revoked_at, revoked_reason)
       SELECT 'um_b' || s || '_' || m, 'usr_b' || s || '_' || m, 'mem_b' || s || '_' || m, 'space_b' || s, 'login',
              CASE WHEN ${BINDING_REVOKED_SQL} THEN 'revoked' ELSE 'active' END, true,
              CASE WHEN ${BINDING_REVOKED_SQL} THEN now() END,
              CASE WHEN ${BINDING_REVOKED_SQL} THEN 'bench' END
       FROM generate_series(1, ${S}) s, generate_series(0, ${M - 1}) m`,
    ],
    [
      "registry",
      `INSERT INTO resource_types (id, key, display_name, description, source)
         VALUES ('rt_${RESOURCE_TYPE}', '${RESOURCE_TYPE}', 'Document', 'Benchmark resource type', 'core');
       INSERT INTO resource_actions (id, resource_type_id, key, display_name, risk_level)
         SELECT 'ra_${RESOURCE_TYPE}_' || a, 'rt_${RESOURCE_TYPE}', a, initcap(a),
                CASE WHEN a IN ('approve', 'delete') THEN 'high' ELSE 'low' END
         FROM unnest(ARRAY[${sqlList([...ACTIONS])}]) a;
       INSERT INTO resource_mappings (id, resource_type_id, display_name)
         VALUES ('rm_${RESOURCE_TYPE}', 'rt_${RESOURCE_TYPE}', 'Documents')`,
    ],
    ["permissions", `INSERT INTO permissions (id, resource, action, scope) VALUES ${permRows.join(", ")}`],
    [
      "roles",
      `INSERT INTO roles (id, space_id, key, name)
       SELECT 'role_b' || s || '_' || r.key, 'space_b' || s, r.key, initcap(replace(r.key, '_', ' '))
       FROM generate_series(1, ${S}) s, (VALUES ${roleRows.join(", ")}) AS r(idx, key, anchored)`,
    ],
    [
      "role_permissions",
      `INSERT INTO role_permissions (id, role_id, permission_id, space_id)
       SELECT 'rp_b' || s || '_' || rp.idx || '_' || rp.perm, 'role_b' || s || '_' || r.key, rp.perm, 'space_b' || s
       FROM generate_series(1, ${S}) s,
            (VALUES ${rolePermRows.join(", ")}) AS rp(idx, perm),
            (VALUES ${roleRows.join(", ")}) AS r(idx, key, anchored)
       WHERE r.idx = rp.idx`,
    ],
    // Member m holds roles (m + k) mod 8 for k < K: distinct roles per member, every role used.
    [
      "member_roles",
      `INSERT INTO member_roles (id, member_id, role_id, space_id, scope_anchor_group_id)
       SELECT 'mr_b' || s || '_' || m || '_' || k, 'mem_b' || s || '_' || m, 'role_b' || s || '_' || r.key, 'space_b' || s,
              CASE WHEN r.anchored THEN 'grp_b' || s || '_' || (4 + floor(random() * ${G - 4})::int) END
       FROM generate_series(1, ${S}) s, generate_series(0, ${M - 1}) m, generate_series(0, ${K - 1}) k,
            (VALUES ${roleRows.join(", ")}) AS r(idx, key, anchored)
       WHERE r.idx = (m + k) % ${ROLES.length}`,
    ],
    [
      "resources",
      `INSERT INTO resources (id, resource_type, external_id, display_name, space_id, group_id, owner_member_id, visibility)
       SELECT 'doc_b' || s || '_' || n, '${RESOURCE_TYPE}', 'DOC-' || s || '-' || n, 'Document ' || n, 'space_b' || s,
              'grp_b' || s || '_' || floor(random() * ${G})::int,
              'mem_b' || s || '_' || floor(random() * ${M})::int,
              CASE WHEN n % 5 = 0 THEN 'internal' ELSE 'private' END
       FROM generate_series(1, ${S}) s, generate_series(0, ${R - 1}) n`,
    ],
  ];
}

/** mulberry32: a tiny seeded PRNG so the corpus is reproducible for a given scale. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ModelMember {
  id: string;
  space: string;
  user: string;
  binding: string;
  live: boolean;
  grants: Array<{ action: string; scope: Scope; anchor: string | null }>;
}
interface ModelResource {
  id: string;
  space: string;
  group: string;
  owner: string;
}

/**
 * Builds the corpus from the stored rows. Expected decisions follow the check rules for this data:
 * an inactive member or revoked binding denies; a resource in another Space denies; otherwise any
 * grant for the action whose scope covers the resource (space, self = owner, group = same group,
 * group_tree = anchor path equal or a dotted prefix) allows.
 */
async function buildCorpus(client: pg.Client, spec: ScaleSpec): Promise<CorpusLine[]> {
  const groups = new Map<string, { path: string; space: string }>();
  for (const g of (await client.query("SELECT id, space_id, path FROM groups")).rows)
    groups.set(g.id, { path: g.path, space: g.space_id });
  const members = new Map<string, ModelMember>();
  for (const r of (
    await client.query(
      `SELECT m.id, m.space_id, um.id AS um_id, um.user_id, (m.status = 'active' AND um.status = 'active') AS live
       FROM members m JOIN user_members um ON um.member_id = m.id ORDER BY m.id`,
    )
  ).rows)
    members.set(r.id, {
      id: r.id,
      space: r.space_id,
      user: r.user_id,
      binding: r.um_id,
      live: r.live,
      grants: [],
    });
  for (const r of (
    await client.query(
      `SELECT mr.member_id, p.action, p.scope, mr.scope_anchor_group_id AS anchor
       FROM member_roles mr JOIN role_permissions rp ON rp.role_id = mr.role_id
       JOIN permissions p ON p.id = rp.permission_id`,
    )
  ).rows)
    members.get(r.member_id)?.grants.push({ action: r.action, scope: r.scope, anchor: r.anchor });
  const resources: ModelResource[] = (
    await client.query(
      "SELECT id, space_id AS space, group_id AS group, owner_member_id AS owner FROM resources ORDER BY id",
    )
  ).rows;
  const byGroup = new Map<string, ModelResource[]>();
  const byOwner = new Map<string, ModelResource[]>();
  const bySpace = new Map<string, ModelResource[]>();
  for (const r of resources) {
    (byGroup.get(r.group) ?? byGroup.set(r.group, []).get(r.group)!).push(r);
    (byOwner.get(r.owner) ?? byOwner.set(r.owner, []).get(r.owner)!).push(r);
    (bySpace.get(r.space) ?? bySpace.set(r.space, []).get(r.space)!).push(r);
  }
  const subtree = new Map<string, string[]>();
  for (const [id, g] of groups) {
    subtree.set(
      id,
      [...groups]
        .filter(([, o]) => o.space === g.space && (o.path === g.path || o.path.startsWith(`${g.path}.`)))
        .map(([oid]) => oid),
    );
  }

  const expect = (m: ModelMember, r: ModelResource, action: string): boolean => {
    if (!m.live || r.space !== m.space) return false;
    const target = groups.get(r.group)!.path;
    return m.grants.some((g) => {
      if (g.action !== action) return false;
      if (g.scope === "space") return true;
      if (g.scope === "self") return r.owner === m.id;
      if (!g.anchor) return false;
      if (g.scope === "group") return r.group === g.anchor;
      const anchor = groups.get(g.anchor)!.path;
      return target === anchor || target.startsWith(`${anchor}.`);
    });
  };

  const rnd = prng(0x5eed + spec.spaces);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const all = [...members.values()];
  const live = all.filter((m) => m.live);
  const dead = all.filter((m) => !m.live);
  const spaces = [...bySpace.keys()];
  const wantAllow = Math.round(spec.corpusSize * 0.7);
  const wantDeny = spec.corpusSize - wantAllow;
  const allow: CorpusLine[] = [];
  const deny: CorpusLine[] = [];
  let guard = 0;
  while ((allow.length < wantAllow || deny.length < wantDeny) && guard++ < spec.corpusSize * 200) {
    const u = rnd();
    let m: ModelMember;
    let r: ModelResource | undefined;
    let action: string;
    let kind: string;
    if (u < 0.5) {
      // Grant-targeted: a resource inside one of the member's anchored grants (the common case).
      kind = "grant_targeted";
      m = pick(live);
      const anchored = m.grants.filter((g) => g.anchor);
      if (!anchored.length) continue;
      const g = pick(anchored);
      action = rnd() < 0.8 ? g.action : pick(ACTIONS);
      const inGroups = g.scope === "group" ? [g.anchor!] : subtree.get(g.anchor!)!;
      const candidates = byGroup.get(pick(inGroups));
      if (!candidates?.length) continue;
      r = pick(candidates);
    } else if (u < 0.62) {
      kind = "own_resource";
      m = pick(live);
      const own = byOwner.get(m.id);
      if (!own?.length) continue;
      r = pick(own);
      action = pick(ACTIONS);
    } else if (u < 0.96) {
      kind = "random";
      m = pick(live);
      r = pick(bySpace.get(m.space)!);
      action = pick(ACTIONS);
    } else if (u < 0.985 || spaces.length < 2) {
      kind = "inactive_actor";
      if (!dead.length) continue;
      m = pick(dead);
      r = pick(bySpace.get(m.space)!);
      action = "read";
    } else {
      kind = "cross_space";
      m = pick(live);
      const other = pick(spaces.filter((s) => s !== m.space));
      r = pick(bySpace.get(other)!);
      action = "read";
    }
    const ok = expect(m, r, action);
    const bucket = ok ? allow : deny;
    if (bucket.length >= (ok ? wantAllow : wantDeny)) continue;
    bucket.push({
      actor: { user_id: m.user, member_id: m.id, user_member_id: m.binding, space_id: m.space },
      resource_id: r.id,
      action,
      expect: ok ? "allow" : "deny",
      kind,
    });
  }
  const lines = [...allow, ...deny];
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  return lines;
}

/** The request body for one corpus line (API-key caller: the actor is mandatory). */
export function checkBody(line: CorpusLine): string {
  return JSON.stringify({
    actor: line.actor,
    resource_type: RESOURCE_TYPE,
    resource_id: line.resource_id,
    action: line.action,
  });
}

/**
 * Migrates a fresh database, loads the dataset, inserts one instance API key with `authz:check`
 * (HMAC under `apiKeySecret`, exactly as Core verifies it) and writes the corpus as JSON lines.
 */
export async function generateDataset(options: {
  url: string;
  scale: ScaleName;
  apiKeySecret: string;
  corpusPath: string;
  log?: (msg: string) => void;
}): Promise<DatasetInfo> {
  const log = options.log ?? ((m: string) => console.log(m));
  const spec = SCALES[options.scale];
  const started = performance.now();
  const database = await openDatabase({ url: options.url, poolMax: 1, applicationName: "plystra-bench" });
  try {
    await migrateUp(database);
  } finally {
    await database.close();
  }
  const client = new pg.Client({ connectionString: options.url, application_name: "plystra-bench" });
  await client.connect();
  try {
    const existing = await client.query("SELECT count(*)::int AS n FROM spaces");
    if (existing.rows[0].n > 0) throw new Error("the benchmark database is not empty; use a fresh database");
    await client.query("BEGIN");
    for (const [name, text] of statements(spec)) {
      const t = performance.now();
      await client.query(text);
      if (name !== "seed") log(`  ${name.padEnd(17)} ${((performance.now() - t) / 1000).toFixed(2)} s`);
    }
    const apiKeyId = "ak_bench";
    const { plaintext, prefix } = newApiKeyPlaintext(apiKeyId);
    await client.query(
      `INSERT INTO api_keys (id, name, key_prefix, key_hash, level, permission_keys, metadata)
       VALUES ($1, 'benchmark load driver', $2, $3, 'instance', $4, '{}')`,
      [apiKeyId, prefix, hmacHex(options.apiKeySecret, plaintext), JSON.stringify(["authz:check"])],
    );
    await client.query("COMMIT");
    await client.query("ANALYZE");
    const loadSeconds = (performance.now() - started) / 1000;

    const corpus = await buildCorpus(client, spec);
    mkdirSync(dirname(options.corpusPath), { recursive: true });
    writeFileSync(options.corpusPath, `${corpus.map((l) => JSON.stringify(l)).join("\n")}\n`);
    const byKind: Record<string, number> = {};
    for (const l of corpus) byKind[`${l.kind}:${l.expect}`] = (byKind[`${l.kind}:${l.expect}`] ?? 0) + 1;

    const rows: Record<string, number> = {};
    for (const t of TABLES) rows[t] = (await client.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
    const size = await client.query("SELECT pg_database_size(current_database())::bigint AS b");
    return {
      scale: options.scale,
      spec,
      apiKey: plaintext,
      apiKeyId,
      rows,
      dbSizeBytes: Number(size.rows[0].b),
      loadSeconds,
      corpusPath: options.corpusPath,
      corpus: {
        lines: corpus.length,
        allow: corpus.filter((l) => l.expect === "allow").length,
        deny: corpus.filter((l) => l.expect === "deny").length,
        byKind,
      },
    };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}

export function describeDataset(info: DatasetInfo): string {
  const lines = [
    `dataset ${info.scale}: loaded in ${info.loadSeconds.toFixed(1)} s, database size ${(info.dbSizeBytes / 1048576).toFixed(1)} MiB`,
    ...Object.entries(info.rows).map(
      ([t, n]) => `  ${t.padEnd(18)} ${n.toLocaleString("en-US").padStart(9)}`,
    ),
    `corpus: ${info.corpus.lines} requests, ${info.corpus.allow} expected allow (${((100 * info.corpus.allow) / info.corpus.lines).toFixed(0)}%), ${info.corpus.deny} expected deny`,
    `  by kind: ${Object.entries(info.corpus.byKind)
      .sort()
      .map(([k, n]) => `${k}=${n}`)
      .join(", ")}`,
  ];
  return lines.join("\n");
}

async function main() {
  const args = process.argv.slice(2);
  const get = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const url = get("url") ?? process.env.DATABASE_URL;
  if (!url) throw new Error("pass --url postgres://… (or set DATABASE_URL) pointing at a fresh database");
  const scale = (get("scale") ?? "medium") as ScaleName;
  if (!(scale in SCALES)) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(", ")}`);
  const secret = process.env.PLYSTRA_API_KEY_SECRET ?? randomBytes(24).toString("hex");
  const here = dirname(fileURLToPath(import.meta.url));
  const corpusPath = resolve(
    get("corpus") ?? resolve(here, "../../../bench-results", `corpus-${scale}.jsonl`),
  );
  const info = await generateDataset({ url, scale, apiKeySecret: secret, corpusPath });
  console.log(describeDataset(info));
  console.log(`corpus written to ${corpusPath}`);
  console.log(`API key (valid under PLYSTRA_API_KEY_SECRET=${secret}): ${info.apiKey}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
