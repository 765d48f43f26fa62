"""Generates the SDK's wire types and resource layer from openapi/plystra.yaml.

    src/plystra/types.py                 TypedDicts of every schema (datamodel-code-generator, pinned)
    src/plystra/_generated/resources.py  one method per operation, sync and async (this script)

    python scripts/gen.py          write both files
    python scripts/gen.py --check  fail when a committed file differs from a fresh generation

No tool emits the resource shape the SDK promises (resources as attributes, path parameters
positional, body and query fields as keyword arguments, `Page` results and `iter()` for lists), so
that layer is generated here from the table below. An operation missing from the table still gets
a method (resource from its tag, method name from its operationId) so a spec change never breaks
`pnpm gen`; name it properly by adding a row.
"""

from __future__ import annotations

import keyword
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PKG_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = PKG_DIR.parent.parent
SPEC = REPO_ROOT / "openapi" / "plystra.yaml"
TYPES_FILE = PKG_DIR / "src" / "plystra" / "types.py"
RESOURCES_FILE = PKG_DIR / "src" / "plystra" / "_generated" / "resources.py"

REGEN = "run `pnpm --filter @plystra/sdk-python gen`"

# operationId -> "resource.method" (resource names of the v1.0 Python surface, §7.2).
NAMES: dict[str, str] = {
    "getVersion": "system.version",
    "getHealth": "system.health",
    "getReadiness": "system.ready",
    "login": "auth.login",
    "refreshSession": "auth.refresh",
    "logout": "auth.logout",
    "getAuthMe": "auth.me",
    "register": "auth.register",
    "getActorContext": "actor.context",
    "switchMember": "actor.switch_member",
    "getAdminMe": "admin.me",
    "listAdminGrants": "admin.list_grants",
    "getAdminGrant": "admin.get_grant",
    "createAdminGrant": "admin.create_grant",
    "revokeAdminGrant": "admin.revoke_grant",
    "getConsoleOverview": "admin.overview",
    "listAPIKeys": "api_keys.list",
    "createAPIKey": "api_keys.create",
    "getAPIKey": "api_keys.get",
    "revokeAPIKey": "api_keys.revoke",
    "checkAuthorization": "authz.check",
    "explainAuthorization": "authz.explain",
    "listAuditLogs": "audit.list",
    "getAuditLog": "audit.get",
    "listSpaceAuditLogs": "audit.list_in_space",
    "getSpaceAuditLog": "audit.get_in_space",
    "listUsers": "users.list",
    "createUser": "users.create",
    "getUser": "users.get",
    "updateUser": "users.update",
    "disableUser": "users.disable",
    "restoreUser": "users.restore",
    "listSpaces": "spaces.list",
    "createSpace": "spaces.create",
    "getSpace": "spaces.get",
    "updateSpace": "spaces.update",
    "disableSpace": "spaces.disable",
    "restoreSpace": "spaces.restore",
    "listGroups": "groups.list",
    "getGroupTree": "groups.tree",
    "createGroup": "groups.create",
    "getGroupByID": "groups.get",
    "getGroup": "groups.get_in_space",
    "updateGroup": "groups.update",
    "disableGroup": "groups.disable",
    "listMembers": "members.list",
    "createMember": "members.create",
    "getMemberByID": "members.get",
    "getMember": "members.get_in_space",
    "updateMember": "members.update",
    "disableMember": "members.disable",
    "listUserMembers": "user_members.list",
    "createUserMember": "user_members.create",
    "getUserMemberByID": "user_members.get",
    "getUserMember": "user_members.get_in_space",
    "updateUserMember": "user_members.update",
    "revokeUserMember": "user_members.revoke",
    "listRoles": "roles.list",
    "createRole": "roles.create",
    "getRoleByID": "roles.get",
    "getRole": "roles.get_in_space",
    "updateRole": "roles.update",
    "disableRole": "roles.disable",
    "listMemberRoles": "member_roles.list",
    "createMemberRole": "member_roles.create",
    "getMemberRole": "member_roles.get",
    "revokeMemberRole": "member_roles.revoke",
    "listMemberRoleGrants": "member_roles.list_grants",
    "createMemberRoleGrant": "member_roles.create_grant",
    "getMemberRoleGrant": "member_roles.get_grant",
    "revokeMemberRoleGrant": "member_roles.revoke_grant",
    "listPermissions": "permissions.list",
    "createPermission": "permissions.create",
    "getPermission": "permissions.get",
    "updatePermission": "permissions.update",
    "disablePermission": "permissions.disable",
    "listRolePermissions": "role_permissions.list",
    "createRolePermission": "role_permissions.create",
    "getRolePermission": "role_permissions.get",
    "deleteRolePermission": "role_permissions.revoke",
    "listSpaceRolePermissions": "role_permissions.list_in_space",
    "createSpaceRolePermission": "role_permissions.create_in_space",
    "getSpaceRolePermission": "role_permissions.get_in_space",
    "deleteSpaceRolePermission": "role_permissions.revoke_in_space",
    "listResourceTypes": "resource_types.list",
    "upsertResourceType": "resource_types.upsert",
    "getResourceType": "resource_types.get",
    "listResourceActions": "resource_types.actions",
    "upsertResourceAction": "resource_types.upsert_action",
    "getResourceMapping": "resource_types.mapping",
    "upsertResourceMapping": "resource_types.upsert_mapping",
    "updateResourceMapping": "resource_types.update_mapping",
    "replaceResourceMapping": "resource_types.replace_mapping",
    "listResources": "resources.list",
    "createResource": "resources.create",
    "getResourceByTypeAndID": "resources.get",
    "updateSpaceResource": "resources.update",
    "archiveSpaceResource": "resources.archive",
    "listSpaceResources": "resources.list_in_space",
    "createSpaceResource": "resources.create_in_space",
    "getSpaceResource": "resources.get_in_space",
    "listDataTables": "data.tables",
    "listDataRows": "data.list_rows",
    "getDataRow": "data.get_row",
    "createDataRow": "data.create_row",
    "updateDataRow": "data.update_row",
    "deleteDataRow": "data.delete_row",
}

