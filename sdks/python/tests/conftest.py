"""One real Plystra Core for the whole session (scripts/test-core.mjs: a fresh embedded database, or
a fresh database on $DATABASE_URL's server), plus helpers shared by the sync and async tests."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from plystra import AsyncPlystra, Plystra
from plystra.types import AuthzActorContext

REPO_ROOT = Path(__file__).resolve().parents[3]
PKG_DIR = Path(__file__).resolve().parents[1]

ALICE = ("alice@example.com", "plystra-demo")
BOB = ("bob@example.com", "plystra-demo")
#: Alice acting as the Finance Reviewer: what an API-key caller names in managed mode.
ALICE_ACTOR: AuthzActorContext = {
    "user_id": "user_alice",
    "member_id": "member_finance_reviewer",
    "user_member_id": "um_alice_finance_reviewer",
    "space_id": "space_acme",
}
BOGUS_ACCESS_TOKEN = "ply_at_" + "0" * 64

_seq = itertools.count()


def unique(prefix: str) -> str:
    """A short unique name for ids and emails created by one test."""
    return f"{prefix}_{int(time.time() * 1000):x}{next(_seq)}"


@pytest.fixture(scope="session")
def core_url() -> Iterator[str]:
    """Base URL of a real Core started for this session (PLYSTRA_TEST_EXTERNAL_CORE=1: use
    $PLYSTRA_BASE_URL instead)."""
    if os.environ.get("PLYSTRA_TEST_EXTERNAL_CORE") == "1":
        yield os.environ.get("PLYSTRA_BASE_URL", "http://localhost:8080")
        return
    proc = subprocess.Popen(
        ["node", str(REPO_ROOT / "scripts" / "test-core.mjs")],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    found: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("PLYSTRA_BASE_URL="):
                found.append(line.strip().split("=", 1)[1])
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=150)
    if not found:
        proc.kill()
        pytest.fail("scripts/test-core.mjs did not print PLYSTRA_BASE_URL= within 150 s")
    try:
        yield found[0]
    finally:
        proc.stdin.close()  # closing stdin stops Core and drops its database
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(autouse=True)
def _base_url_env(core_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLYSTRA_BASE_URL", core_url)


@pytest.fixture
def client(core_url: str) -> Iterator[Plystra]:
    """A sync client logged in as Alice (the demo's instance super admin)."""
    with Plystra(core_url) as c:
        c.auth.login(*ALICE)
        yield c


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def aclient(core_url: str) -> AsyncIterator[AsyncPlystra]:
    """An async client logged in as Alice."""
    async with AsyncPlystra(core_url) as c:
        await c.auth.login(*ALICE)
        yield c


class Recorder:
    """httpx event hooks that record every request a client sends over the wire."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.statuses: list[tuple[str, int]] = []
        self._lock = threading.Lock()

    def on_request(self, request: httpx.Request) -> None:
        with self._lock:
            self.requests.append(request)

    def on_response(self, response: httpx.Response) -> None:
        with self._lock:
            self.statuses.append((response.request.url.path, response.status_code))

    async def aon_request(self, request: httpx.Request) -> None:
        self.on_request(request)

    async def aon_response(self, response: httpx.Response) -> None:
        self.on_response(response)

    def count(self, path: str) -> int:
        return sum(1 for r in self.requests if r.url.path == path)

    def sync_client(self) -> httpx.Client:
        return httpx.Client(event_hooks={"request": [self.on_request], "response": [self.on_response]})

    def async_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(event_hooks={"request": [self.aon_request], "response": [self.aon_response]})


def python() -> str:
    return sys.executable
