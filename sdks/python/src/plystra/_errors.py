"""Exceptions. A deny is never one of them: ``authz.check`` returns it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

__all__ = [
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
]


class PlystraError(Exception):
    """Base of every exception the SDK raises.

    Example::

        try:
            client.users.get("user_missing")
        except PlystraNotFoundError as err:
            print(err.code, err.request_id)
    """


class PlystraAPIError(PlystraError):
    """Core answered with an error envelope (any non-2xx status).

    Attributes:
        status_code: HTTP status.
        code: stable UPPER_SNAKE error code, e.g. ``VALIDATION_FAILED``.
        message: human-readable message from Core.
        details: structured context, e.g. ``{"field": "email", ...}`` or ``{"permission": ...}``.
        request_id: the request id Core answered with (quote it in bug reports).
        trace_id: decision trace id, when the error belongs to a decision.
        audit_log_id: audit row id, when the failure was audited.
        deny_code: deny code, when Core attached one.
        retry_after: seconds Core asked to wait (``Retry-After``), else None.
    """

    def __init__(
        self,
        *,
        status_code: int,
        code: str,
        message: str,
        details: Any = None,
        request_id: str | None = None,
        trace_id: str | None = None,
        audit_log_id: str | None = None,
        deny_code: str | None = None,
        retry_after: float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.details = details
        self.request_id = request_id
        self.trace_id = trace_id
        self.audit_log_id = audit_log_id
        self.deny_code = deny_code
        self.retry_after = retry_after
        self.headers: Mapping[str, str] = headers if headers is not None else {}

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructor: rebuild from the attributes (copy, pickle, multiprocessing).
        return (_restore, (type(self), dict(self.__dict__)))

    def __str__(self) -> str:
        rid = f", request_id={self.request_id}" if self.request_id else ""
        return f"{self.status_code} {self.code}: {self.message}{rid}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, code={self.code!r}, "
            f"message={self.message!r}, request_id={self.request_id!r})"
        )


class PlystraValidationError(PlystraAPIError):
    """400: bad input. :attr:`field` names the offending field (``details.field``)."""

    @property
    def fields(self) -> list[str]:
        """Every field Core named (``details.field`` and ``details.fields[].field``)."""
        out: list[str] = []
        d = self.details
        if isinstance(d, Mapping):
            if isinstance(d.get("field"), str):
                out.append(d["field"])
            fields = d.get("fields")
            if isinstance(fields, list):
                for f in fields:
                    name = f.get("field") if isinstance(f, Mapping) else None
                    if isinstance(name, str) and name not in out:
                        out.append(name)
        return out

    @property
    def field(self) -> str | None:
        """The first offending field, when Core named one."""
        fields = self.fields
        return fields[0] if fields else None


class PlystraAuthError(PlystraAPIError):
    """401: missing, invalid, expired or revoked credential.

    Codes: ``AUTHENTICATION_REQUIRED``, ``SESSION_EXPIRED`` (a refresh token that was rotated or revoked).
    """


class PlystraAuthorizationError(PlystraAPIError):
    """403: the credential lacks an admin permission (``details["permission"]``)."""


class PlystraNotFoundError(PlystraAPIError):
    """404: the entity does not exist or is out of the credential's reach."""


class PlystraConflictError(PlystraAPIError):
    """409: a duplicate or an invalid state transition."""


class PlystraRateLimitError(PlystraAPIError):
    """429: rate limited; :attr:`retry_after` says when to try again."""


class PlystraServerError(PlystraAPIError):
    """5xx: Core failed or is not ready."""


class PlystraNetworkError(PlystraError):
    """No HTTP response at all (DNS, refused or reset connection). ``__cause__`` holds httpx's error."""


class PlystraTimeoutError(PlystraError):
    """The call did not finish within its timeout (retries included)."""

    def __init__(self, timeout: float) -> None:
        super().__init__(f"Request timed out after {timeout:g} s.")
        self.timeout = timeout

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.timeout,))


def _restore(cls: type[PlystraAPIError], state: dict[str, Any]) -> PlystraAPIError:
    err = cls.__new__(cls)
    Exception.__init__(err, state.get("message", ""))
    err.__dict__.update(state)
    return err


_BY_STATUS: dict[int, type[PlystraAPIError]] = {
    400: PlystraValidationError,
    401: PlystraAuthError,
    403: PlystraAuthorizationError,
    404: PlystraNotFoundError,
    409: PlystraConflictError,
    429: PlystraRateLimitError,
}


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as delta-seconds or an HTTP date, in seconds; None when absent or unparsable."""
    if value is None or not value.strip():
        return None
    v = value.strip()
    if v.isdigit():
        return float(v)
    try:
        at = parsedate_to_datetime(v)
    except (TypeError, ValueError):
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return max(0.0, (at - datetime.now(timezone.utc)).total_seconds())


def error_from_response(response: httpx.Response, payload: Any) -> PlystraAPIError:
    """Builds the exception class matching the status from an ``{error: {...}}`` envelope."""
    err = payload.get("error") if isinstance(payload, Mapping) else None
    err = err if isinstance(err, Mapping) else {}

    def s(v: Any) -> str | None:
        return v if isinstance(v, str) else None

    status = response.status_code
    cls = _BY_STATUS.get(status) or (PlystraServerError if status >= 500 else PlystraAPIError)
    top_rid = s(payload.get("request_id")) if isinstance(payload, Mapping) else None
    return cls(
        status_code=status,
        code=s(err.get("code")) or f"HTTP_{status}",
        message=s(err.get("message")) or f"HTTP {status} {response.reason_phrase}".strip(),
        details=err.get("details"),
        request_id=s(err.get("request_id")) or top_rid or response.headers.get("x-request-id"),
        trace_id=s(err.get("trace_id")),
        audit_log_id=s(err.get("audit_log_id")),
        deny_code=s(err.get("deny_code")),
        retry_after=parse_retry_after(response.headers.get("retry-after")),
        headers=dict(response.headers),
    )
