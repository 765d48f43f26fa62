#!/usr/bin/env node
// The HTTP half of scripts/smoke-prod.sh: against a production-mode Core on an empty (migrated)
// database, bootstrap the first admin through bootstrap registration (docs/self-hosting.md), log in,
// model one permission, and check that an in-Space resource is allowed and a resource in another
// Space is denied. Plain fetch, no SDK: it exercises the documented wire contract.
//
//   PLYSTRA_BASE_URL=http://127.0.0.1:8080 PLYSTRA_BOOTSTRAP_REGISTRATION_TOKEN=… node scripts/smoke-prod-http.mjs

const base = process.env.PLYSTRA_BASE_URL;
const bootstrapToken = process.env.PLYSTRA_BOOTSTRAP_REGISTRATION_TOKEN;
if (!base || !bootstrapToken) {
  console.error("smoke: set PLYSTRA_BASE_URL and PLYSTRA_BOOTSTRAP_REGISTRATION_TOKEN");
  process.exit(2);
}

let token = null;
async function call(method, path, body, expected = [200, 201]) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!expected.includes(res.status)) {
    throw new Error(`${method} ${path} → ${res.status} (expected ${expected.join("/")}): ${text}`);
  }
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const ok = (msg) => console.log(`smoke: ok  ${msg}`);
function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

const email = "first-admin@example.test";
const password = `smoke-${crypto.randomUUID()}`;

// Production: no demo users, no super admin until bootstrapped.
const demo = await call(
  "POST",
  "/api/v1/auth/login",
  { email: "alice@example.com", password: "plystra-demo" },
  [401],
);
assert(demo.body.error.code === "AUTHENTICATION_REQUIRED", "demo login refused in production");
ok("no demo users in production");

const reg = await call("POST", "/api/v1/auth/register", {
  email,
  password,
  registration_token: bootstrapToken,
  space_name: "Smoke",
  member_display_name: "First Admin",
});
assert(reg.body.data.bootstrap_super_admin === true, "bootstrap registration made a super admin");
ok(`first admin bootstrapped (grant ${reg.body.data.bootstrap_admin_grant_id})`);

const again = await call(
  "POST",
  "/api/v1/auth/register",
  { email: "second@example.test", password, registration_token: bootstrapToken },
  [400, 401, 403, 409],
);
assert(again.status === 403, `a second bootstrap is refused (got ${again.status})`);
ok("a second bootstrap registration is refused");

const login = await call("POST", "/api/v1/auth/login", { email, password });
token = login.body.data.access_token;
const ctx = await call("GET", "/api/v1/actor/context");
const memberId = ctx.body.data.actor?.member_id ?? ctx.body.data.member?.id;
const spaceId = ctx.body.data.actor?.space_id ?? ctx.body.data.space?.id;
assert(memberId && spaceId, `actor context names a member and a space: ${JSON.stringify(ctx.body.data)}`);
ok(`logged in as ${email} (member ${memberId} in ${spaceId})`);

await call("POST", "/api/v1/resource-types", { key: "invoice", display_name: "Invoice" });
await call("POST", "/api/v1/resource-types/invoice/actions", { key: "approve" });
await call("POST", "/api/v1/resource-types/invoice/mapping", {
  storage_kind: "internal_table",
  table_name: "resources",
});
const perm = await call("POST", "/api/v1/permissions", {
  resource: "invoice",
  action: "approve",
  scope: "space",
});
const role = await call("POST", `/api/v1/spaces/${spaceId}/roles`, { key: "approver", name: "Approver" });
await call("POST", "/api/v1/role-permissions", {
  role_id: role.body.data.id,
  permission_id: perm.body.data.id,
});
await call("POST", `/api/v1/spaces/${spaceId}/member-roles`, {
  member_id: memberId,
  role_id: role.body.data.id,
});
await call("POST", "/api/v1/resources", {
  id: "invoice_smoke_here",
  resource_type: "invoice",
  space_id: spaceId,
});
const other = await call("POST", "/api/v1/spaces", { name: "Elsewhere", slug: "elsewhere" });
await call("POST", "/api/v1/resources", {
  id: "invoice_smoke_elsewhere",
  resource_type: "invoice",
  space_id: other.body.data.id,
});
ok("modelled invoice:approve at space scope");

const allow = await call("POST", "/api/v1/authz/check", {
  resource_type: "invoice",
  resource_id: "invoice_smoke_here",
  action: "approve",
});
assert(allow.body.data.decision === "allow", `allow expected: ${JSON.stringify(allow.body.data)}`);
assert(allow.body.data.audit_log_id, "allow carries an audit_log_id");
ok(`check allow (audit ${allow.body.data.audit_log_id})`);

const deny = await call("POST", "/api/v1/authz/check", {
  resource_type: "invoice",
  resource_id: "invoice_smoke_elsewhere",
  action: "approve",
});
assert(
  deny.body.data.decision === "deny" && deny.body.data.deny_code,
  `deny expected: ${JSON.stringify(deny.body.data)}`,
);
ok(`check deny ${deny.body.data.deny_code}`);

token = null;
const root = await call("GET", "/");
assert(root.body.data.docs === null, "GET / points at docs, which are off in production");
const docs = await call("GET", "/docs", undefined, [404]);
assert(docs.body.error.code === "FEATURE_DISABLED", "/docs is off in production by default");
ok("GET / answers a pointer; /docs off in production");

const anon = await call("POST", "/api/v1/authz/check", { action: "approve" }, [401]);
assert(anon.body.error.code === "AUTHENTICATION_REQUIRED", "anonymous check refused");
ok("anonymous check refused");
