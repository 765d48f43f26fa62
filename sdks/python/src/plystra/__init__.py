"""``plystra`` — the official Python client for Plystra Core, the self-hosted authorization core.

Example::

    from plystra import Plystra

    client = Plystra("http://localhost:8080")
    client.auth.login("alice@example.com", "plystra-demo")
    decision = client.authz.check(resource_type="invoice", resource_id="invoice_001", action="approve")
    print(decision["decision"])  # "allow"

Wire types (TypedDicts generated from the OpenAPI contract) live in :mod:`plystra.types`.
"""

from ._base import NOT_GIVEN, NotGiven, Tokens
from ._client import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, AsyncPlystra, Plystra
from ._errors import (
    PlystraAPIError,
    PlystraAuthError,
    PlystraAuthorizationError,
    PlystraConflictError,
    PlystraError,
    PlystraNetworkError,
    PlystraNotFoundError,
    PlystraRateLimitError,
    PlystraServerError,
    PlystraTimeoutError,
    PlystraValidationError,
)
from ._pagination import AsyncPage, Page
from ._version import __version__

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "AsyncPage",
    "AsyncPlystra",
    "NotGiven",
    "Page",
    "Plystra",
    "PlystraAPIError",
    "PlystraAuthError",
    "PlystraAuthorizationError",
    "PlystraConflictError",
    "PlystraError",
    "PlystraNetworkError",
    "PlystraNotFoundError",
    "PlystraRateLimitError",
    "PlystraServerError",
    "PlystraTimeoutError",
    "PlystraValidationError",
    "Tokens",
    "__version__",
]
