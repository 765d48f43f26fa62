#!/usr/bin/env node
// Contract fuzzer: runs schemathesis over every operation of openapi/plystra.yaml against a real
// Core (scripts/test-core.mjs: a fresh database on $DATABASE_URL's server, or embedded PGlite).
// Called by scripts/fuzz.sh, which provides the schemathesis venv. Exits non-zero on any failure.
//
// Passes (each prints schemathesis' summary line):
//   api-key  every other operation, as an instance API key holding `*`;
//   session  every other operation, as an instance super admin's session;
//   self-harm  the operations that can revoke or disable the caller (SELF_HARM), with a throwaway
//              super admin's session, after the other authenticated passes;
//   anon     every operation without credentials.
// The fuzzing identity (user, member, binding, super-admin grant, key) lives in its own Space with
// server-generated ids, apart from the demo data the spec's examples name (`user_alice`, …).
// Schemathesis reuses ids it saw in responses (/admin/me names the caller's own rows), so the
// operations that could revoke the caller run only in the self-harm pass, with a throwaway identity;
// after the authenticated passes the script checks both main credentials still work.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestCore } from "./test-core.mjs";

const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const schemathesis = process.env.SCHEMATHESIS_BIN ?? join(repoDir, ".venv-ci", "bin", "schemathesis");
const seed = process.env.FUZZ_SEED ?? "20261126";
const examples = process.env.FUZZ_MAX_EXAMPLES ?? "25";
// One worker: hypothesis' lambda introspection is not thread-safe on CPython 3.11 (it fails with
// "AST constructor recursion depth mismatch" under two workers), and Core shares the two CI cores.
const workers = process.env.FUZZ_WORKERS ?? "1";
// Phases per pass: the coverage phase (boundary values of every constraint; its size does not
// depend on the example budget) runs where it finds the most — as the API key, and for the
// self-harm operations. The session pass repeats examples, fuzzing and stateful with the other
// credential kind; the anonymous pass only needs to see every operation refuse cleanly.
const ALL_PHASES = "examples,coverage,fuzzing,stateful";
const phasesFor = (name) =>
  process.env.FUZZ_PHASES ??
  { session: "examples,fuzzing,stateful", anon: "examples,fuzzing" }[name] ??
  ALL_PHASES;

// Login throttling (8 failures per email/IP in 15 min by default) would turn every later fuzzed login
// into 429 and hide how login handles its input. Throttling has its own tests; here it is lifted.
const core = await startTestCore({
  env: { PLYSTRA_AUTH_LOGIN_MAX_FAILURES: "1000000", LOG_LEVEL: process.env.LOG_LEVEL ?? "error" },
});
const base = core.baseUrl;
const work = mkdtempSync(join(tmpdir(), "plystra-fuzz-"));

async function call(method, path, { token, apiKey, body } = {}) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (apiKey) headers["x-plystra-api-key"] = apiKey;
  const send = () =>
    fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  // A pooled keep-alive connection may have been closed by Core during a long pass: retry once.
  const res = await send().catch(send);
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json.data;
}

/** A super-admin identity in its own Space; returns a fresh session and an instance key. */
async function provision(label) {
  const admin = await call("POST", "/api/v1/auth/login", {
    body: { email: "alice@example.com", password: "plystra-demo" },
  });
  const token = admin.access_token;
  const email = `fuzz-${label}-${Date.now()}@example.com`;
  const password = `fuzz-${label}-password-${Math.random().toString(36).slice(2)}`;
  const user = await call("POST", "/api/v1/users", { token, body: { email, password } });
  const space = await call("POST", "/api/v1/spaces", { token, body: { name: `Fuzz ${label}` } });
  const member = await call("POST", `/api/v1/spaces/${space.id}/members`, {
    token,
    body: { display_name: `Fuzz ${label}` },
  });
  await call("POST", `/api/v1/spaces/${space.id}/user-members`, {
    token,
    body: { user_id: user.id, member_id: member.id },
  });
  await call("POST", "/api/v1/admin/grants", {
    token,
    body: { user_id: user.id, level: "instance_super_admin", permission_key: "*" },
  });
  const session = await call("POST", "/api/v1/auth/login", { body: { email, password } });
  const key = await call("POST", "/api/v1/api-keys", {
    token: session.access_token,
    body: { name: `fuzz-${label}`, level: "instance", permission_keys: ["*"] },
  });
  return { session: session.access_token, apiKey: key.api_key };
}

