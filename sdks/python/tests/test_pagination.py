"""Keyset pagination: a list returns a Page; iter() follows cursors across every page."""

from __future__ import annotations

import pytest

from plystra import AsyncPlystra, Page, Plystra

from .conftest import Recorder, unique

USERS = "/api/v1/users"


@pytest.fixture(scope="module")
def created(core_url: str) -> list[str]:
    """Five extra users, so a page size of 2 spans at least four pages."""
    with Plystra(core_url) as c:
        c.auth.login("alice@example.com", "plystra-demo")
        tag = unique("page")
        return [
            c.users.create(email=f"{tag}_{i}@example.com", password="long enough passphrase")["id"]
            for i in range(5)
        ]


def test_a_page_has_data_cursor_and_has_more(client: Plystra, created: list[str]) -> None:
    page = client.users.list(limit=2)
    assert isinstance(page, Page)
    assert len(page.data) == 2 and page.has_more is True and isinstance(page.cursor, str)
    assert page.limit == 2
    second = page.next_page()
    assert not {u["id"] for u in second.data} & {u["id"] for u in page.data}


def test_iter_walks_every_item_across_pages_once(core_url: str, created: list[str]) -> None:
    rec = Recorder()
    with Plystra(core_url, http_client=rec.sync_client()) as c:
        c.auth.login("alice@example.com", "plystra-demo")
        ids = [u["id"] for u in c.users.iter(limit=2)]
    assert len(ids) == len(set(ids))
    assert set(created) <= set(ids)
    sent = [r for r in rec.requests if r.url.path == USERS]
    # has_more is truthful: no trailing empty page.
    assert len(sent) == -(-len(ids) // 2) and len(sent) > 1
    assert "cursor" not in sent[0].url.params
    assert all("cursor" in r.url.params and r.url.params["limit"] == "2" for r in sent[1:])


@pytest.mark.anyio
async def test_async_iteration_matches_page_by_page(aclient: AsyncPlystra, created: list[str]) -> None:
    ids = [u["id"] async for u in aclient.users.iter(limit=3)]
    pages = []
    first = await aclient.users.list(limit=3)
    async for p in first.iter_pages():
        pages.append(p)
    assert len(pages) > 1 and pages[-1].has_more is False
    assert ids == [u["id"] for p in pages for u in p.data]
    assert set(created) <= set(ids)
    assert [u["id"] async for u in first] == ids  # iterating a page walks the later pages too


def test_iter_on_space_scoped_lists(client: Plystra) -> None:
    paths = [g["path"] for g in client.groups.iter("space_acme", limit=1)]
    assert "finance" in paths and len(paths) > 1
