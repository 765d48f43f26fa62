// Lists: await for one page, or iterate with `for await` to walk every page.
import { PlystraClient } from "@plystra/sdk";

const client = new PlystraClient({ baseUrl: process.env.PLYSTRA_BASE_URL ?? "http://localhost:8080" });
await client.auth.login({ email: "alice@example.com", password: "plystra-demo" });

// One page: `data` plus truthful `pagination {limit, cursor, has_more}`.
const page = await client.audit.list({ resource_id: "invoice_001", limit: 20 });
console.log(page.data.length, page.pagination.has_more);
if (page.hasNextPage()) {
  const next = await page.nextPage();
  console.log(next.data.length);
}

// Every item across pages; the SDK follows `pagination.cursor`.
for await (const user of client.users.list({ limit: 100 })) {
  console.log(user.id, user.email);
}

// Page by page, or everything at once.
for await (const p of client.spaces.list({ limit: 50 }).pages()) console.log(p.data.length);
const groups = await client.spaces.groups("space_acme").all();
console.log(groups.map((g) => g.path));
