"""HTTP transport of both clients: credentials, token refresh, retries, deadlines, envelopes.

The sync and async transports mirror each other line for line; everything that does not wait on I/O
(headers, URLs, retry decisions, token bookkeeping) lives once, in ``_Core``.
"""

from __future__ import annotations

import copy
import inspect
import random
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import quote

import anyio
import httpx

from ._base import Tokens
from ._errors import (
    PlystraAPIError,
    PlystraError,
    PlystraNetworkError,
    PlystraTimeoutError,
    error_from_response,
    parse_retry_after,
)
from ._pagination import AsyncPage, Page
from ._version import __version__

# Idempotent by HTTP semantics, so safe to resend after a network error or a gateway failure.
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRYABLE_STATUS = frozenset({429, 502, 503, 504})
# Only these statuses promise the request was not processed when Core names a Retry-After, so even a
# POST may be resent then.
RETRY_AFTER_STATUS = frozenset({429, 503})
# A server asking for a longer pause than this is better surfaced to the caller than slept on.
MAX_RETRY_AFTER = 60.0
# Operations that must not carry the client's credential.
NO_AUTH = frozenset({"login", "refreshSession", "register"})

TokenCallback = Callable[[Tokens], Any]


def new_request_id() -> str:
    """A fresh request id; one per call, reused by every retry of that call."""
    return "req_" + secrets.token_hex(12)


@dataclass
class State:
    """Credentials and settings shared by a client and every ``with_request_id`` copy of it."""

    base_url: str
    api_key: str | None
    tokens: Tokens
    on_token_change: TokenCallback | None
    timeout: float | None
    max_retries: int
    default_headers: dict[str, str]
    retry_base_delay: float = 0.3
    retry_max_delay: float = 8.0
    last_refresh_error: PlystraAPIError | None = None
    sync_lock: threading.RLock = field(default_factory=threading.RLock)
    async_lock: anyio.Lock | None = None


@dataclass(frozen=True)
class Credential:
    kind: Literal["api_key", "session"]
    value: str


class Deadline:
    """The time budget of one call, retries and token refresh included."""

    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self.ends_at = None if timeout is None or timeout <= 0 else time.monotonic() + timeout

    def remaining(self) -> float | None:
        if self.ends_at is None:
            return None
        left = self.ends_at - time.monotonic()
        if left <= 0:
            raise PlystraTimeoutError(self.timeout or 0.0)
        return left

    def allows(self, delay: float) -> bool:
        return self.ends_at is None or time.monotonic() + delay < self.ends_at

    def expired(self) -> PlystraTimeoutError:
        return PlystraTimeoutError(self.timeout or 0.0)


def expand_path(template: str, params: Mapping[str, Any] | None) -> str:
    out = template
    for name in _placeholders(template):
        value = (params or {}).get(name)
        if value is None or value == "":
            raise PlystraError(f"Missing path parameter `{name}` for {template}.")
        out = out.replace("{" + name + "}", quote(str(value), safe=""))
    return out


def _placeholders(template: str) -> list[str]:
    names: list[str] = []
    rest = template
    while "{" in rest:
        start = rest.index("{")
        end = rest.index("}", start)
        names.append(rest[start + 1 : end])
        rest = rest[end + 1 :]
    return names


def parse_json(response: httpx.Response) -> Any:
    text = response.text
    if not text:
        return None
    try:
        return response.json()
    except ValueError:
        if response.is_success:
            raise PlystraError(f"Expected a JSON body from Core (HTTP {response.status_code}).") from None
        return {"raw": text}


def tokens_from(data: Any) -> Tokens:
    return Tokens(
        access_token=data.get("access_token"),
        refresh_token=data.get("refresh_token"),
        expires_at=data.get("expires_at"),
        refresh_expires_at=data.get("refresh_expires_at"),
    )


