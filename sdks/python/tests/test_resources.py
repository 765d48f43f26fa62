"""The generated resource layer end to end: build a tenant with the management API, then decide on it."""

from __future__ import annotations

import inspect

import pytest
import yaml

from plystra import AsyncPlystra, Plystra, PlystraAuthorizationError

from .conftest import REPO_ROOT, unique


def test_a_tenant_built_through_the_sdk_decides_allow_and_deny(core_url: str, client: Plystra) -> None:
    tag = unique("py")
    space = client.spaces.create(name=f"Python {tag}", slug=tag.replace("_", "-"))
    sid = space["id"]
    finance = client.groups.create(sid, name="finance")
    apac = client.groups.create(sid, name="apac", parent_group_id=finance["id"])
    legal = client.groups.create(sid, name="legal")
    assert apac["path"] == "finance.apac"
    assert [g["path"] for g in client.groups.tree(sid).data] == ["finance", "finance.apac", "legal"]
    assert client.groups.get(apac["id"])["id"] == client.groups.get_in_space(sid, apac["id"])["id"]

    member = client.members.create(sid, display_name="Reviewer")
    password = "long enough passphrase"
    user = client.users.create(email=f"{tag}@example.com", password=password, phone="+15550100")
    binding = client.user_members.create(sid, user_id=user["id"], member_id=member["id"])
    role = client.roles.create(sid, key="approver", name="Approver")
    client.role_permissions.create(role_id=role["id"], permission_id="perm_invoice_approve_group_tree")
    client.member_roles.create(
        sid, member_id=member["id"], role_id=role["id"], scope_anchor_group_id=finance["id"]
    )
    inside = client.resources.create_in_space(sid, resource_type="invoice", group_id=apac["id"])
    outside = client.resources.create_in_space(sid, resource_type="invoice", group_id=legal["id"])
    assert client.resources.get("invoice", inside["id"])["space_id"] == sid

    # Keywords left out are not sent; None sends null where the contract allows it.
    renamed = client.users.update(user["id"], username=f"{tag}_name")
    assert renamed["phone"] == "+15550100"
    cleared = client.users.update(user["id"], phone=None)
    assert cleared["phone"] is None
    assert cleared["username"] == f"{tag}_name"

    # A session needs the `authz:check` admin permission to ask Core; grant it within the new Space.
    grant = client.admin.create_grant(
        user_id=user["id"], level="space_admin", space_id=sid, permission_key="authz:check"
    )
    with Plystra(core_url) as person:
        person.auth.login(user["email"], password)
        assert person.actor.context()["actor"]["member_id"] == member["id"]
        allow = person.authz.check(resource_type="invoice", resource_id=inside["id"], action="approve")
        deny = person.authz.check(resource_type="invoice", resource_id=outside["id"], action="approve")
        assert (allow["decision"], deny["decision"], deny["deny_code"]) == (
            "allow",
            "deny",
            "SCOPE_OUT_OF_BOUNDS",
        )
        with pytest.raises(PlystraAuthorizationError):
            person.spaces.disable(sid)

    client.admin.revoke_grant(grant["id"], revoked_reason="test finished")
    client.user_members.revoke(sid, binding["id"], revoked_reason="test finished")
    assert client.user_members.get(binding["id"])["status"] == "revoked"
    assert binding["id"] in [b["id"] for b in client.user_members.iter(sid, status="revoked")]
    assert client.spaces.disable(sid)["status"] == "disabled"
    assert client.spaces.restore(sid)["status"] == "active"


def _operation_ids() -> set[str]:
    spec = yaml.safe_load((REPO_ROOT / "openapi" / "plystra.yaml").read_text())
    return {
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in ("get", "put", "post", "delete", "patch") and "operationId" in op
    }


def _methods(client: object) -> dict[str, inspect.Signature]:
    out: dict[str, inspect.Signature] = {}
    for resource in vars(client):
        if resource.startswith("_"):
            continue
        obj = getattr(client, resource)
        for name, fn in inspect.getmembers(type(obj), inspect.isfunction):
            if not name.startswith("_"):
                out[f"{resource}.{name}"] = inspect.signature(fn)
    return out


def test_every_operation_has_a_method_and_both_clients_match(core_url: str) -> None:
    with Plystra(core_url) as sync:
        sync_methods = _methods(sync)
    async_client = AsyncPlystra(core_url)
    async_methods = _methods(async_client)
    assert sync_methods.keys() == async_methods.keys()
    for name, sig in sync_methods.items():
        assert str(sig.parameters) == str(async_methods[name].parameters), name
    # One method per operation (metrics are scraped, not called), each naming its operationId.
    import plystra._generated.resources as generated

    source = inspect.getsource(generated)
    missing = {op for op in _operation_ids() - {"getMetrics"} if f'"{op}"' not in source}
    assert not missing
    assert set(vars(sync)) >= {
        "system", "auth", "actor", "admin", "api_keys", "authz", "audit", "users", "spaces", "groups",
        "members", "user_members", "roles", "member_roles", "permissions", "role_permissions",
        "resource_types", "resources", "data",
    }  # fmt: skip
