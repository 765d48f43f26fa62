// Errors are typed by status family; a deny is a normal value and never thrown.
import {
  PlystraApiError,
  PlystraAuthError,
  PlystraAuthorizationError,
  PlystraClient,
  PlystraNetworkError,
  PlystraNotFoundError,
  PlystraTimeoutError,
  PlystraValidationError,
} from "@plystra/sdk";

const client = new PlystraClient({ baseUrl: process.env.PLYSTRA_BASE_URL ?? "http://localhost:8080" });
await client.auth.login({ email: "alice@example.com", password: "plystra-demo" });

// A deny: inspect it, do not catch it.
const d = await client.authz.check({
  resource_type: "invoice",
  resource_id: "invoice_002",
  action: "approve",
});
console.log(d.allow, d.deny_code, d.audit_log_id); // false SCOPE_OUT_OF_BOUNDS audit_…

try {
  await client.users.create({ email: "not-an-email" });
} catch (err) {
  if (err instanceof PlystraValidationError) {
    console.log(err.status, err.code, err.field, err.requestId); // 400 VALIDATION_FAILED email req_…
  } else if (err instanceof PlystraAuthError) {
    console.log("log in again:", err.code); // 401 AUTHENTICATION_REQUIRED / SESSION_EXPIRED
  } else if (err instanceof PlystraAuthorizationError) {
    console.log("missing admin permission:", err.details); // 403 {permission: "users:create"}
  } else if (err instanceof PlystraNotFoundError) {
    console.log("no such entity");
  } else if (err instanceof PlystraApiError) {
    console.log("other API error", err.status, err.code, err.message);
  } else if (err instanceof PlystraTimeoutError || err instanceof PlystraNetworkError) {
    console.log("Core unreachable or slow:", err.message);
  } else {
    throw err;
  }
}