# Not wrapped: Prometheus text, scraped by Prometheus rather than called from code (as in v1.0).
SKIP = {"getMetrics"}

# Resources in attribute order, each with its class docstring (a short example).
RESOURCES: dict[str, tuple[str, str]] = {
    "system": ("Liveness, readiness and version.", 'info = client.system.version()\nprint(info["version"])'),
    "auth": (
        "Sessions: login stores the tokens on the client, refresh rotates both, logout forgets them.",
        'client.auth.login("alice@example.com", "plystra-demo")\nclient.auth.refresh()\nclient.auth.logout()',
    ),
    "actor": (
        "The session's active actor (a User acting as a Member through a binding).",
        "ctx = client.actor.context()\n"
        'client.actor.switch_member(user_member_id="um_alice_finance_reviewer")',
    ),
    "admin": (
        "The calling principal and management-plane admin grants.",
        "me = client.admin.me()\n"
        'for grant in client.admin.iter_grants(status="active"):\n    print(grant["level"])',
    ),
    "api_keys": (
        "Scoped API keys; `create` returns the plaintext once, as `api_key`.",
        'key = client.api_keys.create(name="billing", level="space", space_id="space_acme",\n'
        '                             permission_keys=["authz:check"])\nclient.api_keys.revoke(key["id"])',
    ),
    "authz": (
        "Authorization decisions. A deny is a return value (`allow` is False), never an exception.",
        'd = client.authz.check(resource_type="invoice", resource_id="invoice_001", action="approve")\n'
        'print(d["decision"], d["deny_code"])',
    ),
    "audit": (
        "The append-only audit log, newest first.",
        'for row in client.audit.iter(resource_id="invoice_001", decision="deny"):\n    print(row["id"])',
    ),
    "users": (
        "Login accounts.",
        'user = client.users.create(email="carol@example.com", password="a long passphrase")\n'
        'client.users.disable(user["id"])',
    ),
    "spaces": ("Tenants.", 'space = client.spaces.create(name="Contoso")'),
    "groups": (
        "The group hierarchy inside a Space (materialised paths such as `finance.apac`).",
        'client.groups.create("space_acme", name="apac", parent_group_id="group_finance")',
    ),
    "members": (
        "Business actors of a Space.",
        'client.members.create("space_acme", display_name="AP Clerk")',
    ),
    "user_members": (
        "Bindings that let a User act as a Member.",
        'client.user_members.create("space_acme", user_id="user_bob", member_id="member_ap_clerk")',
    ),
    "roles": ("Space-local roles.", 'client.roles.create("space_acme", key="approver", name="Approver")'),
    "member_roles": (
        "Grants of roles to Members, optionally anchored at a group.",
        'client.member_roles.create("space_acme", member_id="member_ap_clerk", role_id="role_approver")',
    ),
    "permissions": (
        "Permission triples (`resource`, `action`, `scope`).",
        'client.permissions.create(resource="invoice", action="read", scope="space")',
    ),
    "role_permissions": (
        "Bindings of permissions to roles.",
        'client.role_permissions.create(role_id="role_approver", permission_id="perm_invoice_read")',
    ),
    "resource_types": (
        "The resource registry: types, actions and storage mappings.",
        'client.resource_types.upsert(key="contract", display_name="Contract")',
    ),
    "resources": (
        "Protected resource records.",
        'client.resources.get("invoice", "invoice_001")',
    ),
    "data": (
        "Preview: the data console (needs the Data Console enabled on Core).",
        'for row in client.data.iter_rows("invoice", space_id="space_acme"):\n    print(row["id"])',
    ),
}

