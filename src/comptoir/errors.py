"""One family of domain errors: a machine-readable code, a translated message and an
HTTP status. Services raise them; the web layer maps them to responses in one place."""

from __future__ import annotations

from collections.abc import Mapping

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


class InvalidInput(DomainError):
    """Values a service refuses, each message keyed by the field it belongs to, so a
    form can show every one beside its field ("" keys a message about the whole form)."""

    code = "invalid_input"

    def __init__(self, errors: Mapping[str, str | Promise], *, code: str | None = None) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(str(message) for message in self.errors.values()), code=code)
