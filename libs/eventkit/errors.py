"""Errors every layer shares; :mod:`eventkit.web.problems` turns each into a problem+json response.

Domain modules raise :class:`DomainError` (or a subclass named after the rule it protects); they import
nothing but this module and the standard library.
"""

from __future__ import annotations


class VaxTrailError(Exception):
    """Base class: ``status`` is the HTTP status, ``title`` a short fixed summary."""

    status = 500
    title = "Internal error"

    def __init__(self, detail: str, *, field: str | None = None, rule: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.rule = rule


class DomainError(VaxTrailError):
    """A command broke a business rule (an INV-n). Nothing was appended."""

    status = 422
    title = "Business rule violated"


class NotFound(VaxTrailError):
    status = 404
    title = "Not found"


class ConcurrencyConflict(VaxTrailError):
    """The aggregate changed since the command read it (INV-37). Retry with fresh state."""

    status = 409
    title = "Concurrent modification"


class DuplicateEntity(VaxTrailError):
    """Something that must be unique already exists (e.g. a national ID, INV-31)."""

    status = 409
    title = "Already exists"


class IdempotencyKeyReused(VaxTrailError):
    """The idempotency key was used before for a different request (INV-34)."""

    status = 422
    title = "Idempotency key reused with a different request"
