// Findings of the security review, pinned: HEAD cannot bypass the guard, and values PostgreSQL
// cannot store (U+0000) or parse are 400s naming the problem, never 500s or failed neighbours.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { createLogger } from "../src/lib/logger.ts";
import { seedDemo } from "../src/features/demo/demo.seed.ts";
import { encodeCursor } from "../src/http/pagination.ts";
import { insertApiKey, superAdminToken } from "./fixtures.ts";
import { createTestApp, type TestApp } from "./harness.ts";

let t: TestApp;
let root: string;
let key: string;
beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.deps.db);
  root = await superAdminToken(t);
  key = await insertApiKey(t, { level: "instance", permissionKeys: ["authz:check"] });
});
afterAll(() => t.close());

const ALICE = {
  user_id: "user_alice",
  member_id: "member_finance_reviewer",
  user_member_id: "um_alice_finance_reviewer",
  space_id: "space_acme",
};

describe("review hardening", () => {
  it("HEAD on a protected GET route needs the same credential as GET", async () => {
    const anon = await t.app.request("/api/v1/users/user_root", { method: "HEAD" });
    expect(anon.status).toBe(401);
    const missing = await t.app.request("/api/v1/users/nobody", { method: "HEAD" });
    expect(missing.status).toBe(401);
    const ok = await t.app.request("/api/v1/users/user_root", {
      method: "HEAD",
      headers: { authorization: `Bearer ${root}` },
    });
    expect(ok.status).toBe(200);
  });

  it("a NUL character in a JSON body is a 400 naming the field, and changes nothing", async () => {
    const res = await t.request("POST", "/api/v1/authz/check", {
      apiKey: key,
      body: { actor: ALICE, resource_type: "invoice", resource_id: "a\u0000b", action: "approve" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe("resource_id");
    const user = await t.request("POST", "/api/v1/users", {
      token: root,
      body: { id: "user_nul", email: "nul@example.test", metadata: { note: "x\u0000y" } },
    });
    expect(user.status).toBe(400);
    expect(user.body.error.details.field).toBe("metadata.note");
    expect(
      await t.deps.db.selectFrom("users").select("id").where("id", "=", "user_nul").executeTakeFirst(),
    ).toBeUndefined();
  });

  it("a NUL character in a path or query parameter is a 400, not a 500", async () => {
    const path = await t.request("GET", "/api/v1/users/a%00b", { token: root });
    expect(path.status).toBe(400);
    expect(path.body.error.code).toBe("VALIDATION_FAILED");
    const query = await t.request("GET", "/api/v1/audit/logs?resource_id=a%00b", { token: root });
    expect(query.status).toBe(400);
  });

  it("a crafted cursor with a value of the wrong type is a 400", async () => {
    const cursor = encodeCursor("audit_logs", ["not-a-number"]);
    const res = await t.request("GET", `/api/v1/audit/logs?cursor=${cursor}`, { token: root });
    expect(res.status).toBe(400);
  });

  it("behind trusted proxies the client IP is the rightmost untrusted X-Forwarded-For hop", async () => {
    const proxied = await createTestApp({ env: { TRUSTED_PROXIES: "203.0.113.7,10.0.0.0/8,2001:db8::/32" } });
    try {
      const out: Record<string, unknown>[] = [];
      const logger = createLogger(
        { logFormat: "json", logLevel: "info" },
        { write: (l: string) => void out.push(JSON.parse(l)) },
      );
      const app = createApp({ ...proxied.deps, logger });
      const from = (xff: string, peer = "203.0.113.7") =>
        app.request(
          "/api/v1/health",
          { headers: { "x-forwarded-for": xff, "x-request-id": `rid-${out.length}-${xff}` } },
          {
            incoming: {
              socket: {
                remoteAddress: peer,
                remotePort: 1,
                remoteFamily: peer.includes(":") ? "IPv6" : "IPv4",
              },
            },
          },
        );
      const ipOf = async (xff: string, peer?: string) => {
        await from(xff, peer);
        return out.filter((l) => l.msg === "request").at(-1)?.remote_ip;
      };
      // A client-forged leftmost entry is ignored; our proxies' hops are skipped.
      expect(await ipOf("6.6.6.6, 198.51.100.9, 10.1.2.3")).toBe("198.51.100.9");
      expect(await ipOf("198.51.100.9")).toBe("198.51.100.9");
      // From an untrusted peer the header is not believed at all.
      expect(await ipOf("198.51.100.9", "192.0.2.50")).toBe("192.0.2.50");
      // Behind an IPv6 load balancer (trusted by CIDR) clients keep their own addresses.
      expect(await ipOf("2a00:1450::7, 2001:db8::9", "2001:db8::1")).toBe("2a00:1450::7");
      expect(await ipOf("198.51.100.9", "2001:db8:0:1::2")).toBe("198.51.100.9");
      expect(await ipOf("198.51.100.9", "2001:db9::1")).toBe("2001:db9::1");
    } finally {
      await proxied.close();
    }
  });
});
