"""Helpers the read-model projections share."""

from __future__ import annotations

from datetime import date


def day(text: str) -> date | None:
    """A ``YYYY-MM-DD`` wire date, or None for the empty string (not given)."""
    return date.fromisoformat(text) if text else None
