"""AsyncPlystra: the same resources, awaitable; `async for` walks list pages."""

import asyncio
import os

from plystra import AsyncPlystra


async def main() -> None:
    async with AsyncPlystra(os.environ.get("PLYSTRA_BASE_URL", "http://localhost:8080")) as client:
        await client.auth.login("alice@example.com", "plystra-demo")

        # Concurrent checks share the client's connection pool (and one token refresh, if needed).
        decisions = await asyncio.gather(
            *(
                client.authz.check(resource_type="invoice", resource_id=invoice, action="approve")
                for invoice in ("invoice_001", "invoice_002")
            )
        )
        print([d["decision"] for d in decisions])  # ['allow', 'deny']

        async for row in client.audit.iter(resource_id="invoice_002", decision="deny", limit=50):
            print(row["id"], row["deny_code"])


asyncio.run(main())
