"""Release smoke run by tests/test_packaging.py inside a fresh venv holding only the built wheel:
login -> check allow -> check deny -> audit list."""

import os
import sys

import plystra
from plystra import Plystra

assert "site-packages" in (plystra.__file__ or ""), plystra.__file__

with Plystra(os.environ["PLYSTRA_BASE_URL"]) as client:
    client.auth.login("alice@example.com", "plystra-demo")
    allow = client.authz.check(resource_type="invoice", resource_id="invoice_001", action="approve")
    deny = client.authz.check(resource_type="invoice", resource_id="invoice_002", action="approve")
    rows = client.audit.list(resource_id="invoice_002", decision="deny", limit=10).data
    ok = (
        allow["decision"] == "allow"
        and deny["deny_code"] == "SCOPE_OUT_OF_BOUNDS"
        and deny["audit_log_id"] in [r["id"] for r in rows]
    )
    print(plystra.__version__, allow["decision"], deny["decision"], len(rows))
    sys.exit(0 if ok else 1)
