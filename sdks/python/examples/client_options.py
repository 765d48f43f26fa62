"""Every option of the client (AsyncPlystra takes the same ones, with an httpx.AsyncClient)."""

import os

import httpx

from plystra import Plystra, Tokens


def persist(tokens: Tokens) -> None:
    print("tokens changed:", tokens.access_token is not None)


http = httpx.Client(follow_redirects=False)  # e.g. proxy=..., verify=..., cert=... (mTLS)

client = Plystra(
    os.environ.get("PLYSTRA_BASE_URL", "http://localhost:8080"),  # base_url, required
    api_key=None,  # API-key mode: sent as X-Plystra-API-Key; wins over session tokens
    access_token=None,  # token mode (usually filled in by auth.login)
    refresh_token=None,  # enables the transparent refresh of an expired access token
    timeout=30.0,  # default: seconds per call, retries and refresh included; None: no limit
    max_retries=2,  # default; see "Retries"
    http_client=http,  # default None (the client makes and closes its own)
    on_token_change=persist,  # called with Tokens after login, refresh and logout
    default_headers={"x-client": "billing"},  # sent on every request
)
with client:  # closes the client; an http_client you passed stays open
    client.auth.login("alice@example.com", "plystra-demo")  # tokens changed: True
    print(client.system.version(timeout=5.0)["api_version"])  # v1
http.close()
