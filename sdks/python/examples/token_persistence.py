"""Token mode across restarts: persist tokens on every change, restore them later.

An expired access token is refreshed transparently (once, shared by concurrent calls) using the
refresh token; Core rotates both tokens on every refresh.
"""

import os

from plystra import Plystra, Tokens

base_url = os.environ.get("PLYSTRA_BASE_URL", "http://localhost:8080")
storage: dict[str, Tokens] = {}  # e.g. an encrypted cookie or a keychain entry


def persist(tokens: Tokens) -> None:
    storage["plystra"] = tokens  # called after login, every refresh (explicit or transparent), logout


with Plystra(base_url, on_token_change=persist) as client:
    client.auth.login("alice@example.com", "plystra-demo")

# Later, in another process: restore and keep going.
saved = storage["plystra"]
with Plystra(
    base_url,
    access_token=saved.access_token,
    refresh_token=saved.refresh_token,
    on_token_change=persist,
) as restored:
    print(restored.admin.me()["user_id"])  # user_alice
    restored.auth.refresh()  # rotates both tokens; the old refresh token stops working
    restored.auth.logout()  # revokes the session and reports empty tokens
print(storage["plystra"])  # Tokens(access_token=None, refresh_token=None, …)
