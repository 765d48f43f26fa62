"""Token mode: rotation, reuse detection, transparent refresh shared by concurrent callers, request ids."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest

from plystra import AsyncPlystra, Plystra, PlystraAuthError, PlystraNotFoundError, Tokens

from .conftest import ALICE, ALICE_ACTOR, BOGUS_ACCESS_TOKEN, Recorder, unique

REFRESH = "/api/v1/auth/refresh"


def test_refresh_rotates_and_a_replayed_refresh_token_ends_the_session(core_url: str) -> None:
    events: list[Tokens] = []
    with Plystra(core_url, on_token_change=events.append) as c:
        login = c.auth.login(*ALICE)
        assert events[-1] == Tokens(
            login["access_token"], login["refresh_token"], login["expires_at"], login["refresh_expires_at"]
        )
        refreshed = c.auth.refresh()
        assert len(events) == 2 and events[-1].refresh_token == refreshed["refresh_token"]

        # Replaying the rotated-out refresh token is theft: SESSION_EXPIRED, and the session ends.
        with Plystra(core_url) as thief, pytest.raises(PlystraAuthError) as info:
            thief.auth.refresh(refresh_token=login["refresh_token"])
        assert (info.value.status_code, info.value.code) == (401, "SESSION_EXPIRED")

        with pytest.raises(PlystraAuthError):
            c.admin.me()
        assert c.tokens() == Tokens()
        assert events[-1] == Tokens()


@pytest.mark.anyio
async def test_refresh_rotation_and_reuse_async(core_url: str) -> None:
    events: list[Tokens] = []
    async with AsyncPlystra(core_url, on_token_change=events.append) as c:
        login = await c.auth.login(*ALICE)
        await c.auth.refresh()
        async with AsyncPlystra(core_url) as thief:
            with pytest.raises(PlystraAuthError) as info:
                await thief.auth.refresh(refresh_token=login["refresh_token"])
        assert info.value.code == "SESSION_EXPIRED"
        with pytest.raises(PlystraAuthError):
            await c.admin.me()
        assert c.tokens() == Tokens() and events[-1] == Tokens()


def test_an_expired_access_token_is_refreshed_once_and_the_call_retried(core_url: str) -> None:
    rec = Recorder()
    events: list[Tokens] = []
    with Plystra(core_url, http_client=rec.sync_client(), on_token_change=events.append) as c:
        login = c.auth.login(*ALICE)
        c.set_tokens(access_token=BOGUS_ACCESS_TOKEN, refresh_token=login["refresh_token"])
        assert c.admin.me()["user_id"] == "user_alice"
        assert rec.count(REFRESH) == 1
        assert [s for p, s in rec.statuses if p == "/api/v1/admin/me"] == [401, 200]
        me_calls = [r for r in rec.requests if r.url.path == "/api/v1/admin/me"]
        assert me_calls[0].headers["authorization"] == f"Bearer {BOGUS_ACCESS_TOKEN}"
        assert me_calls[1].headers["authorization"] == f"Bearer {c.tokens().access_token}"
        # One call, one request id: the retried request carries the same X-Request-ID.
        assert me_calls[0].headers["x-request-id"] == me_calls[1].headers["x-request-id"]
        assert c.tokens().refresh_token not in (None, login["refresh_token"])
        assert events[-1] == c.tokens()


def test_concurrent_threads_share_one_refresh(core_url: str) -> None:
    rec = Recorder()
    with Plystra(core_url, http_client=rec.sync_client()) as c:
        login = c.auth.login(*ALICE)
        c.set_tokens(access_token=BOGUS_ACCESS_TOKEN, refresh_token=login["refresh_token"])
        with ThreadPoolExecutor(max_workers=8) as pool:
            futures = [pool.submit(c.admin.me) for _ in range(6)] + [
                pool.submit(
                    c.authz.check, resource_type="invoice", resource_id="invoice_001", action="approve"
                )
                for _ in range(6)
            ]
            results = [f.result() for f in futures]
        assert len(results) == 12
        assert rec.count(REFRESH) == 1
        # The session survived (no refresh-token replay): the rotated tokens keep working.
        assert c.admin.me()["user_id"] == "user_alice"
        c.auth.refresh()


@pytest.mark.anyio
async def test_concurrent_tasks_share_one_refresh(core_url: str) -> None:
    rec = Recorder()
    async with AsyncPlystra(core_url, http_client=rec.async_client()) as c:
        login = await c.auth.login(*ALICE)
        c.set_tokens(Tokens(access_token=BOGUS_ACCESS_TOKEN, refresh_token=login["refresh_token"]))
        results: list[object] = []

        async def me() -> None:
            results.append(await c.admin.me())

        async def check() -> None:
            results.append(
                await c.authz.check(resource_type="invoice", resource_id="invoice_001", action="approve")
            )

        async with anyio.create_task_group() as tg:
            for _ in range(6):
                tg.start_soon(me)
                tg.start_soon(check)
        assert len(results) == 12
        assert rec.count(REFRESH) == 1
        assert (await c.admin.me())["user_id"] == "user_alice"
        await c.auth.refresh()


def test_without_a_refresh_token_a_rejected_access_token_is_an_auth_error(core_url: str) -> None:
    with Plystra(core_url, access_token=BOGUS_ACCESS_TOKEN) as c, pytest.raises(PlystraAuthError) as info:
        c.admin.me()
    assert info.value.code == "AUTHENTICATION_REQUIRED"


def test_logout_revokes_the_session_and_clears_tokens(core_url: str) -> None:
    events: list[Tokens] = []
    with Plystra(core_url, on_token_change=events.append) as c:
        login = c.auth.login(*ALICE)
        assert c.auth.logout()["logged_out"] is True
        assert c.tokens() == Tokens() and events[-1] == Tokens()
    with Plystra(core_url, access_token=login["access_token"]) as stale, pytest.raises(PlystraAuthError):
        stale.admin.me()


@pytest.mark.anyio
async def test_tokens_restored_with_set_tokens_authenticate_another_client(
    core_url: str, aclient: AsyncPlystra
) -> None:
    async with AsyncPlystra(core_url) as other:
        other.set_tokens(aclient.tokens())
        assert (await other.admin.me())["user_id"] == "user_alice"


def test_with_request_id_scopes_the_header_and_shares_credentials(core_url: str) -> None:
    rec = Recorder()
    with Plystra(core_url, http_client=rec.sync_client()) as c:
        rid = unique("req_py_scope")
        scoped = c.with_request_id(rid)
        c.auth.login(*ALICE)  # logging in on the parent is visible to the scoped client
        d = scoped.authz.check(resource_type="invoice", resource_id="invoice_001", action="approve")
        assert c.audit.get(d["audit_log_id"])["request_id"] == rid
        c.system.version()
        assert rec.requests[-1].headers["x-request-id"] != rid  # the parent is unaffected


@pytest.mark.anyio
async def test_a_per_call_request_id_is_sent_and_carried_by_errors(aclient: AsyncPlystra) -> None:
    rid = unique("req_py_call")
    with pytest.raises(PlystraNotFoundError) as info:
        await aclient.users.get("user_does_not_exist", request_id=rid)
    assert info.value.request_id == rid
    scoped_id = unique("req_py_scope_async")
    scoped = aclient.with_request_id(scoped_id)
    d = await scoped.authz.check(resource_type="invoice", resource_id="invoice_001", action="approve")
    assert (await aclient.audit.get(d["audit_log_id"]))["request_id"] == scoped_id


def test_api_key_mode_sends_the_key_and_no_bearer_token(core_url: str, client: Plystra) -> None:
    key = client.api_keys.create(name=unique("py_mode"), level="instance", permission_keys=["authz:check"])
    rec = Recorder()
    try:
        with Plystra(core_url, api_key=key["api_key"], http_client=rec.sync_client()) as service:
            assert service.authz.is_allowed(
                actor=ALICE_ACTOR, resource_type="invoice", resource_id="invoice_001", action="approve"
            )
        sent = rec.requests[0]
        assert sent.headers["x-plystra-api-key"] == key["api_key"]
        assert "authorization" not in sent.headers
    finally:
        client.api_keys.revoke(key["id"])


def test_request_returns_the_whole_envelope(client: Plystra) -> None:
    rid = unique("req_py_raw")
    envelope = client.request(
        "get", "/api/v1/users/{user_id}", path_params={"user_id": "user_alice"}, request_id=rid
    )
    assert envelope["request_id"] == rid
    assert envelope["data"]["email"] == "alice@example.com"
    listed = client.request("GET", "/api/v1/users", query={"limit": 1})
    assert listed["pagination"]["has_more"] is True


@pytest.mark.anyio
async def test_request_async_raises_typed_errors(aclient: AsyncPlystra) -> None:
    with pytest.raises(PlystraNotFoundError):
        await aclient.request("GET", "/api/v1/users/{user_id}", path_params={"user_id": "user_py_nobody"})


def test_a_failed_shared_refresh_fails_every_waiting_thread_once(core_url: str) -> None:
    rec = Recorder()
    with Plystra(core_url, http_client=rec.sync_client()) as c:
        first = c.auth.login(*ALICE)
        c.auth.refresh()
        with Plystra(core_url) as thief, pytest.raises(PlystraAuthError):
            thief.auth.refresh(refresh_token=first["refresh_token"])  # reuse: Core ends the session
        refreshes_before = rec.count(REFRESH)
        with ThreadPoolExecutor(max_workers=6) as pool:
            futures = [pool.submit(c.admin.me) for _ in range(6)]
            errors = [f.exception() for f in futures]
        assert all(isinstance(e, PlystraAuthError) for e in errors), errors
        assert rec.count(REFRESH) - refreshes_before == 1
        assert c.tokens() == Tokens()