TAG_RESOURCES = {
    "System": "system",
    "Console": "admin",
    "Auth": "auth",
    "Actor": "actor",
    "Admin": "admin",
    "API Keys": "api_keys",
    "Authorization": "authz",
    "Users": "users",
    "Spaces": "spaces",
    "Groups": "groups",
    "Members": "members",
    "User Members": "user_members",
    "Roles": "roles",
    "Permissions": "permissions",
    "Resource Types": "resource_types",
    "Resources": "resources",
    "Data Console": "data",
    "Audit": "audit",
}

# Short examples in the docstrings of the most used methods (async docstrings get the awaited form).
METHOD_EXAMPLES = {
    "login": 'client.auth.login("alice@example.com", "plystra-demo")\nprint(client.tokens().expires_at)',
    "checkAuthorization": (
        "# managed mode (a session may omit actor; an API key must name it)\n"
        'd = client.authz.check(resource_type="invoice", resource_id="invoice_001", action="approve")\n'
        'if not d["allow"]:\n    print(d["deny_code"], d["reason"])\n'
        "# Context Mode (API keys): actor, resource and grants inline\n"
        'd = client.authz.check(\n    action="approve",\n'
        '    actor={"user_id": "u1", "member_id": "m1", "binding_id": "b1", "space_id": "space_acme"},\n'
        '    resource={"type": "invoice", "external_id": "inv_9", "space_id": "space_acme",\n'
        '              "group_path": "finance.apac"},\n'
        '    grants=[{"resource": "invoice", "action": "approve", "scope": "group_tree",\n'
        '             "scope_anchor_group_path": "finance"}],\n)'
    ),
    "explainAuthorization": (
        'trace = client.authz.explain(resource_type="invoice", resource_id="invoice_002", action="approve")\n'
        'print(trace["deny_code"], trace["matched_candidates"])'
    ),
    "listAuditLogs": (
        'page = client.audit.list(resource_id="invoice_001", decision="deny", limit=20)\n'
        'print([row["id"] for row in page.data], page.has_more)'
    ),
    "createAPIKey": (
        'key = client.api_keys.create(name="billing", level="space", space_id="space_acme",\n'
        '                             permission_keys=["authz:check"])\n'
        'service = Plystra(base_url, api_key=key["api_key"])  # the plaintext is returned only once'
    ),
}

