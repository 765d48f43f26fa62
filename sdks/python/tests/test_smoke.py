"""The SDK release smoke list (§7.4), on both clients, against the real Core."""

from __future__ import annotations

import pytest

from plystra import AsyncPlystra, Plystra, PlystraAuthError

from .conftest import ALICE, ALICE_ACTOR, unique


def test_smoke_list_sync(core_url: str) -> None:
    with Plystra(core_url) as c:
        version = c.system.version()
        assert version["version"]

        login = c.auth.login(*ALICE)
        assert login["access_token"].startswith("ply_at_")
        assert login["refresh_token"].startswith("ply_rt_")
        assert c.tokens().access_token == login["access_token"]
        refreshed = c.auth.refresh()
        assert refreshed["access_token"] != login["access_token"]
        assert refreshed["refresh_token"] != login["refresh_token"]
        assert c.tokens().refresh_token == refreshed["refresh_token"]

        me = c.admin.me()
        assert me["user_id"] == "user_alice"
        session = c.auth.me()
        assert session["user"]["id"] == "user_alice"
        assert session["actor"] is not None
        assert session["actor"]["member_id"] == "member_finance_reviewer"

        key = c.api_keys.create(name=unique("py_smoke"), level="instance", permission_keys=["authz:check"])
        assert key["api_key"].startswith("ply_ak_")
        with Plystra(core_url, api_key=key["api_key"]) as service:
            allowed = service.authz.check(
                actor=ALICE_ACTOR, resource_type="invoice", resource_id="invoice_001", action="approve"
            )
            assert allowed["decision"] == "allow"
            revoked = c.api_keys.revoke(key["id"], revoked_reason="smoke done")
            assert revoked["status"] == "revoked"
            with pytest.raises(PlystraAuthError) as info:
                service.authz.check(
                    actor=ALICE_ACTOR, resource_type="invoice", resource_id="invoice_001", action="approve"
                )
            assert info.value.status_code == 401

        rid = unique("req_py_smoke")
        allow = c.authz.check(resource_type="invoice", resource_id="invoice_001", action="approve")
        assert allow["allow"] is True and allow["decision"] == "allow" and allow["deny_code"] is None
        assert allow["audit_log_id"].startswith("audit_")
        deny = c.authz.check(
            resource_type="invoice", resource_id="invoice_002", action="approve", request_id=rid
        )
        assert (deny["allow"], deny["decision"], deny["deny_code"]) == (False, "deny", "SCOPE_OUT_OF_BOUNDS")
        assert c.authz.is_allowed(resource_type="invoice", resource_id="invoice_001", action="approve")
        assert not c.authz.is_allowed(resource_type="invoice", resource_id="invoice_002", action="approve")

        page = c.audit.list(filter_request_id=rid)
        assert [row["id"] for row in page.data] == [deny["audit_log_id"]]
        row = c.audit.get(deny["audit_log_id"])
        assert (row["request_id"], row["decision"]) == (rid, "deny")


@pytest.mark.anyio
async def test_smoke_list_async(core_url: str) -> None:
    async with AsyncPlystra(core_url) as c:
        assert (await c.system.version())["version"]
        login = await c.auth.login(*ALICE)
        refreshed = await c.auth.refresh()
        assert refreshed["refresh_token"] != login["refresh_token"]
        assert c.tokens().access_token == refreshed["access_token"]
        assert (await c.admin.me())["user_id"] == "user_alice"

        key = await c.api_keys.create(
            name=unique("py_smoke_async"), level="instance", permission_keys=["authz:check"]
        )
        async with AsyncPlystra(core_url, api_key=key["api_key"]) as service:
            d = await service.authz.check(
                actor=ALICE_ACTOR,
                resource_type="invoice",
                resource_id="invoice_001",
                action="approve",
            )
            assert d["decision"] == "allow"
            await c.api_keys.revoke(key["id"])
            with pytest.raises(PlystraAuthError):
                await service.authz.check(
                    resource_type="invoice", resource_id="invoice_001", action="approve"
                )

        rid = unique("req_py_smoke_async")
        assert await c.authz.is_allowed(resource_type="invoice", resource_id="invoice_001", action="approve")
        deny = await c.authz.check(
            resource_type="invoice", resource_id="invoice_002", action="approve", request_id=rid
        )
        assert deny["deny_code"] == "SCOPE_OUT_OF_BOUNDS"
        page = await c.audit.list(filter_request_id=rid)
        assert [row["id"] for row in page.data] == [deny["audit_log_id"]]
        assert (await c.audit.get(deny["audit_log_id"]))["decision"] == "deny"
