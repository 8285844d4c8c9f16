"""One family of domain errors: a machine-readable code, a translated message and an
HTTP status. Services raise them; the web layer maps them to responses in one place."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message: str | Promise, *, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    """Someone else changed the thing first, or a limit (stock) would be broken."""

    code = "conflict"
    status = 409
