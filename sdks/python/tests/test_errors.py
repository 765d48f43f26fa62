"""Typed errors for every failure family; a deny is a value, never one of them."""

from __future__ import annotations

import pytest

from plystra import (
    AsyncPlystra,
    Plystra,
    PlystraAPIError,
    PlystraAuthError,
    PlystraAuthorizationError,
    PlystraConflictError,
    PlystraError,
    PlystraNotFoundError,
    PlystraValidationError,
)
from plystra.types import AuthzGrantContext

from .conftest import ALICE, ALICE_ACTOR, BOB, unique


def test_a_revoked_api_key_is_an_auth_error(core_url: str, client: Plystra) -> None:
    key = client.api_keys.create(name=unique("py_revoked"), level="instance", permission_keys=["authz:check"])
    client.api_keys.revoke(key["id"])
    with Plystra(core_url, api_key=key["api_key"]) as service, pytest.raises(PlystraAuthError) as info:
        service.authz.check(
            actor=ALICE_ACTOR, resource_type="invoice", resource_id="invoice_001", action="approve"
        )
    err = info.value
    assert isinstance(err, PlystraAPIError) and isinstance(err, PlystraError)
    assert (err.status_code, err.code) == (401, "AUTHENTICATION_REQUIRED")
    assert err.request_id and err.message


@pytest.mark.anyio
async def test_a_revoked_api_key_is_an_auth_error_async(core_url: str, aclient: AsyncPlystra) -> None:
    key = await aclient.api_keys.create(
        name=unique("py_revoked_async"), level="instance", permission_keys=["authz:check"]
    )
    await aclient.api_keys.revoke(key["id"])
    async with AsyncPlystra(core_url, api_key=key["api_key"]) as service:
        with pytest.raises(PlystraAuthError) as info:
            await service.authz.check(
                actor=ALICE_ACTOR, resource_type="invoice", resource_id="invoice_001", action="approve"
            )
    assert info.value.status_code == 401


def test_bad_input_is_a_validation_error_naming_the_field(client: Plystra) -> None:
    with pytest.raises(PlystraValidationError) as info:
        client.users.create(email="not-an-email", password="long enough passphrase")
    err = info.value
    assert (err.status_code, err.code, err.field) == (400, "VALIDATION_FAILED", "email")
    assert "email" in err.message
    assert err.request_id is not None and err.request_id.startswith("req_")


@pytest.mark.anyio
async def test_a_check_without_a_resource_is_a_validation_error_async(aclient: AsyncPlystra) -> None:
    with pytest.raises(PlystraValidationError) as info:
        await aclient.authz.check(action="")
    assert info.value.field == "action"
    assert info.value.code == "VALIDATION_FAILED"
    with pytest.raises(PlystraValidationError) as bad_email:
        await aclient.users.create(email="not-an-email")
    assert (bad_email.value.status_code, bad_email.value.field) == (400, "email")


def test_not_found_conflict_and_missing_permission(core_url: str, client: Plystra) -> None:
    with pytest.raises(PlystraNotFoundError) as nf:
        client.users.get("user_py_missing")
    assert nf.value.status_code == 404

    email = f"{unique('dup')}@example.com"
    client.users.create(email=email, password="long enough passphrase")
    with pytest.raises(PlystraConflictError) as conflict:
        client.users.create(email=email, password="long enough passphrase")
    assert conflict.value.status_code == 409

    with Plystra(core_url) as bob:
        bob.auth.login(*BOB)
        with pytest.raises(PlystraAuthorizationError) as forbidden:
            bob.users.list(limit=1)
    assert (forbidden.value.status_code, forbidden.value.code) == (403, "ADMIN_PERMISSION_REQUIRED")
    assert str(forbidden.value.details["permission"]).startswith("users:")


@pytest.mark.anyio
async def test_a_wrong_password_stores_no_tokens_async(core_url: str) -> None:
    async with AsyncPlystra(core_url) as c:
        with pytest.raises(PlystraAuthError):
            await c.auth.login(ALICE[0], "wrong password")
        assert c.tokens().access_token is None
        with pytest.raises(PlystraAuthError) as info:
            await c.admin.me()
        assert info.value.code == "AUTHENTICATION_REQUIRED"


def test_a_deny_is_a_value_with_its_audit_row(core_url: str, client: Plystra) -> None:
    key = client.api_keys.create(name=unique("py_deny"), level="instance", permission_keys=["authz:check"])
    try:
        with Plystra(core_url, api_key=key["api_key"]) as service:
            d = service.authz.check(
                actor={**ALICE_ACTOR, "user_member_id": "um_alice_finance_reviewer_revoked"},
                resource_type="invoice",
                resource_id="invoice_001",
                action="approve",
            )
        assert (d["allow"], d["decision"], d["deny_code"]) == (False, "deny", "USER_MEMBER_REVOKED")
        assert client.audit.get(d["audit_log_id"])["decision"] == "deny"
    finally:
        client.api_keys.revoke(key["id"])


GRANTS: list[AuthzGrantContext] = [
    {
        "role_key": "finance_approver",
        "resource": "invoice",
        "action": "approve",
        "scope": "group_tree",
        "scope_anchor_group_path": "finance",
    }
]


@pytest.mark.anyio
async def test_context_mode_decides_allow_and_deny_async(core_url: str, aclient: AsyncPlystra) -> None:
    key = await aclient.api_keys.create(
        name=unique("py_ctx"), level="space", space_id="space_acme", permission_keys=["authz:check"]
    )
    try:
        async with AsyncPlystra(core_url, api_key=key["api_key"]) as service:
            outcomes = []
            for path in ("finance.apac", "legal.emea"):
                d = await service.authz.check(
                    action="approve",
                    actor={
                        "user_id": "user_external_alice",
                        "member_id": "member_external_finance_reviewer",
                        "binding_id": "binding_external_alice_finance",
                        "space_id": "space_acme",
                    },
                    resource={
                        "type": "invoice",
                        "external_id": f"inv_{path}",
                        "space_id": "space_acme",
                        "group_path": path,
                    },
                    grants=GRANTS,
                )
                outcomes.append((d["decision"], d["deny_code"]))
            explained = await service.authz.explain(
                action="approve",
                actor={"user_id": "u_x", "member_id": "m_x", "binding_id": "b_x", "space_id": "space_acme"},
                resource={
                    "type": "invoice",
                    "external_id": "inv_x",
                    "space_id": "space_acme",
                    "group_path": "x",
                },
                grants=GRANTS,
            )
        assert outcomes == [("allow", None), ("deny", "SCOPE_OUT_OF_BOUNDS")]
        assert explained["decision"] == "deny" and explained["trace_id"].startswith("trace_")
    finally:
        await aclient.api_keys.revoke(key["id"])
