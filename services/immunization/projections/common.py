"""What the reference projections share: tolerant date parsing and the keyed identity-document hash."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date


def day(text: str) -> date | None:
    """A ``YYYY-MM-DD`` field of another service's message, or None when it is empty or not a date."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def service_secret(conn) -> bytes:
    return conn.execute("SELECT secret FROM service_secret WHERE id = 1").fetchone()[0].encode()


def document_hash(secret: bytes, kind: str, number: str) -> str:
    """Keyed hash of an identity document: lets check-in find a person without storing the number."""
    text = f"{kind.strip().upper()}|{number.strip().upper()}"
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()
