"""What an export may carry about people: pseudonyms by default, identifiers only for a proven role.

Fields are classified by name, wherever they sit in a message (``schemas/vaxtrail/*``; a unit test walks every
event message and fails on a field whose name looks personal and is not classified here):

- **person ids** (:data:`PERSON_FIELDS`, and the aggregate id of :data:`PERSON_AGGREGATES`) and **actor ids**
  (:data:`ACTOR_FIELDS`, the envelope's ``actor_id``; a citizen's actor id is their account or person id)
  become ``ps_`` + the first 32 hex digits of HMAC-SHA256(export key, id): stable within one key, so joins
  across topics still work, and not reversible without the key;
- **direct identifiers** (:data:`DIRECT_IDENTIFIERS`: names, identity document numbers, phones, the address
  below the district, evidence references) are left out; a date of birth becomes its year
  (``birth_year``); a corrected value of one of these fields (``changes``) is left out, a corrected date of
  birth keeps its year.

With :class:`Identifiers` (a national_admin token with national scope, checked by the CLI) nothing is
pseudonymised or left out.
"""

from __future__ import annotations

import abc
import hashlib
import hmac
from dataclasses import dataclass

PERSON_FIELDS = frozenset({"person_id", "merged_person_id", "surviving_person_id", "subject_person_id",
                           "account_id"})
ACTOR_FIELDS = frozenset({"actor_id", "approver_id", "assessor_id", "classified_by", "opened_by", "performer_id",
                          "presence_override_by", "reporter_id", "screener_id", "registered_by"})
DIRECT_IDENTIFIERS = frozenset({"national_id", "full_name", "family_name", "given_name", "phone",
                                "address.address_line", "address.commune_code", "evidence"})
"""Bare names anywhere, dotted names only inside that field (a location's own commune code is kept)."""
BIRTH_DATE = "date_of_birth"
PERSON_AGGREGATES = frozenset({"person", "national_id", "dose_record", "person_certificates"})
BENIGN = frozenset({"actor_role", "name", "national_id_kind", "nationality", "registered_by_kind", "reason",
                    "person_revision", "date_of_birth_estimated", "presence_override_reason", "comment",
                    "staff", "address", "rejection_reason", "discrepancy_reasons", "planned_persons",
                    "upload_line", "screening_reference", "allocation_line_id", "line_id", "lines",
                    "supplied_by", "due_by", "use_by_date", "decided_at", "assessed_at", "reported_at",
                    "screened_at", "assessments", "completion_deadline_date"})
"""Field names that look personal (the unit test's pattern) but are not: roles, kinds, codes, times."""

MIN_KEY_BYTES = 32


def is_identifier(name: str) -> bool:
    """``name`` is a field path (``address.address_line``) or a corrected field's name (FieldChange.field)."""
    return name in DIRECT_IDENTIFIERS or name.rsplit(".", 1)[-1] in {"national_id", "full_name", "family_name",
                                                                     "given_name", "phone", "address_line",
                                                                     "evidence"}


class Policy(abc.ABC):
    """How one export treats person data; :class:`Pseudonymised` or :class:`Identifiers`."""

    mode: str
    pseudonymous: bool

    @abc.abstractmethod
    def person(self, value: str) -> str:
        """The value written for a person id."""

    @abc.abstractmethod
    def describe(self) -> dict:
        """What the export records about its treatment of person data."""


@dataclass(frozen=True)
class Pseudonymised(Policy):
    key: bytes
    mode: str = "pseudonymised"
    pseudonymous: bool = True

    def __post_init__(self) -> None:
        if len(self.key) < MIN_KEY_BYTES:
            raise ValueError(f"the export key must hold at least {MIN_KEY_BYTES} bytes (it has {len(self.key)})")

    def person(self, value: str) -> str:
        if not value:
            return value
        return "ps_" + hmac.new(self.key, value.encode(), hashlib.sha256).hexdigest()[:32]

    @property
    def fingerprint(self) -> str:
        """Names the key without revealing it (a resumed export must use the same key)."""
        return hashlib.sha256(b"vaxtrail-export-key:" + self.key).hexdigest()[:16]

    def describe(self) -> dict:
        return {"mode": self.mode, "key_fingerprint": self.fingerprint}


@dataclass(frozen=True)
class Identifiers(Policy):
    """Direct identifiers and clear ids, for the principal who proved the role (kept in the export state)."""

    actor_id: str
    role: str
    mode: str = "identifiers"
    pseudonymous: bool = False

    def person(self, value: str) -> str:
        return value

    def describe(self) -> dict:
        return {"mode": self.mode, "exported_by": self.actor_id, "role": self.role}


IDENTIFIER_ROLE = "national_admin"
IDENTIFIER_SCOPE = "national"


def read_key(path) -> bytes:
    from pathlib import Path

    key = Path(path).read_bytes().strip()
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"{path}: an export key holds at least {MIN_KEY_BYTES} bytes")
    return key


def new_key(path) -> None:
    """Write a fresh random key (hex, mode 0600); refuses to overwrite one."""
    import os
    import secrets

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32) + "\n")