# Body fields taken positionally (the v1.0 call `auth.login(email, password)`); all others are keywords.
POSITIONAL_BODY = {"login": ["email", "password"]}
# Body fields the client fills in itself when omitted (the stored refresh token).
CLIENT_FILLED = {"refreshSession": {"refresh_token"}, "logout": {"refresh_token"}}
# Per-call options every method takes; a wire parameter of the same name gets a `filter_` prefix.
CALL_OPTIONS = ("request_id", "timeout")
# Extra methods derived from an operation: (name, docstring); they return `allow` as a bool.
BOOL_VARIANTS = {
    "checkAuthorization": (
        "is_allowed",
        "``check`` reduced to its boolean: True only for an allow (same arguments).\n\nExample::\n\n"
        '    if client.authz.is_allowed(resource_type="invoice", resource_id="invoice_001",\n'
        '                               action="approve"):\n'
        "        approve_invoice()",
    )
}

METHODS = ("get", "put", "post", "delete", "patch")


def snake(name: str) -> str:
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    return re.sub(r"[^a-zA-Z0-9]+", "_", s).strip("_").lower()


def fallback_name(op_id: str, resource: str, tag: str) -> str:
    """A method name for an operation missing from NAMES: its operationId in snake_case without the
    words that name the resource (`getAuthMe` under Auth -> `get_me`)."""
    nouns = {resource, *resource.split("_"), *snake(tag).split("_")}
    nouns |= {n[:-1] for n in nouns if n.endswith("s")}
    words = snake(op_id).split("_")
    kept = [w for w in words if w not in nouns]
    return "_".join(kept) if kept else "_".join(words)


def class_name(resource: str, is_async: bool) -> str:
    base = "".join(p.capitalize() for p in resource.split("_"))
    return f"Async{base}" if is_async else base


@dataclass
class Param:
    name: str  # Python name
    wire: str  # name on the wire
    annotation: str
    required: bool
    nullable: bool = False
    description: str = ""


@dataclass
class Operation:
    op_id: str
    method: str
    path: str
    resource: str
    name: str
    summary: str
    path_params: list[Param] = field(default_factory=list)
    query: list[Param] = field(default_factory=list)
    body: list[Param] | None = None
    positional_body: list[str] = field(default_factory=list)
    result: str = "Any"
    is_list: bool = False
    deprecated: bool = False


