"""Context Mode: protect an action without importing your users, groups or resources into Plystra.

The backend sends the actor, the resource and the grants inline (API keys only; build this input
from your own trusted session and database, never from browser JSON).
"""

import os
import time

from plystra import Plystra
from plystra.types import AuthzActorContext, AuthzGrantContext

base_url = os.environ.get("PLYSTRA_BASE_URL", "http://localhost:8080")

with Plystra(base_url) as admin:
    admin.auth.login("alice@example.com", "plystra-demo")
    key = admin.api_keys.create(
        name=f"context-mode-{time.time_ns()}",
        level="space",
        space_id="space_acme",
        permission_keys=["authz:check"],
    )

    actor: AuthzActorContext = {
        "user_id": "user_external_alice",
        "member_id": "member_external_finance_reviewer",
        "binding_id": "binding_external_alice_finance",
        "space_id": "space_acme",
    }
    grants: list[AuthzGrantContext] = [
        {
            "role_key": "finance_approver",
            "resource": "invoice",
            "action": "approve",
            "scope": "group_tree",
            "scope_anchor_group_path": "finance",
        }
    ]

    with Plystra(base_url, api_key=key["api_key"]) as service:
        inside, outside = (
            service.authz.check(
                action="approve",
                actor=actor,
                resource={
                    "type": "invoice",
                    "external_id": "inv_2024_0042",
                    "space_id": "space_acme",
                    "group_path": group_path,
                },
                grants=grants,
            )
            for group_path in ("finance.apac", "legal.emea")
        )
        print(inside["decision"], outside["decision"], outside["deny_code"])  # allow deny SCOPE_OUT_OF_BOUNDS

    admin.api_keys.revoke(key["id"])
