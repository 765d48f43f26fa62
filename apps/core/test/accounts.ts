import { expect } from "vitest";
import type { TestApp } from "./harness.ts";
import { hashPassword, passwordParams } from "../src/security/passwords.ts";

/**
 * Login accounts for tests: Spaces, Groups, bindings and users with a password, logging in, and the
 * check that no stored secret (password or token hash) ever left the server.
 */

export const PASSWORD = "correct horse battery staple";

export async function ensureSpace(t: TestApp, id: string, name = id, status = "active") {
  await t.deps.db
    .insertInto("spaces")
    .values({ id, name, status, metadata: "{}" })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
  return id;
}

export async function insertGroup(t: TestApp, id: string, spaceId: string, path: string) {
  await t.deps.db
    .insertInto("groups")
    .values({ id, space_id: spaceId, name: id, path, depth: path.split(".").length - 1, metadata: "{}" })
    .execute();
  return id;
}

/** A Member in a Space bound to the user (creating the Space if needed). Returns the binding id. */
export async function bindMember(
  t: TestApp,
  userId: string,
  spaceId: string,
  memberId: string,
  options: { displayName?: string; isPrimary?: boolean; spaceName?: string } = {},
) {
  await ensureSpace(t, spaceId, options.spaceName ?? spaceId);
  await t.deps.db
    .insertInto("members")
    .values({
      id: memberId,
      space_id: spaceId,
      display_name: options.displayName ?? memberId,
      metadata: "{}",
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
  const id = `um_${userId}_${memberId}`;
  await t.deps.db
    .insertInto("user_members")
    .values({
      id,
      user_id: userId,
      member_id: memberId,
      space_id: spaceId,
      relation_type: "self",
      is_primary: options.isPrimary ?? false,
      metadata: "{}",
    })
    .execute();
  return id;
}

/** A user with a real Argon2id password hash and (by default) one live binding. */
export async function seedLoginUser(
  t: TestApp,
  id: string,
  options: { email?: string; password?: string; status?: string; bind?: boolean; hash?: string } = {},
) {
  const email = options.email ?? `${id}@example.test`;
  await t.deps.db
    .insertInto("users")
    .values({
      id,
      email,
      status: options.status ?? "active",
      metadata: "{}",
      password_hash:
        options.hash ?? (await hashPassword(options.password ?? PASSWORD, passwordParams(t.config))),
    })
    .execute();
  if (options.bind !== false) await bindMember(t, id, "space_login", `member_${id}`, { isPrimary: true });
  return { id, email };
}

export async function login(t: TestApp, email: string, password = PASSWORD) {
  return t.request("POST", "/api/v1/auth/login", { body: { email, password } });
}

const LEAK = /password_hash|key_hash|token_hash|\$argon2/;

/**
 * Records every response body of `t` so a test can assert afterwards that no stored secret (hash
 * column name or value) ever left the server.
 */
export function trackResponses(t: TestApp): string[] {
  const seen: string[] = [];
  const original = t.request.bind(t);
  t.request = (async (method: string, path: string, options?: Parameters<TestApp["request"]>[2]) => {
    const res = await original(method, path, options);
    seen.push(res.text);
    return res;
  }) as TestApp["request"];
  return seen;
}

export async function expectNoSecretsLeaked(t: TestApp, seen: string[]) {
  const hashes = [
    ...(await t.deps.db.selectFrom("sessions").select(["access_token_hash as h"]).execute()),
    ...(await t.deps.db.selectFrom("sessions").select(["refresh_token_hash as h"]).execute()),
    ...(await t.deps.db.selectFrom("api_keys").select(["key_hash as h"]).execute()),
    ...(await t.deps.db.selectFrom("users").select(["password_hash as h"]).execute()),
  ]
    .map((r) => r.h)
    .filter((h): h is string => !!h);
  expect(seen.length).toBeGreaterThan(0);
  for (const text of seen) {
    expect(text).not.toMatch(LEAK);
    for (const h of hashes) expect(text.includes(h)).toBe(false);
  }
}