class Spec:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.schemas: dict[str, Any] = doc.get("components", {}).get("schemas", {})
        self.used: set[str] = set()

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            parts = node["$ref"].lstrip("#/").split("/")
            target: Any = self.doc
            for part in parts:
                target = target[part]
            node = target
        return node

    def object_fields(self, schema: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
        """Properties and required names of an object schema, through `allOf` (all apply) and
        `oneOf`/`anyOf` (every variant's fields are accepted; required only when all variants say so)."""
        schema = self.resolve(schema)
        properties: dict[str, Any] = {}
        required: set[str] = set()
        for part in schema.get("allOf", []):
            p, r = self.object_fields(part)
            properties.update(p)
            required |= r
        variants = [self.object_fields(v) for v in schema.get("oneOf", []) + schema.get("anyOf", [])]
        for p, _ in variants:
            for key, value in p.items():
                properties.setdefault(key, value)
        if variants:
            required |= set.intersection(*(r for _, r in variants))
        properties.update(schema.get("properties", {}))
        required |= set(schema.get("required", []))
        return properties, required

    def annotation(self, schema: dict[str, Any] | None, *, for_input: bool) -> tuple[str, bool]:
        """Python annotation of a schema and whether it admits null."""
        if not schema:
            return "Any", False
        if "$ref" in schema:
            name = schema["$ref"].split("/")[-1]
            if schema["$ref"].startswith("#/components/schemas/") and name.isidentifier():
                self.used.add(name)
                target = self.schemas.get(name, {})
                t = target.get("type")
                nullable = (isinstance(t, list) and "null" in t) or target.get("nullable") is True
                return name, nullable
            return self.annotation(self.resolve(schema), for_input=for_input)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                parts: list[str] = []
                nullable = False
                for sub in schema[key]:
                    if sub.get("type") == "null":
                        nullable = True
                        continue
                    a, n = self.annotation(sub, for_input=for_input)
                    nullable = nullable or n
                    if a not in parts:
                        parts.append(a)
                return " | ".join(parts) or "Any", nullable
        types = schema.get("type")
        type_list = types if isinstance(types, list) else [types] if types else []
        nullable = "null" in type_list or schema.get("nullable") is True
        non_null = [t for t in type_list if t != "null"]
        if "enum" in schema:
            values = [v for v in schema["enum"] if v is not None]
            return "Literal[" + ", ".join(repr(v) for v in values) + "]", nullable or None in schema["enum"]
        parts = []
        for t in non_null or [None]:
            if t == "string":
                parts.append("str")
            elif t == "integer":
                parts.append("int")
            elif t == "number":
                parts.append("float")
            elif t == "boolean":
                parts.append("bool")
            elif t == "array":
                item, _ = self.annotation(schema.get("items"), for_input=for_input)
                parts.append(f"Sequence[{item}]" if for_input else f"builtins.list[{item}]")
            elif t == "object":
                parts.append("Mapping[str, Any]" if for_input else "dict[str, Any]")
            else:
                parts.append("Any")
        return " | ".join(parts), nullable


def operations(spec: Spec) -> list[Operation]:
    ops: list[Operation] = []
    # Names from the table are fixed; a generated name never takes one of them.
    seen: set[tuple[str, str]] = {(r, n) for r, n in (v.split(".") for v in NAMES.values())}
    for path, item in spec.doc.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            raw = item.get(method)
            if not raw or not raw.get("operationId") or raw["operationId"] in SKIP:
                continue
            op_id = raw["operationId"]
            if op_id in NAMES:
                resource, name = NAMES[op_id].split(".")
            else:
                tag = (raw.get("tags") or ["misc"])[0]
                resource = TAG_RESOURCES.get(tag, snake(tag))
                name = fallback_name(op_id, resource, tag)
                if (resource, name) in seen:
                    name = snake(op_id)
                print(f"gen: {op_id} has no row in NAMES; generated as {resource}.{name}", file=sys.stderr)
            seen.add((resource, name))
            op = Operation(
                op_id=op_id,
                method=method.upper(),
                path=path,
                resource=resource,
                name=name,
                summary=(raw.get("summary") or op_id).strip(),
                deprecated=bool(raw.get("deprecated")),
            )
            params = [spec.resolve(p) for p in [*shared, *raw.get("parameters", [])]]
            path_order = re.findall(r"\{([^}]+)\}", path)
            by_name = {p["name"]: p for p in params if p.get("in") == "path"}
            for wire in path_order:
                p = by_name.get(wire, {"name": wire, "schema": {"type": "string"}})
                op.path_params.append(Param(snake(wire), wire, "str", True))
            for p in params:
                if p.get("in") != "query":
                    continue
                ann, _ = spec.annotation(p.get("schema"), for_input=True)
                name = snake(p["name"])
                if name in CALL_OPTIONS or name in {pp.name for pp in op.path_params}:
                    name = f"filter_{name}"
                op.query.append(
                    Param(name, p["name"], ann, bool(p.get("required")), description=p.get("description", ""))
                )
            body = raw.get("requestBody")
            if body:
                schema = body.get("content", {}).get("application/json", {}).get("schema", {})
                properties, required = spec.object_fields(schema)
                op.body = []
                taken = {p.name for p in op.path_params}
                for wire, prop in properties.items():
                    name = snake(wire)
                    if wire in taken or name in taken:
                        continue  # the path names it already
                    if name in CALL_OPTIONS or keyword.iskeyword(name):
                        name = f"{name}_"
                    ann, nullable = spec.annotation(prop, for_input=True)
                    is_required = wire in required and wire not in CLIENT_FILLED.get(op_id, set())
                    op.body.append(
                        Param(name, wire, ann, is_required, nullable, (prop.get("description") or "").strip())
                    )
                op.positional_body = POSITIONAL_BODY.get(op_id, [])
            op.result, op.is_list = result_type(spec, raw)
            ops.append(op)
    return ops


def result_type(spec: Spec, raw: dict[str, Any]) -> tuple[str, bool]:
    for status in sorted(raw.get("responses", {})):
        if not str(status).startswith("2"):
            continue
        content = spec.resolve(raw["responses"][status]).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if not schema:
            return "Any", False
        envelope = spec.resolve(schema)
        props = envelope.get("properties", {})
        data = props.get("data")
        if data is None:
            return "Any", False
        if "pagination" in props:
            items = spec.resolve(data).get("items") if "$ref" in data else data.get("items")
            ann, _ = spec.annotation(items, for_input=False)
            return ann, True
        ann, nullable = spec.annotation(data, for_input=False)
        return (f"{ann} | None" if nullable else ann), False
    return "Any", False


def indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else "" for line in text.split("\n"))


