"""Log in as the demo user Alice and ask whether she may approve invoice_001."""

import os

from plystra import Plystra

with Plystra(os.environ.get("PLYSTRA_BASE_URL", "http://localhost:8080")) as client:
    client.auth.login("alice@example.com", "plystra-demo")
    decision = client.authz.check(resource_type="invoice", resource_id="invoice_001", action="approve")
    print(decision["decision"], decision["reason"])  # allow …
