"""Plumbing shared by the generated resources: the "not given" sentinel, bodies, resource bases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from ._pagination import AsyncPage, Page
    from ._transport import AsyncTransport, SyncTransport

__all__ = ["NOT_GIVEN", "AsyncResource", "NotGiven", "SyncResource", "Tokens", "compact"]


class NotGiven:
    """Marks a keyword argument the caller did not pass (``None`` sends JSON null where allowed).

    Example::

        client.users.update("user_carol", phone=None)  # clears the phone number
        client.users.update("user_carol", username="carol")  # leaves the phone alone
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


@dataclass(frozen=True)
class Tokens:
    """The session tokens a client holds in token mode (all None before login and after logout).

    Example::

        saved = client.tokens()
        other = Plystra(base_url, access_token=saved.access_token, refresh_token=saved.refresh_token)
    """

    access_token: str | None = None
    refresh_token: str | None = None
    #: Access-token expiry (ISO 8601) when known.
    expires_at: str | None = None
    #: Refresh-token expiry (ISO 8601) when known.
    refresh_expires_at: str | None = None


def compact(fields: Mapping[str, Any], nullable: Sequence[str] = ()) -> dict[str, Any]:
    """A JSON body of the given fields: unset ones are left out, and so is ``None`` unless the
    contract lets the field be null (then ``None`` is sent as null)."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if value is NOT_GIVEN or (value is None and key not in nullable):
            continue
        if isinstance(value, (list, tuple)):
            value = list(value)
        out[key] = value
    return out


class SyncResource:
    """Base of every synchronous resource; holds the client's transport."""

    def __init__(self, transport: SyncTransport) -> None:
        self._transport = transport

    def _request(self, operation_id: str, method: str, path: str, **kwargs: Any) -> Any:
        return self._transport.request(operation_id, method, path, **kwargs)

    def _list(self, operation_id: str, method: str, path: str, **kwargs: Any) -> Page[Any]:
        return self._transport.list(operation_id, method, path, **kwargs)


class AsyncResource:
    """Base of every asynchronous resource; holds the client's transport."""

    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport

    async def _request(self, operation_id: str, method: str, path: str, **kwargs: Any) -> Any:
        return await self._transport.request(operation_id, method, path, **kwargs)

    async def _list(self, operation_id: str, method: str, path: str, **kwargs: Any) -> AsyncPage[Any]:
        return await self._transport.list(operation_id, method, path, **kwargs)
