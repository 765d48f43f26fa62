"""Errors are typed by status family; a deny is a normal value and never raised."""

import os

from plystra import (
    Plystra,
    PlystraAPIError,
    PlystraAuthError,
    PlystraAuthorizationError,
    PlystraNetworkError,
    PlystraNotFoundError,
    PlystraTimeoutError,
    PlystraValidationError,
)

with Plystra(os.environ.get("PLYSTRA_BASE_URL", "http://localhost:8080")) as client:
    client.auth.login("alice@example.com", "plystra-demo")

    # A deny: inspect it, do not catch it.
    d = client.authz.check(resource_type="invoice", resource_id="invoice_002", action="approve")
    print(d["allow"], d["deny_code"], d["audit_log_id"])  # False SCOPE_OUT_OF_BOUNDS audit_…

    try:
        client.users.create(email="not-an-email")
    except PlystraValidationError as err:
        print(err.status_code, err.code, err.field, err.request_id)  # 400 VALIDATION_FAILED email req_…
    except PlystraAuthError as err:
        print("log in again:", err.code)  # 401 AUTHENTICATION_REQUIRED / SESSION_EXPIRED
    except PlystraAuthorizationError as err:
        print("missing admin permission:", err.details)  # 403 {"permission": "users:create"}
    except PlystraNotFoundError:
        print("no such entity")
    except PlystraAPIError as err:
        print("other API error", err.status_code, err.code, err.message)
    except (PlystraTimeoutError, PlystraNetworkError) as err:
        print("Core unreachable or slow:", err)