def render_signature(
    op: Operation, *, is_async: bool, name: str, returns: str, for_iter: bool = False
) -> str:
    args = ["self"]
    args += [f"{p.name}: str" for p in op.path_params]
    body = op.body or []
    positional = [p for p in body if p.name in op.positional_body]
    positional.sort(key=lambda p: op.positional_body.index(p.name))
    args += [f"{p.name}: {p.annotation}" for p in positional]
    args.append("*")
    keywords = [p for p in body if p.name not in op.positional_body]
    for p in [*keywords, *op.query]:
        if for_iter and p.wire == "cursor":
            continue
        if p.required:
            args.append(f"{p.name}: {p.annotation}")
        elif p in keywords and p.nullable:
            args.append(f"{p.name}: {p.annotation} | NotGiven | None = NOT_GIVEN")
        else:
            args.append(f"{p.name}: {p.annotation} | None = None")
    args += ["request_id: str | None = None", "timeout: float | None = None"]
    prefix = "async def" if is_async else "def"
    return f"    {prefix} {name}(\n" + "".join(f"        {a},\n" for a in args) + f"    ) -> {returns}:\n"


def asyncify(example: str) -> str:
    """The async spelling of a sync example: awaited calls, `async for` over `iter*` methods."""
    ex = re.sub(r"(^|\W)client\.", r"\1await client.", example)
    ex = re.sub(r"(?m)^(\s*)for ", r"\1async for ", ex)
    return re.sub(r"await (client\.\w+\.iter)", r"\1", ex)


def docstring(op: Operation, extra: str = "", *, is_async: bool = False) -> str:
    lines = [f"{op.summary}.", "", f"``{op.method} {op.path}``" + (f" ({op.op_id})" if op.op_id else "")]
    if extra:
        lines += ["", extra]
    if op.op_id in METHOD_EXAMPLES:
        ex = METHOD_EXAMPLES[op.op_id]
        lines += ["", "Example::", "", indent(asyncify(ex) if is_async else ex, "    ")]
    documented = [p for p in [*(op.body or []), *op.query] if p.description]
    if documented:
        lines += ["", "Args:"]
        for p in documented:
            lines.append(f"    {p.name}: {' '.join(p.description.split())}")
    text = "\n".join(lines).replace("\\", "\\\\")
    return indent(f'"""{text}\n"""', "        ") + "\n"


def call_args(op: Operation, *, for_iter: bool = False) -> str:
    parts = [repr(op.op_id), repr(op.method), repr(op.path)]
    if op.path_params:
        parts.append("path_params={" + ", ".join(f"{p.wire!r}: {p.name}" for p in op.path_params) + "}")
    if op.query:
        items = [f"{p.wire!r}: {p.name}" for p in op.query]
        parts.append("query={" + ", ".join(items) + "}")
    if op.body is not None:
        items = [f"{p.wire!r}: {p.name}" for p in op.body]
        nullable = sorted(p.wire for p in op.body if p.nullable and not p.required)
        body = "body=compact({" + ", ".join(items) + "}"
        if nullable:
            body += ", nullable=(" + "".join(f"{w!r}, " for w in nullable) + ")"
        parts.append(body + ")")
    parts += ["request_id=request_id", "timeout=timeout"]
    return ", ".join(parts)


