"""Pseudonyms for the partner feeds: keyed hashes that are stable, unlinkable across partners, irreversible.

Every partner gets its own secret, derived from the service's master key and the partner's name, so the same
person has a different key in every partner's feed (two partners cannot join their data on it) and nobody
without the master key can compute a key from a person id (HMAC-SHA256 is a PRF: no reversal, no dictionary
attack over the id space). Nothing secret is stored or published: the master key stays in the service's key
file, and a rebuild derives exactly the same keys again.
"""

from __future__ import annotations

import hashlib
import hmac


def secret_for(master_key: bytes, purpose: str) -> bytes:
    """The secret of one partner (``partner:<name>``) or of one shared feed (``feed:AEFI``)."""
    return hmac.new(master_key, b"vaxtrail-partner-pseudonym:" + purpose.encode(), hashlib.sha256).digest()


def pseudonym(secret: bytes, internal_id: str) -> str:
    return hmac.new(secret, internal_id.encode(), hashlib.sha256).hexdigest()


def person_key(master_key: bytes, partner: str, person_id: str) -> str:
    return pseudonym(secret_for(master_key, f"partner:{partner}"), person_id)


def dose_ref(master_key: bytes, partner: str, dose_event_id: str) -> str:
    """The partner's reference of one dose record: an HMAC of the id of the event that recorded the dose (what
    immunization's corrections and withdrawals name), under a secret of this partner kept apart from its person
    keys'."""
    return pseudonym(secret_for(master_key, f"partner:{partner}:dose"), dose_event_id)


def birth_year(date_of_birth: str) -> int:
    """``YYYY-MM-DD`` (or ``YYYY`` for an estimate) -> the year; 0 when unknown."""
    head = date_of_birth[:4]
    return int(head) if head.isdigit() else 0
