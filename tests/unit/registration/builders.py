"""Readable test data for the registration unit tests: reference data, valid IDs and commands."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.registration.bootstrap import load_references
from services.registration.domain import events as ev
from services.registration.domain.person import RegisterPerson
from services.registration.domain.validation import citizen_id_century_digit

REFS = load_references()
NOW = datetime(2021, 7, 20, 9, 0, tzinfo=UTC)


def citizen_id(province: str = "79", sex: str = "FEMALE", born: date = date(1985, 3, 14), serial: int = 1) -> str:
    """A well-formed 12-digit citizen ID: 0 + province, sex/century digit, birth year, serial."""
    return f"0{province}{citizen_id_century_digit(sex, born)}{born:%y}{serial:06d}"


def register(person_id: str = "P-NGUYEN-THI-LAN", **overrides) -> RegisterPerson:
    fields = dict(
        person_id=person_id, national_id_kind="CITIZEN_ID", national_id=citizen_id(), full_name="Nguyễn Thị Lan",
        date_of_birth=date(1985, 3, 14), sex="FEMALE", address=ev.Address("79", "760", "26743", "12 Lê Lợi"),
        channel="APP", registered_by="citizen-lan", phone="0912345678", account_id="citizen-lan",
        relationship="SELF")
    fields.update(overrides)
    return RegisterPerson(**fields)