def iter_name(name: str) -> str:
    if name == "list":
        return "iter"
    if name.startswith("list_"):
        return "iter_" + name[5:]
    return "iter_" + name


def render_method(op: Operation, *, is_async: bool) -> str:
    aw = "await " if is_async else ""
    out = []
    if op.is_list:
        page = f"AsyncPage[{op.result}]" if is_async else f"Page[{op.result}]"
        out.append(render_signature(op, is_async=is_async, name=op.name, returns=page))
        out.append(docstring(op, "Returns one page; ``iter`` methods walk every page.", is_async=is_async))
        out.append(f"        return {aw}self._list({call_args(op)})\n")
        # iter: every item across pages
        iname = iter_name(op.name)
        it = f"AsyncIterator[{op.result}]" if is_async else f"Iterator[{op.result}]"
        out.append("\n" + render_signature(op, is_async=is_async, name=iname, returns=it, for_iter=True))
        kw = [p.name for p in [*(op.body or []), *op.query] if p.wire != "cursor"]
        pos = [p.name for p in op.path_params]
        fwd = ", ".join([*pos, *(f"{k}={k}" for k in kw), "request_id=request_id", "timeout=timeout"])
        out.append(
            indent(
                f'"""Every item of :meth:`{op.name}`, following ``pagination.cursor`` page after page."""',
                "        ",
            )
            + "\n"
        )
        if is_async:
            out.append(f"        page = await self.{op.name}({fwd})\n")
            out.append("        async for item in page:\n            yield item\n")
        else:
            out.append(f"        yield from self.{op.name}({fwd})\n")
        return "".join(out)
    out.append(render_signature(op, is_async=is_async, name=op.name, returns=op.result))
    out.append(docstring(op, is_async=is_async))
    out.append(f"        return cast({op.result!r}, {aw}self._request({call_args(op)}))\n")
    if op.op_id in BOOL_VARIANTS:
        vname, vdoc = BOOL_VARIANTS[op.op_id]
        out.append("\n" + render_signature(op, is_async=is_async, name=vname, returns="bool"))
        vdoc = asyncify(vdoc) if is_async else vdoc
        out.append(indent(f'"""{vdoc}\n"""', "        ") + "\n")
        out.append(f"        return ({aw}self._request({call_args(op)}))" + '["allow"] is True\n')
    return "".join(out)


def render_resources(spec: Spec, ops: list[Operation]) -> str:
    by_resource: dict[str, list[Operation]] = {}
    for op in ops:
        by_resource.setdefault(op.resource, []).append(op)
    order = [r for r in RESOURCES if r in by_resource] + sorted(r for r in by_resource if r not in RESOURCES)
    classes: list[str] = []
    for is_async in (False, True):
        for resource in order:
            doc, example = RESOURCES.get(resource, (f"Operations tagged {resource}.", ""))
            cls = class_name(resource, is_async)
            base = "AsyncResource" if is_async else "SyncResource"
            text = doc
            if example:
                ex = asyncify(example) if is_async else example
                text += "\n\nExample::\n\n" + indent(ex, "    ")
            body = [f"class {cls}({base}):\n", indent(f'"""{text}\n"""', "    ") + "\n"]
            for op in sorted(by_resource[resource], key=lambda o: o.name):
                body.append("\n" + render_method(op, is_async=is_async))
            classes.append("".join(body))
    names = sorted(spec.used)
    attrs = []
    for is_async in (False, True):
        holder = "AsyncResourceSet" if is_async else "SyncResourceSet"
        lines = [
            f"class {holder}:\n",
            f'    """Every resource of the {"async " if is_async else ""}client, as attributes."""\n\n',
        ]
        for resource in order:
            lines.append(f"    {resource}: {class_name(resource, is_async)}\n")
        lines.append("\n    def _bind_resources(self, transport: Any) -> None:\n")
        for resource in order:
            lines.append(f"        self.{resource} = {class_name(resource, is_async)}(transport)\n")
        attrs.append("".join(lines))
    exported = sorted(
        [*(class_name(r, a) for a in (False, True) for r in order), "AsyncResourceSet", "SyncResourceSet"]
    )
    header = (
        f"# Generated by scripts/gen.py from openapi/plystra.yaml. Do not edit by hand: {REGEN}.\n"
        "# One method per operation; `iter*` methods follow list cursors.\n\n"
        "from __future__ import annotations\n\n"
        "import builtins\n"
        "from collections.abc import AsyncIterator, Iterator, Mapping, Sequence\n"
        "from typing import Any, Literal, cast\n\n"
        "from .._base import NOT_GIVEN, AsyncResource, NotGiven, SyncResource, compact\n"
        "from .._pagination import AsyncPage, Page\n"
        "from ..types import (\n" + "".join(f"    {n},\n" for n in names) + ")\n\n"
        "__all__ = [\n" + "".join(f'    "{n}",\n' for n in exported) + "]\n\n"
    )
    return header + "\n\n".join(classes) + "\n\n" + "\n\n".join(attrs)


