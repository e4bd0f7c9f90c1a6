"""Domain errors. Services raise them; the API and pages turn them into responses.

Each carries a message a person can act on (translatable), and where input was bad, one
reason per field, so the caller can point at what to fix.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise


class DomainError(Exception):
    status = 400

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


class InvalidInput(DomainError):
    """Input was refused; nothing was stored."""

    status = 422

    def __init__(
        self, message: str | Promise, errors: Mapping[str, str | Promise] | None = None
    ) -> None:
        super().__init__(message)
        self.errors = dict(errors or {})


class Conflict(DomainError):
    """The state changed under the caller (another reviewer decided first, …)."""

    status = 409


class NotAllowed(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class TooManyRequests(DomainError):
    """The caller's address used a rate-limited endpoint too often; try again later."""

    status = 429
