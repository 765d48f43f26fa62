import type pg from "pg";
import type { PrincipalGrant } from "../src/security/principal.ts";
import { newId } from "../src/lib/ids.ts";
import { hmacHex, newApiKeyPlaintext, newOpaqueToken } from "../src/security/tokens.ts";
import { seedDemo } from "../src/features/demo/demo.seed.ts";
import { createTestApp, type TestApp } from "./harness.ts";

/**
 * Direct-to-database fixtures so feature tests can get credentials without going through login.
 * Rows are real; tokens are real HMAC-hashed opaque tokens the server validates as usual.
 */

export async function insertUser(t: TestApp, id: string, email = `${id}@example.test`, status = "active") {
  await t.deps.db.insertInto("users").values({ id, email, status, metadata: "{}" }).execute();
  return id;
}

export async function insertGrant(
  t: TestApp,
  userId: string,
  level: PrincipalGrant["level"],
  permissionKey: string,
  scope: { spaceId?: string; groupId?: string } = {},
) {
  const id = newId("ag");
  let spaceId = scope.spaceId ?? null;
  if (scope.groupId && !spaceId) {
    const g = await t.deps.db
      .selectFrom("groups")
      .select("space_id")
      .where("id", "=", scope.groupId)
      .executeTakeFirstOrThrow();
    spaceId = g.space_id;
  }
  await t.deps.db
    .insertInto("admin_grants")
    .values({
      id,
      user_id: userId,
      level,
      permission_key: permissionKey,
      space_id: spaceId,
      group_id: scope.groupId ?? null,
      metadata: "{}",
    })
    .execute();
  return id;
}

/** A live session for a user; returns its bearer access token. */
export async function insertSession(t: TestApp, userId: string): Promise<string> {
  const access = newOpaqueToken("ply_at_");
  const refresh = newOpaqueToken("ply_rt_");
  const now = t.deps.now();
  await t.deps.db
    .insertInto("sessions")
    .values({
      id: newId("sess"),
      user_id: userId,
      access_token_hash: hmacHex(t.config.sessionSecret, access),
      refresh_token_hash: hmacHex(t.config.sessionSecret, refresh),
      expires_at: new Date(now.getTime() + 15 * 60_000),
      refresh_expires_at: new Date(now.getTime() + 30 * 86_400_000),
    })
    .execute();
  return access;
}

/** A user with an instance_super_admin grant and a session: returns the bearer token. */
export async function superAdminToken(t: TestApp, userId = "user_root"): Promise<string> {
  const exists = await t.deps.db.selectFrom("users").select("id").where("id", "=", userId).executeTakeFirst();
  if (!exists) await insertUser(t, userId);
  await insertGrant(t, userId, "instance_super_admin", "*");
  return insertSession(t, userId);
}

/** A user with one scoped grant and a session. */
export async function adminToken(
  t: TestApp,
  userId: string,
  level: PrincipalGrant["level"],
  permissionKey: string,
  scope: { spaceId?: string; groupId?: string } = {},
): Promise<string> {
  const exists = await t.deps.db.selectFrom("users").select("id").where("id", "=", userId).executeTakeFirst();
  if (!exists) await insertUser(t, userId);
  await insertGrant(t, userId, level, permissionKey, scope);
  return insertSession(t, userId);
}

/** An API key row; returns the plaintext `ply_ak_<id>.<secret>`. */
export async function insertApiKey(
  t: TestApp,
  options: {
    level: "instance" | "space" | "group";
    permissionKeys: string[];
    spaceId?: string;
    groupId?: string;
    expiresAt?: Date;
    status?: string;
  },
): Promise<string> {
  const id = newId("ak");
  const { plaintext, prefix } = newApiKeyPlaintext(id);
  let spaceId = options.spaceId ?? null;
  if (options.groupId && !spaceId) {
    const g = await t.deps.db
      .selectFrom("groups")
      .select("space_id")
      .where("id", "=", options.groupId)
      .executeTakeFirstOrThrow();
    spaceId = g.space_id;
  }
  await t.deps.db
    .insertInto("api_keys")
    .values({
      id,
      name: `test key ${id}`,
      key_prefix: prefix,
      key_hash: hmacHex(t.config.apiKeySecret, plaintext),
      level: options.level,
      space_id: spaceId,
      group_id: options.groupId ?? null,
      permission_keys: JSON.stringify(options.permissionKeys),
      status: options.status ?? "active",
      expires_at: options.expiresAt ?? null,
      metadata: "{}",
    })
    .execute();
  return plaintext;
}

/**
 * Two Core app instances on one database with the demo seeded, as two processes would run: `a` for
 * management calls (with a super admin's token, `root`), `b` a second instance with its own caches.
 */
export async function demoOnTwoInstances(): Promise<{ a: TestApp; b: TestApp; root: string }> {
  const a = await createTestApp();
  await seedDemo(a.deps.db);
  const root = await superAdminToken(a);
  const b = await createTestApp({ database: a.db });
  return { a, b, root };
}

/**
 * Waits (through `watcher`, a connection of its own) until `count` sessions of the test database
 * wait on a lock: the way a race test knows its requests reached the locked statement.
 */
export async function waitForLockWaiters(watcher: pg.Client, count = 1): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const { rows } = await watcher.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
    );
    if (rows[0].n >= count) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${count} session(s) never waited on a lock`);
}