def run_datamodel_codegen() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "types.py"
        cmd = [
            sys.executable,
            "-m",
            "datamodel_code_generator",
            "--input",
            str(SPEC),
            "--input-file-type",
            "openapi",
            "--output",
            str(out),
            "--output-model-type",
            "typing.TypedDict",
            "--target-python-version",
            "3.10",
            "--enum-field-as-literal",
            "all",
            "--use-standard-collections",
            "--use-union-operator",
            "--no-use-closed-typed-dict",
            "--use-schema-description",
            "--use-field-description",
            "--use-double-quotes",
            "--keep-model-order",
            "--disable-timestamp",
            "--no-formatters",
            "--custom-file-header",
            "# Generated by datamodel-code-generator from openapi/plystra.yaml (TypedDicts of every\n"
            "# schema).\n"
            f"# Do not edit by hand: {REGEN}.",
        ]
        subprocess.run(cmd, check=True, capture_output=True, text=True)
        return out.read_text()


def ruff(text: str, filename: Path) -> str:
    rel = str(filename.relative_to(PKG_DIR))
    exe = Path(sys.executable).parent / "ruff"  # the venv's pinned ruff, even when not on PATH
    ruff_bin = str(exe) if exe.exists() else "ruff"
    fixed = subprocess.run(
        [
            ruff_bin,
            "check",
            "--fix-only",
            "--select",
            "I,F401,UP",
            "--exit-zero",
            "--stdin-filename",
            rel,
            "-",
        ],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        cwd=PKG_DIR,
    ).stdout
    return subprocess.run(
        [ruff_bin, "format", "--stdin-filename", rel, "-"],
        input=fixed,
        capture_output=True,
        text=True,
        check=True,
        cwd=PKG_DIR,
    ).stdout


def main() -> int:
    check = "--check" in sys.argv[1:]
    spec = Spec(yaml.safe_load(SPEC.read_text()))
    ops = operations(spec)
    fresh = {
        TYPES_FILE: ruff(run_datamodel_codegen(), TYPES_FILE),
        RESOURCES_FILE: ruff(render_resources(spec, ops), RESOURCES_FILE),
    }
    if check:
        stale = [p for p, text in fresh.items() if not p.exists() or p.read_text() != text]
        if stale:
            names = " and ".join(str(p.relative_to(REPO_ROOT)) for p in stale)
            print(
                f"gen:check failed: {names} out of date with openapi/plystra.yaml; {REGEN}.", file=sys.stderr
            )
            return 1
        print("gen:check ok: the Python SDK's generated files are up to date with openapi/plystra.yaml.")
        return 0
    for p, text in fresh.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    print(f"wrote {len(ops)} operations: " + " and ".join(str(p.relative_to(REPO_ROOT)) for p in fresh))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
