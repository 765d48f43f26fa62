// Request ids: correlate your own request with Plystra's response, logs and audit rows.
import { PlystraClient } from "@plystra/sdk";

const client = new PlystraClient({ baseUrl: process.env.PLYSTRA_BASE_URL ?? "http://localhost:8080" });
await client.auth.login({ email: "alice@example.com", password: "plystra-demo" });

// Every call of a scoped client sends the same X-Request-ID (credentials are shared).
const scoped = client.withRequestId(`req_checkout_${Date.now()}`);
const decision = await scoped.authz.check({
  resource_type: "invoice",
  resource_id: "invoice_001",
  action: "approve",
});

// Or one call: per-call options also take a deadline and an AbortSignal.
const row = await client.audit.get(decision.audit_log_id, {
  requestId: "req_audit_lookup",
  timeoutMs: 5_000,
});
console.log(row.request_id); // req_checkout_…

// The whole envelope (with the server's request_id) of any operation:
const envelope = await client.requestEnvelope("getVersion");
console.log(envelope.request_id, envelope.data.version);
