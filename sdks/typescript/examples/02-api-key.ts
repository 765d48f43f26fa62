// API-key mode: a backend service checks on behalf of a named actor (managed mode).
import { PlystraClient } from "@plystra/sdk";

const baseUrl = process.env.PLYSTRA_BASE_URL ?? "http://localhost:8080";

// An admin creates a scoped key once; the plaintext `api_key` is returned only here.
const admin = new PlystraClient({ baseUrl });
await admin.auth.login({ email: "alice@example.com", password: "plystra-demo" });
const key = await admin.apiKeys.create({
  name: `billing-service-${Date.now()}`,
  level: "space",
  space_id: "space_acme",
  permission_keys: ["authz:check"],
});

// The service authenticates with X-Plystra-API-Key and must name the actor.
const service = new PlystraClient({ baseUrl, apiKey: key.api_key });
const allowed = await service.authz.isAllowed({
  actor: {
    user_id: "user_bob",
    member_id: "member_finance_reviewer",
    user_member_id: "um_bob_finance_reviewer",
    space_id: "space_acme",
  },
  resource_type: "invoice",
  resource_id: "invoice_001",
  action: "approve",
});
console.log("bob may approve invoice_001:", allowed); // true

await admin.apiKeys.revoke(key.id, { revoked_reason: "example finished" });
