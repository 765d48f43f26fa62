"""The two clients: :class:`Plystra` (blocking) and :class:`AsyncPlystra` (asyncio/trio)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

from ._base import Tokens
from ._generated.resources import AsyncResourceSet, SyncResourceSet
from ._transport import AsyncTransport, State, SyncTransport, TokenCallback

__all__ = ["DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", "AsyncPlystra", "Plystra"]

#: Seconds one call may take, retries and token refresh included.
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2


def _state(
    base_url: str,
    api_key: str | None,
    access_token: str | None,
    refresh_token: str | None,
    timeout: float | None,
    max_retries: int,
    on_token_change: TokenCallback | None,
    default_headers: dict[str, str] | None,
) -> State:
    if not base_url:
        raise ValueError("base_url is required, e.g. http://localhost:8080")
    return State(
        base_url=base_url.rstrip("/"),
        api_key=api_key,
        tokens=Tokens(access_token=access_token, refresh_token=refresh_token),
        on_token_change=on_token_change,
        timeout=timeout,
        max_retries=max(0, max_retries),
        default_headers=dict(default_headers or {}),
    )


class _ClientMixin:
    _transport: SyncTransport | AsyncTransport

    def tokens(self) -> Tokens:
        """The session tokens currently held (token mode); all None before login and after logout."""
        return self._transport.state.tokens

    def set_tokens(
        self,
        tokens: Tokens | None = None,
        /,
        *,
        access_token: str | None = None,
        refresh_token: str | None = None,
    ) -> None:
        """Replaces the held session tokens, e.g. with ones restored from storage.

        Pass a saved :class:`Tokens` or the two tokens as keywords. Does not call ``on_token_change``.

        Example::

            client.set_tokens(access_token=saved_access, refresh_token=saved_refresh)
        """
        self._transport.set_tokens(
            tokens if tokens is not None else Tokens(access_token=access_token, refresh_token=refresh_token)
        )

    def set_api_key(self, api_key: str | None) -> None:
        """Switches to (or, with None, away from) API-key mode."""
        self._transport.state.api_key = api_key

    @property
    def base_url(self) -> str:
        return self._transport.state.base_url


class Plystra(SyncResourceSet, _ClientMixin):
    """The Plystra Core client. API areas are attributes (``client.authz``, ``client.users``, …).

    Args:
        base_url: Core's URL, e.g. ``http://localhost:8080``.
        api_key: API-key mode: sent as ``X-Plystra-API-Key``; takes precedence over session tokens.
        access_token: token mode: a session access token (``auth.login`` fills it in).
        refresh_token: token mode: enables a transparent refresh when the access token expires.
        timeout: seconds one call may take, retries included (None: no limit). Per call: ``timeout=``.
        max_retries: extra attempts after a retryable failure (see the README's "Retries").
        http_client: your own ``httpx.Client`` (proxies, mTLS, transports); the client leaves it open.
        on_token_change: called with the new :class:`Tokens` after login, refresh and logout.
        default_headers: headers sent on every request.

    Example::

        from plystra import Plystra

        with Plystra("http://localhost:8080") as client:
            client.auth.login("alice@example.com", "plystra-demo")
            d = client.authz.check(resource_type="invoice", resource_id="invoice_001", action="approve")
            print(d["decision"])  # allow

    A client is safe to share across threads; concurrent calls that meet an expired access token
    share one refresh.
    """

    _transport: SyncTransport

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        access_token: str | None = None,
        refresh_token: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        on_token_change: TokenCallback | None = None,
        default_headers: dict[str, str] | None = None,
    ) -> None:
        state = _state(
            base_url,
            api_key,
            access_token,
            refresh_token,
            timeout,
            max_retries,
            on_token_change,
            default_headers,
        )
        self._owns_http = http_client is None
        self._transport = SyncTransport(state, http_client if http_client is not None else httpx.Client())
        self._bind_resources(self._transport)

    def with_request_id(self, request_id: str) -> Plystra:
        """A client sharing this one's credentials, tokens and connection pool that sends
        ``request_id`` as ``X-Request-ID`` on every call.

        Example::

            scoped = client.with_request_id("req_checkout_42")
            scoped.authz.check(resource_type="invoice", resource_id="invoice_001", action="approve")
        """
        scoped = copy.copy(self)
        scoped._owns_http = False
        scoped._transport = self._transport.scoped(request_id)
        scoped._bind_resources(scoped._transport)
        return scoped

    def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        request_id: str | None = None,
        timeout: float | None = None,
    ) -> Any:
        """Calls any route of the contract and returns Core's whole JSON envelope (``data``,
        ``request_id`` and, for lists, ``pagination``), with the client's credentials, refresh,
        retries and typed errors.

        Example::

            envelope = client.request("GET", "/api/v1/users/{user_id}", path_params={"user_id": "user_alice"})
            print(envelope["request_id"], envelope["data"]["email"])
        """
        return self._transport.call(
            "",
            method.upper(),
            path,
            path_params=path_params,
            query=query,
            body=body,
            request_id=request_id,
            timeout=timeout,
        )

    def close(self) -> None:
        """Closes the connection pool (unless you passed ``http_client``)."""
        if self._owns_http:
            self._transport.http.close()

    def __enter__(self) -> Plystra:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Plystra(base_url={self.base_url!r})"


class AsyncPlystra(AsyncResourceSet, _ClientMixin):
    """The asynchronous twin of :class:`Plystra` (same arguments and resources; methods are awaitable).

    Example::

        from plystra import AsyncPlystra

        async with AsyncPlystra("http://localhost:8080") as client:
            await client.auth.login("alice@example.com", "plystra-demo")
            if await client.authz.is_allowed(resource_type="invoice", resource_id="invoice_001",
                                             action="approve"):
                ...
            async for row in client.audit.iter(resource_id="invoice_001"):
                print(row["decision"])

    Concurrent tasks that meet an expired access token share one refresh.
    """

    _transport: AsyncTransport

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        access_token: str | None = None,
        refresh_token: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        on_token_change: TokenCallback | None = None,
        default_headers: dict[str, str] | None = None,
    ) -> None:
        state = _state(
            base_url,
            api_key,
            access_token,
            refresh_token,
            timeout,
            max_retries,
            on_token_change,
            default_headers,
        )
        self._owns_http = http_client is None
        self._transport = AsyncTransport(
            state, http_client if http_client is not None else httpx.AsyncClient()
        )
        self._bind_resources(self._transport)

    def with_request_id(self, request_id: str) -> AsyncPlystra:
        """A client sharing this one's credentials and tokens that sends ``request_id`` on every call."""
        scoped = copy.copy(self)
        scoped._owns_http = False
        scoped._transport = self._transport.scoped(request_id)
        scoped._bind_resources(scoped._transport)
        return scoped

    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        request_id: str | None = None,
        timeout: float | None = None,
    ) -> Any:
        """Calls any route of the contract and returns Core's whole JSON envelope (see
        :meth:`Plystra.request`)."""
        return await self._transport.call(
            "",
            method.upper(),
            path,
            path_params=path_params,
            query=query,
            body=body,
            request_id=request_id,
            timeout=timeout,
        )

    async def aclose(self) -> None:
        """Closes the connection pool (unless you passed ``http_client``)."""
        if self._owns_http:
            await self._transport.http.aclose()

    async def __aenter__(self) -> AsyncPlystra:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"AsyncPlystra(base_url={self.base_url!r})"