class _Core:
    """State handling shared by both transports."""

    def __init__(self, state: State, request_id: str | None) -> None:
        self.state = state
        self.scoped_request_id = request_id

    def credential(self, operation_id: str) -> Credential | None:
        if operation_id in NO_AUTH:
            return None
        if self.state.api_key:
            return Credential("api_key", self.state.api_key)
        if self.state.tokens.access_token:
            return Credential("session", self.state.tokens.access_token)
        return None

    def headers(self, credential: Credential | None, request_id: str) -> dict[str, str]:
        h = {"accept": "application/json", "user-agent": f"plystra-python/{__version__}"}
        h.update({k.lower(): v for k, v in self.state.default_headers.items()})
        h["x-request-id"] = request_id
        if credential is not None and credential.kind == "api_key":
            h["x-plystra-api-key"] = credential.value
        elif credential is not None:
            h["authorization"] = f"Bearer {credential.value}"
        return h

    def prepare(
        self,
        method: str,
        path: str,
        path_params: Mapping[str, Any] | None,
        query: Mapping[str, Any] | None,
        request_id: str | None,
        timeout: float | None,
    ) -> tuple[str, dict[str, Any], str, Deadline]:
        url = self.state.base_url + expand_path(path, path_params)
        params = {k: v for k, v in (query or {}).items() if v is not None}
        rid = request_id or self.scoped_request_id or new_request_id()
        return url, params, rid, Deadline(timeout if timeout is not None else self.state.timeout)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**attempt))."""
        ceiling = min(self.state.retry_max_delay, self.state.retry_base_delay * 2**attempt)
        return random.uniform(0, ceiling)

    def retry_delay(
        self, method: str, response: httpx.Response, attempt: int, deadline: Deadline
    ) -> float | None:
        """Seconds to wait before resending, or None when this response is final."""
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        retryable = (method in IDEMPOTENT and response.status_code in RETRYABLE_STATUS) or (
            response.status_code in RETRY_AFTER_STATUS and retry_after is not None
        )
        if not retryable:
            return None
        delay = retry_after if retry_after is not None else self.backoff(attempt)
        if delay > MAX_RETRY_AFTER or not deadline.allows(delay):
            return None
        return delay

    def set_tokens(self, tokens: Tokens) -> None:
        self.state.tokens = tokens
        if tokens.refresh_token is not None:
            self.state.last_refresh_error = None

    def logout_body(self, body: dict[str, Any] | None) -> tuple[dict[str, Any], bool]:
        """Logout by the stored refresh token (no credential needed), else by the bearer token."""
        body = dict(body or {})
        if "refresh_token" not in body and self.state.tokens.refresh_token:
            body["refresh_token"] = self.state.tokens.refresh_token
        return body, "refresh_token" in body


def _client_timeout(deadline: Deadline) -> httpx.Timeout:
    return httpx.Timeout(deadline.remaining())


class SyncTransport(_Core):
    """Blocking transport over ``httpx.Client``; safe to share across threads."""

    def __init__(self, state: State, http: httpx.Client, request_id: str | None = None) -> None:
        super().__init__(state, request_id)
        self.http = http

    def scoped(self, request_id: str) -> SyncTransport:
        return SyncTransport(self.state, self.http, request_id)

    def store_tokens(self, tokens: Tokens) -> None:
        self.set_tokens(tokens)
        if self.state.on_token_change is not None:
            self.state.on_token_change(replace(tokens))

    def request(self, operation_id: str, method: str, path: str, **kwargs: Any) -> Any:
        envelope = self.call(operation_id, method, path, **kwargs)
        return envelope.get("data") if isinstance(envelope, Mapping) else envelope

    def list(self, operation_id: str, method: str, path: str, **kwargs: Any) -> Page[Any]:
        query = dict(kwargs.pop("query", None) or {})

        def fetch(cursor: str | None) -> Page[Any]:
            q = dict(query)
            if cursor is not None:
                q["cursor"] = cursor
            return Page(self.call(operation_id, method, path, query=q, **kwargs), fetch)

        return fetch(query.pop("cursor", None))

    def call(
        self,
        operation_id: str,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        request_id: str | None = None,
        timeout: float | None = None,
    ) -> Any:
        url, params, rid, deadline = self.prepare(method, path, path_params, query, request_id, timeout)
        if operation_id == "refreshSession":
            return self.refresh((body or {}).get("refresh_token"), url, rid, deadline)
        no_auth = False
        if operation_id == "logout":
            body, no_auth = self.logout_body(body)
        refreshed = False
        while True:
            credential = None if no_auth else self.credential(operation_id)
            response = self.send(method, url, params, body, self.headers(credential, rid), deadline)
            payload = parse_json(response)
            if response.is_success:
                if operation_id == "login":
                    self.store_tokens(tokens_from(payload["data"]))
                elif operation_id == "logout":
                    self.store_tokens(Tokens())
                return payload
            if (
                response.status_code == 401
                and not refreshed
                and credential is not None
                and credential.kind == "session"
                and self.state.tokens.refresh_token is not None
            ):
                refreshed = True
                if self.refresh_after_unauthorized(credential.value, deadline):
                    continue
            raise error_from_response(response, payload)

    def refresh(self, explicit: str | None, url: str, request_id: str, deadline: Deadline) -> Any:
        """Rotates both tokens. Holds the client's refresh lock so concurrent refreshes never replay
        one refresh token (Core treats a replayed refresh token as theft and ends the session)."""
        if not self.acquire(deadline):
            raise deadline.expired()
        try:
            token = explicit or self.state.tokens.refresh_token
            if not token:
                raise PlystraError("No refresh token: log in first or pass one to auth.refresh().")
            return self.perform_refresh(token, url, request_id, deadline)
        finally:
            self.state.sync_lock.release()

    def acquire(self, deadline: Deadline) -> bool:
        remaining = deadline.remaining()
        return self.state.sync_lock.acquire(timeout=-1 if remaining is None else remaining)

    def perform_refresh(self, token: str, url: str, request_id: str, deadline: Deadline) -> Any:
        response = self.send(
            "POST", url, {}, {"refresh_token": token}, self.headers(None, request_id), deadline
        )
        payload = parse_json(response)
        if not response.is_success:
            err = error_from_response(response, payload)
            # A refused refresh token is final (expired, revoked or replayed): forget the session.
            if response.status_code == 401 and self.state.tokens.refresh_token == token:
                self.store_tokens(Tokens())
                self.state.last_refresh_error = err
            raise err
        self.store_tokens(tokens_from(payload["data"]))
        return payload

    def refresh_after_unauthorized(self, rejected: str, deadline: Deadline) -> bool:
        """After a 401 on a session call: refresh once (shared by every thread that saw the same
        expired token) and tell the caller whether resending makes sense."""
        if not self.acquire(deadline):
            raise deadline.expired()
        try:
            tokens = self.state.tokens
            if tokens.access_token is not None and tokens.access_token != rejected:
                return True  # another thread already rotated the tokens
            if tokens.refresh_token is None:
                if self.state.last_refresh_error is not None:
                    # The shared refresh failed for good: every waiter gets its own copy of that error.
                    raise copy.copy(self.state.last_refresh_error)
                return False
            url = self.state.base_url + "/api/v1/auth/refresh"
            self.perform_refresh(tokens.refresh_token, url, new_request_id(), deadline)
            return True
        finally:
            self.state.sync_lock.release()

    def send(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any],
        body: dict[str, Any] | None,
        headers: dict[str, str],
        deadline: Deadline,
    ) -> httpx.Response:
        """One logical request: attempts, backoff and Retry-After handling."""
        attempt = 0
        while True:
            try:
                response = self.http.request(
                    method, url, params=params, json=body, headers=headers, timeout=_client_timeout(deadline)
                )
            except httpx.TimeoutException as exc:
                raise deadline.expired() from exc
            except httpx.TransportError as exc:
                # A non-idempotent request may have reached Core; resending could apply it twice.
                if method in IDEMPOTENT and attempt < self.state.max_retries:
                    delay = self.backoff(attempt)
                    if deadline.allows(delay):
                        time.sleep(delay)
                        attempt += 1
                        continue
                raise PlystraNetworkError(f"{method} {url} failed: {exc}") from exc
            if attempt >= self.state.max_retries:
                return response
            delay_or_none = self.retry_delay(method, response, attempt, deadline)
            if delay_or_none is None:
                return response
            response.close()
            time.sleep(delay_or_none)
            attempt += 1


class AsyncTransport(_Core):
    """Asynchronous transport over ``httpx.AsyncClient``; safe to share across tasks."""

    def __init__(self, state: State, http: httpx.AsyncClient, request_id: str | None = None) -> None:
        super().__init__(state, request_id)
        self.http = http

    def scoped(self, request_id: str) -> AsyncTransport:
        return AsyncTransport(self.state, self.http, request_id)

    def lock(self) -> anyio.Lock:
        if self.state.async_lock is None:
            self.state.async_lock = anyio.Lock()
        return self.state.async_lock

    async def store_tokens(self, tokens: Tokens) -> None:
        self.set_tokens(tokens)
        if self.state.on_token_change is not None:
            result = self.state.on_token_change(replace(tokens))
            if inspect.isawaitable(result):
                await result

    async def request(self, operation_id: str, method: str, path: str, **kwargs: Any) -> Any:
        envelope = await self.call(operation_id, method, path, **kwargs)
        return envelope.get("data") if isinstance(envelope, Mapping) else envelope

    async def list(self, operation_id: str, method: str, path: str, **kwargs: Any) -> AsyncPage[Any]:
        query = dict(kwargs.pop("query", None) or {})

        async def fetch(cursor: str | None) -> AsyncPage[Any]:
            q = dict(query)
            if cursor is not None:
                q["cursor"] = cursor
            return AsyncPage(await self.call(operation_id, method, path, query=q, **kwargs), fetch)

        return await fetch(query.pop("cursor", None))

    async def call(
        self,
        operation_id: str,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        request_id: str | None = None,
        timeout: float | None = None,
    ) -> Any:
        url, params, rid, deadline = self.prepare(method, path, path_params, query, request_id, timeout)
        if operation_id == "refreshSession":
            return await self.refresh((body or {}).get("refresh_token"), url, rid, deadline)
        no_auth = False
        if operation_id == "logout":
            body, no_auth = self.logout_body(body)
        refreshed = False
        while True:
            credential = None if no_auth else self.credential(operation_id)
            response = await self.send(method, url, params, body, self.headers(credential, rid), deadline)
            payload = parse_json(response)
            if response.is_success:
                if operation_id == "login":
                    await self.store_tokens(tokens_from(payload["data"]))
                elif operation_id == "logout":
                    await self.store_tokens(Tokens())
                return payload
            if (
                response.status_code == 401
                and not refreshed
                and credential is not None
                and credential.kind == "session"
                and self.state.tokens.refresh_token is not None
            ):
                refreshed = True
                if await self.refresh_after_unauthorized(credential.value, deadline):
                    continue
            raise error_from_response(response, payload)

    async def _locked(self, deadline: Deadline, fn: Callable[[], Awaitable[Any]]) -> Any:
        remaining = deadline.remaining()
        try:
            with anyio.fail_after(remaining):
                await self.lock().acquire()
        except TimeoutError:
            raise deadline.expired() from None
        try:
            return await fn()
        finally:
            self.lock().release()

    async def refresh(self, explicit: str | None, url: str, request_id: str, deadline: Deadline) -> Any:
        """Rotates both tokens under the client's refresh lock (see ``SyncTransport.refresh``)."""

        async def run() -> Any:
            token = explicit or self.state.tokens.refresh_token
            if not token:
                raise PlystraError("No refresh token: log in first or pass one to auth.refresh().")
            return await self.perform_refresh(token, url, request_id, deadline)

        return await self._locked(deadline, run)

    async def perform_refresh(self, token: str, url: str, request_id: str, deadline: Deadline) -> Any:
        response = await self.send(
            "POST", url, {}, {"refresh_token": token}, self.headers(None, request_id), deadline
        )
        payload = parse_json(response)
        if not response.is_success:
            err = error_from_response(response, payload)
            if response.status_code == 401 and self.state.tokens.refresh_token == token:
                await self.store_tokens(Tokens())
                self.state.last_refresh_error = err
            raise err
        await self.store_tokens(tokens_from(payload["data"]))
        return payload

    async def refresh_after_unauthorized(self, rejected: str, deadline: Deadline) -> bool:
        """After a 401 on a session call: one refresh shared by every task that saw the same token."""

        async def run() -> bool:
            tokens = self.state.tokens
            if tokens.access_token is not None and tokens.access_token != rejected:
                return True
            if tokens.refresh_token is None:
                if self.state.last_refresh_error is not None:
                    # The shared refresh failed for good: every waiter gets its own copy of that error.
                    raise copy.copy(self.state.last_refresh_error)
                return False
            url = self.state.base_url + "/api/v1/auth/refresh"
            await self.perform_refresh(tokens.refresh_token, url, new_request_id(), deadline)
            return True

        return bool(await self._locked(deadline, run))

    async def send(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any],
        body: dict[str, Any] | None,
        headers: dict[str, str],
        deadline: Deadline,
    ) -> httpx.Response:
        """One logical request: attempts, backoff and Retry-After handling, within the deadline."""
        attempt = 0
        while True:
            try:
                with anyio.fail_after(deadline.remaining()):
                    response = await self.http.request(
                        method,
                        url,
                        params=params,
                        json=body,
                        headers=headers,
                        timeout=_client_timeout(deadline),
                    )
                    await response.aread()
            except (httpx.TimeoutException, TimeoutError) as exc:
                raise deadline.expired() from exc
            except httpx.TransportError as exc:
                if method in IDEMPOTENT and attempt < self.state.max_retries:
                    delay = self.backoff(attempt)
                    if deadline.allows(delay):
                        await anyio.sleep(delay)
                        attempt += 1
                        continue
                raise PlystraNetworkError(f"{method} {url} failed: {exc}") from exc
            if attempt >= self.state.max_retries:
                return response
            delay_or_none = self.retry_delay(method, response, attempt, deadline)
            if delay_or_none is None:
                return response
            await response.aclose()
            await anyio.sleep(delay_or_none)
            attempt += 1