/** Runs one schemathesis pass; returns its failure count (or 1 when it could not run). */
function pass(name, { auth, args = [] }) {
  if (process.env.FUZZ_ONLY && !process.env.FUZZ_ONLY.split(",").includes(name)) return 0;
  const config = join(work, `${name}.toml`);
  const lines = [readFileSync(join(repoDir, "scripts", "fuzz.toml"), "utf8")];
  if (auth?.apiKey) lines.push("[auth.openapi.ApiKeyAuth]", `api_key = "${auth.apiKey}"`);
  if (auth?.session) lines.push("[auth.openapi.BearerAuth]", `bearer = "${auth.session}"`);
  writeFileSync(config, `${lines.join("\n")}\n`);
  const started = Date.now();
  const run = spawnSync(
    schemathesis,
    [
      "--config-file",
      config,
      "run",
      join(repoDir, "openapi", "plystra.yaml"),
      "--url",
      base,
      "--checks",
      "all",
      "--seed",
      seed,
      "--max-examples",
      examples,
      "--workers",
      workers,
      "--phases",
      phasesFor(name),
      "--request-timeout",
      "20",
      "--output-truncate",
      "true",
      "--no-color",
      ...args,
      ...(process.env.FUZZ_EXTRA_ARGS?.split(" ").filter(Boolean) ?? []),
    ],
    { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 256 * 1024 * 1024 },
  );
  const out = `${run.stdout ?? ""}${run.stderr ?? ""}`;
  const summary = out
    .split("\n")
    .filter((l) => /^=+ .* in [\d.]+s =+$/.test(l.trim()))
    .pop();
  const failures = Number(/(\d+) failures?/.exec(summary ?? "")?.[1] ?? 0);
  const errors = Number(/(\d+) errors?/.exec(summary ?? "")?.[1] ?? 0);
  const cases = /(\d+) generated/.exec(out)?.[1] ?? "?";
  const ok = run.status === 0;
  if (!ok || process.env.FUZZ_VERBOSE) process.stdout.write(out);
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  console.log(
    `[fuzz] ${name}: ${summary?.replace(/=/g, "").trim() ?? "no summary"}; ${cases} test cases (exit ${run.status}, ${secs}s)`,
  );
  return ok ? 0 : Math.max(1, failures + errors);
}

// Operations that can revoke or disable the calling credential itself (schemathesis harvests ids from
// responses such as /admin/me, so it does find the caller's own user, Space, Member and binding).
const SELF_HARM = [
  "logout",
  "revokeAdminGrant",
  "revokeAPIKey",
  "updateUser",
  "disableUser",
  "updateSpace",
  "disableSpace",
  "updateMember",
  "disableMember",
  "updateUserMember",
  "revokeUserMember",
];

// Pending on the hardening branch (issue 10): 405 answers without `Allow` (finding 5), and
// management-mutation traces that lack `created_at` (finding 3, so the audit detail responses do not
// match ApiOpenAPIAuditTrace). Drop these once that branch has merged.

let failed = 0;
const started = Date.now();
try {
  const main = await provision("main");
  const throwaway = await provision("throwaway");
  const selfHarm = SELF_HARM.flatMap((id) => ["--exclude-operation-id", id]);
  failed += pass("api-key", { auth: { apiKey: main.apiKey }, args: selfHarm });
  failed += pass("session", { auth: { session: main.session }, args: selfHarm });
  // The authenticated passes must not have revoked or disabled their own credentials.
  for (const [label, opts] of [
    ["API key", { apiKey: main.apiKey }],
    ["session", { token: main.session }],
  ]) {
    await call("GET", "/api/v1/admin/me", opts).catch((err) => {
      failed += 1;
      console.log(
        `[fuzz] the fuzzing ${label} no longer works after the run: ${err.message} ${err.cause ?? ""}`,
      );
      failed += 1;
    });
  }
  failed += pass("self-harm", {
    auth: { session: throwaway.session },
    args: SELF_HARM.flatMap((id) => ["--include-operation-id", id]),
  });
  failed += pass("anon", {});
} finally {
  // Core logs at `error` here: any log line is a 500 the passes above also reported. (The
  // development start banner is plain text for humans, not a log line.)
  const errors = core
    .log()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .join("\n")
    .trim();
  if (errors) console.log(`[fuzz] Core logged errors:\n${errors.slice(-8000)}`);
  await core.stop();
  rmSync(work, { recursive: true, force: true });
}
console.log(
  `[fuzz] total: ${failed} failing pass result(s) in ${((Date.now() - started) / 1000).toFixed(0)}s`,
);
process.exit(failed === 0 ? 0 : 1);
