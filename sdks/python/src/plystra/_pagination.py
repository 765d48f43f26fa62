"""Keyset pages: ``data`` plus Core's truthful ``cursor``/``has_more``, and iteration across pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Generic, TypeVar

__all__ = ["AsyncPage", "Page"]

T = TypeVar("T")


class _PageBase(Generic[T]):
    def __init__(self, envelope: Any) -> None:
        pagination = envelope.get("pagination") or {}
        #: The items of this page.
        self.data: list[T] = list(envelope.get("data") or [])
        #: Opaque cursor of the next page; None when there is none.
        self.cursor: str | None = pagination.get("cursor")
        #: True when Core has another page.
        self.has_more: bool = bool(pagination.get("has_more"))
        #: The page size Core applied.
        self.limit: int | None = pagination.get("limit")
        #: The request id Core answered this page with.
        self.request_id: str | None = envelope.get("request_id")

    def has_next_page(self) -> bool:
        """True when Core reported another page."""
        return self.has_more and isinstance(self.cursor, str)

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(data=<{len(self.data)} items>, cursor={self.cursor!r}, has_more={self.has_more})"


class Page(_PageBase[T]):
    """One page of a list. Iterating it yields the items of this page and of every later page.

    Example::

        page = client.users.list(limit=50)
        print(len(page.data), page.has_more, page.cursor)
        if page.has_next_page():
            page = page.next_page()
        for user in client.users.iter(limit=100):  # every user, page after page
            print(user["email"])
    """

    def __init__(self, envelope: Any, fetch: Callable[[str], Page[T]]) -> None:
        super().__init__(envelope)
        self._fetch = fetch

    def next_page(self) -> Page[T]:
        """Fetches the following page; raises ``LookupError`` when there is none."""
        if not self.has_next_page() or self.cursor is None:
            raise LookupError("No next page: has_more is False.")
        return self._fetch(self.cursor)

    def iter_pages(self) -> Iterator[Page[T]]:
        """This page, then every later page."""
        page: Page[T] = self
        yield page
        while page.has_next_page():
            page = page.next_page()
            yield page

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data


class AsyncPage(_PageBase[T]):
    """One page of a list on :class:`~plystra.AsyncPlystra`; ``async for`` walks every later page too.

    Example::

        page = await client.users.list(limit=50)
        if page.has_next_page():
            page = await page.next_page()
        async for user in client.users.iter(limit=100):
            print(user["email"])
    """

    def __init__(self, envelope: Any, fetch: Callable[[str], Awaitable[AsyncPage[T]]]) -> None:
        super().__init__(envelope)
        self._fetch = fetch

    async def next_page(self) -> AsyncPage[T]:
        """Fetches the following page; raises ``LookupError`` when there is none."""
        if not self.has_next_page() or self.cursor is None:
            raise LookupError("No next page: has_more is False.")
        return await self._fetch(self.cursor)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """This page, then every later page."""
        page: AsyncPage[T] = self
        yield page
        while page.has_next_page():
            page = await page.next_page()
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item
