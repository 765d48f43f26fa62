"""API-key mode: a backend service checks on behalf of a named actor (managed mode)."""

import os
import time

from plystra import Plystra

base_url = os.environ.get("PLYSTRA_BASE_URL", "http://localhost:8080")

# An admin creates a scoped key once; the plaintext `api_key` is returned only here.
with Plystra(base_url) as admin:
    admin.auth.login("alice@example.com", "plystra-demo")
    key = admin.api_keys.create(
        name=f"billing-service-{time.time_ns()}",
        level="space",
        space_id="space_acme",
        permission_keys=["authz:check"],
    )

    # The service authenticates with X-Plystra-API-Key and must name the actor.
    with Plystra(base_url, api_key=key["api_key"]) as service:
        allowed = service.authz.is_allowed(
            actor={
                "user_id": "user_bob",
                "member_id": "member_finance_reviewer",
                "user_member_id": "um_bob_finance_reviewer",
                "space_id": "space_acme",
            },
            resource_type="invoice",
            resource_id="invoice_001",
            action="approve",
        )
        print("bob may approve invoice_001:", allowed)  # True

    admin.api_keys.revoke(key["id"], revoked_reason="example finished")
