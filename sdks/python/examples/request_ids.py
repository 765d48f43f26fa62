"""Request ids: correlate your own request with Plystra's response, logs and audit rows."""

import os
import time

from plystra import Plystra

with Plystra(os.environ.get("PLYSTRA_BASE_URL", "http://localhost:8080")) as client:
    client.auth.login("alice@example.com", "plystra-demo")

    # Every call of a scoped client sends the same X-Request-ID (credentials are shared).
    scoped = client.with_request_id(f"req_checkout_{time.time_ns()}")
    decision = scoped.authz.check(resource_type="invoice", resource_id="invoice_001", action="approve")

    # Or one call, with its own deadline in seconds.
    row = client.audit.get(decision["audit_log_id"], request_id="req_audit_lookup", timeout=5.0)
    print(row["request_id"])  # req_checkout_…

    # Find the audit rows one request wrote.
    for match in client.audit.iter(filter_request_id=row["request_id"]):
        print(match["id"] == decision["audit_log_id"])  # True
