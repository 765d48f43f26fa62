// Log in as the demo user Alice and ask whether she may approve invoice_001.
import { PlystraClient } from "@plystra/sdk";

const client = new PlystraClient({ baseUrl: process.env.PLYSTRA_BASE_URL ?? "http://localhost:8080" });

await client.auth.login({ email: "alice@example.com", password: "plystra-demo" });

const decision = await client.authz.check({
  resource_type: "invoice",
  resource_id: "invoice_001",
  action: "approve",
});

console.log(decision.decision, decision.reason); // "allow" …
if (!decision.allow) throw new Error(`expected allow, got ${decision.deny_code}`);
