"""Lists return one Page; `iter()` walks every item across pages."""

import os

from plystra import Plystra

with Plystra(os.environ.get("PLYSTRA_BASE_URL", "http://localhost:8080")) as client:
    client.auth.login("alice@example.com", "plystra-demo")

    # One page: `data`, plus Core's truthful `cursor` and `has_more`.
    page = client.audit.list(resource_id="invoice_001", limit=20)
    print(len(page.data), page.has_more)
    if page.has_next_page():
        print(len(page.next_page().data))

    # Every item across pages; the SDK follows the cursors.
    for user in client.users.iter(limit=100):
        print(user["id"], user["email"])

    # Page by page.
    for p in client.spaces.list(limit=50).iter_pages():
        print(len(p.data))
    print([g["path"] for g in client.groups.iter("space_acme")])
