// Guard a business mutation: ask Plystra first, change data only on allow, keep the audit ids.
import { PlystraClient } from "@plystra/sdk";

const baseUrl = process.env.PLYSTRA_BASE_URL ?? "http://localhost:8080";

// Once, by an admin: a key that may only ask questions (store it as a secret in your backend).
const admin = new PlystraClient({ baseUrl });
await admin.auth.login({ email: "alice@example.com", password: "plystra-demo" });
const key = await admin.apiKeys.create({
  name: `invoice-service-${Date.now()}`,
  level: "space",
  space_id: "space_acme",
  permission_keys: ["authz:check"],
});

// Your backend: the logged-in user's binding comes from your session; the key from your secrets.
const plystra = new PlystraClient({ baseUrl, apiKey: key.api_key });
const invoices = new Map([
  ["invoice_001", { status: "pending" }],
  ["invoice_002", { status: "pending" }],
]);

async function approveInvoice(invoiceId: string) {
  const decision = await plystra.authz.check({
    actor: {
      user_id: "user_alice",
      member_id: "member_finance_reviewer",
      user_member_id: "um_alice_finance_reviewer",
      space_id: "space_acme",
    },
    resource_type: "invoice",
    resource_id: invoiceId,
    action: "approve",
  });
  // Log these with the request: they find the audit record that explains the answer.
  const ids = `trace_id=${decision.trace_id} audit_log_id=${decision.audit_log_id}`;
  if (!decision.allow) return `refused ${invoiceId}: ${decision.deny_code} (${ids})`;
  invoices.get(invoiceId)!.status = "approved"; // the mutation, only after an allow
  return `approved ${invoiceId} (${ids})`;
}

console.log(await approveInvoice("invoice_001")); // approved invoice_001 (trace_id=… audit_log_id=…)
console.log(await approveInvoice("invoice_002")); // refused invoice_002: SCOPE_OUT_OF_BOUNDS (…)
if (invoices.get("invoice_002")!.status !== "pending") throw new Error("a denied mutation ran");

await admin.apiKeys.revoke(key.id, { revoked_reason: "example finished" });
