"""Timeouts and retries, through a fault-injecting proxy in front of the real Core."""

from __future__ import annotations

import copy
import pickle
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from plystra import (
    AsyncPlystra,
    Plystra,
    PlystraNetworkError,
    PlystraNotFoundError,
    PlystraRateLimitError,
    PlystraServerError,
    PlystraTimeoutError,
)
from plystra._errors import parse_retry_after

from .conftest import ALICE
from .fault_proxy import Fault, FaultProxy

VERSION = "/api/v1/version"
CHECK = "/api/v1/authz/check"
LOGIN = "/api/v1/auth/login"
UNAVAILABLE = Fault(status=503, headers={"retry-after": "0"})


@pytest.fixture
def proxy(core_url: str) -> Iterator[FaultProxy]:
    with FaultProxy(core_url) as p:
        yield p


def test_a_get_answered_503_is_retried_with_one_request_id(proxy: FaultProxy) -> None:
    proxy.inject(UNAVAILABLE)
    with Plystra(proxy.url) as c:
        assert c.system.version()["version"]
    seen = proxy.paths(VERSION)
    assert [s.faulted for s in seen] == [True, False]
    assert seen[0].headers["x-request-id"] == seen[1].headers["x-request-id"]


def test_a_post_is_retried_on_503_only_with_retry_after(proxy: FaultProxy, client: Plystra) -> None:
    proxy.inject(UNAVAILABLE)
    with Plystra(proxy.url) as c:
        c.set_tokens(client.tokens())
        d = c.authz.check(resource_type="invoice", resource_id="invoice_001", action="approve")
        assert d["decision"] == "allow"
        assert [s.method for s in proxy.paths(CHECK)] == ["POST", "POST"]

        proxy.inject(Fault(status=503))  # no Retry-After: the check may have run; do not resend
        with pytest.raises(PlystraServerError) as info:
            c.authz.check(resource_type="invoice", resource_id="invoice_001", action="approve")
        assert (info.value.status_code, info.value.code) == (503, "NOT_READY")
        assert len(proxy.paths(CHECK)) == 3


def test_a_get_is_retried_after_a_502_and_a_dropped_connection(proxy: FaultProxy) -> None:
    proxy.inject(Fault(status=502), Fault(drop=True))
    with Plystra(proxy.url) as c:
        assert c.system.version()["version"]
    assert len(proxy.paths(VERSION)) == 3


def test_a_post_whose_connection_drops_is_not_resent(proxy: FaultProxy) -> None:
    proxy.inject(Fault(drop=True))
    with Plystra(proxy.url) as c, pytest.raises(PlystraNetworkError):
        c.auth.login(*ALICE)
    assert len(proxy.paths(LOGIN)) == 1


def test_retries_stop_at_max_retries(proxy: FaultProxy) -> None:
    proxy.inject(*[Fault(status=503)] * 5)
    with Plystra(proxy.url, max_retries=3) as c, pytest.raises(PlystraServerError):
        c.system.version()
    assert len(proxy.paths(VERSION)) == 4


def test_a_long_retry_after_is_surfaced_not_slept_on(proxy: FaultProxy) -> None:
    proxy.inject(Fault(status=429, headers={"retry-after": "120"}))
    started = time.monotonic()
    with Plystra(proxy.url) as c, pytest.raises(PlystraRateLimitError) as info:
        c.system.version()
    assert info.value.retry_after == 120.0
    assert time.monotonic() - started < 5
    assert len(proxy.paths(VERSION)) == 1


def test_a_slow_answer_ends_in_a_timeout_at_the_deadline(proxy: FaultProxy) -> None:
    proxy.inject(Fault(delay=3.0))
    started = time.monotonic()
    with Plystra(proxy.url, timeout=0.3) as c, pytest.raises(PlystraTimeoutError) as info:
        c.system.version()
    assert info.value.timeout == 0.3
    assert time.monotonic() - started < 2.0


def test_a_per_call_timeout_shorter_than_password_hashing_times_out(core_url: str) -> None:
    with Plystra(core_url) as c:
        with pytest.raises(PlystraTimeoutError):
            c.auth.login(*ALICE, timeout=0.002)
        assert c.tokens().access_token is None
        assert c.auth.login(*ALICE)["token_type"] == "Bearer"


def test_an_unreachable_core_is_a_network_error() -> None:
    with Plystra("http://127.0.0.1:9", max_retries=0) as c, pytest.raises(PlystraNetworkError):
        c.system.version()


@pytest.mark.anyio
async def test_async_retry_after_503_get_and_post(proxy: FaultProxy, aclient: AsyncPlystra) -> None:
    async with AsyncPlystra(proxy.url) as c:
        c.set_tokens(aclient.tokens())
        proxy.inject(UNAVAILABLE)
        assert (await c.system.version())["version"]
        proxy.inject(UNAVAILABLE)
        d = await c.authz.check(resource_type="invoice", resource_id="invoice_002", action="approve")
    assert d["deny_code"] == "SCOPE_OUT_OF_BOUNDS"
    versions, checks = proxy.paths(VERSION), proxy.paths(CHECK)
    assert [s.faulted for s in versions] == [True, False] and [s.faulted for s in checks] == [True, False]
    assert checks[0].headers["x-request-id"] == checks[1].headers["x-request-id"]


@pytest.mark.anyio
async def test_async_timeouts(proxy: FaultProxy, core_url: str) -> None:
    proxy.inject(Fault(delay=3.0))
    started = time.monotonic()
    async with AsyncPlystra(proxy.url, timeout=0.3) as c:
        with pytest.raises(PlystraTimeoutError):
            await c.system.version()
    assert time.monotonic() - started < 2.0
    async with AsyncPlystra(core_url) as c:
        with pytest.raises(PlystraTimeoutError):
            await c.auth.login(*ALICE, timeout=0.002)
        assert c.tokens().access_token is None


@pytest.mark.anyio
async def test_async_network_errors(proxy: FaultProxy) -> None:
    proxy.inject(Fault(drop=True))
    async with AsyncPlystra(proxy.url) as c:
        with pytest.raises(PlystraNetworkError):
            await c.auth.login(*ALICE)
    async with AsyncPlystra("http://127.0.0.1:9", max_retries=0) as dead:
        with pytest.raises(PlystraNetworkError):
            await dead.system.version()


def test_retry_after_parsing() -> None:
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after("7") == 7.0
    soon = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=10), usegmt=True)
    assert 8 < (parse_retry_after(soon) or 0) <= 10
    past = format_datetime(datetime.now(timezone.utc) - timedelta(seconds=60), usegmt=True)
    assert parse_retry_after(past) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_errors_survive_copy_and_pickle(client: Plystra) -> None:
    with pytest.raises(PlystraNotFoundError) as info:
        client.users.get("user_py_pickle")
    for clone in (copy.copy(info.value), pickle.loads(pickle.dumps(info.value))):
        assert type(clone) is PlystraNotFoundError
        assert (clone.status_code, clone.code, clone.request_id) == (
            404,
            info.value.code,
            info.value.request_id,
        )
        assert str(clone) == str(info.value)
    timeout = pickle.loads(pickle.dumps(PlystraTimeoutError(1.5)))
    assert timeout.timeout == 1.5
