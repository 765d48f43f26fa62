// Context Mode: protect an action without importing your users, groups or resources into Plystra.
// The backend sends the actor, the resource and the grants inline (API keys only; build this input
// from your own trusted session and database, never from browser JSON).
import { type AuthzCheckInput, PlystraClient } from "@plystra/sdk";

const baseUrl = process.env.PLYSTRA_BASE_URL ?? "http://localhost:8080";
const admin = new PlystraClient({ baseUrl });
await admin.auth.login({ email: "alice@example.com", password: "plystra-demo" });
const key = await admin.apiKeys.create({
  name: `context-mode-${Date.now()}`,
  level: "space",
  space_id: "space_acme",
  permission_keys: ["authz:check"],
});
const service = new PlystraClient({ baseUrl, apiKey: key.api_key });

const check = (groupPath: string): AuthzCheckInput => ({
  action: "approve",
  actor: {
    user_id: "user_external_alice",
    member_id: "member_external_finance_reviewer",
    binding_id: "binding_external_alice_finance",
    space_id: "space_acme",
  },
  resource: { type: "invoice", external_id: "inv_2024_0042", space_id: "space_acme", group_path: groupPath },
  grants: [
    {
      role_key: "finance_approver",
      resource: "invoice",
      action: "approve",
      scope: "group_tree",
      scope_anchor_group_path: "finance",
    },
  ],
});

const inside = await service.authz.check(check("finance.apac"));
const outside = await service.authz.check(check("legal.emea"));
console.log(inside.decision, outside.decision, outside.deny_code); // allow deny SCOPE_OUT_OF_BOUNDS

await admin.apiKeys.revoke(key.id);
