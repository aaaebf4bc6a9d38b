"""The person's canonical vaccination record and the certificate level it supports (INV-32).

The record is a superset of WHO DDCC:VS core data: name, date of birth, nationality; per dose the product,
manufacturer, lot number, date, centre (site or country), dose number and series doses. It is assembled
from the local read models of the registration, immunization and inventory topics.

Valid doses are the ones not entered in error and not from a recalled lot. The level:

- ``PARTIAL``  at least one valid dose, primary series not complete;
- ``COMPLETE`` valid primary doses >= the series doses of the primary product (2 for AstraZeneca,
  1 for Janssen); for a multi-component product (Sputnik V: component I then II) each dose must be a
  different component - component II twice is not a complete series;
- ``BOOSTER``  complete, plus a valid booster or additional dose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from eventkit.product_codes import ProductCodes


class Level(StrEnum):
    PARTIAL = "PARTIAL"
    COMPLETE = "COMPLETE"
    BOOSTER = "BOOSTER"


PRIMARY, ADDITIONAL, BOOSTER = "PRIMARY", "ADDITIONAL", "BOOSTER"
VALID, ENTERED_IN_ERROR = "VALID", "ENTERED_IN_ERROR"
RELEASED, SUSPENDED, RECALLED = "RELEASED", "SUSPENDED", "RECALLED"


@dataclass(frozen=True)
class Person:
    person_id: str
    full_name: str
    family_name: str
    given_name: str
    date_of_birth: str
    date_of_birth_estimated: bool
    nationality: str
    revision: str  # event id of the registration event the details come from
    merged_into: str = ""
    province_code: str = ""
    district_code: str = ""
    earlier_revisions: tuple[str, ...] = ()  # revisions replaced by PersonDetailsCorrected, oldest first


@dataclass(frozen=True)
class Dose:
    dose_id: str
    revision: str  # event id of the dose event, or of its latest correction
    administered_on: date
    series: str
    dose_number: int
    product: ProductCodes
    lot_number: str
    lot_id: str = ""
    country: str = "VN"
    centre: str = ""
    historical: bool = False
    status: str = VALID
    lot_status: str = RELEASED
    earlier_revisions: tuple[str, ...] = ()  # revisions replaced by DoseCorrected, oldest first
    component: str = ""  # "I" / "II" of a multi-component product (from its vaccine code), else ""

    @property
    def ref(self) -> tuple[str, str]:
        return (self.dose_id, self.revision)


@dataclass(frozen=True)
class CanonicalRecord:
    person_id: str
    person: Person | None
    doses: tuple[Dose, ...] = field(default_factory=tuple)

    def dose(self, dose_id: str) -> Dose | None:
        return next((d for d in self.doses if d.dose_id == dose_id), None)

    @property
    def identified(self) -> bool:
        """Certificates need a registered, not merged-away person."""
        return self.person is not None and not self.person.merged_into


_SERIES_ORDER = {PRIMARY: 0, ADDITIONAL: 1, BOOSTER: 2}


def valid_doses(record: CanonicalRecord) -> list[Dose]:
    """Doses a certificate may attest, in the order given."""
    doses = [d for d in record.doses if d.status == VALID and d.lot_status != RECALLED]
    return sorted(doses, key=lambda d: (d.administered_on, _SERIES_ORDER.get(d.series, 3), d.dose_number, d.dose_id))


def level_of(doses: list[Dose]) -> Level | None:
    """The certificate level the valid doses support (INV-32); None without any valid dose."""
    if not doses:
        return None
    primary = [d for d in doses if d.series == PRIMARY]
    required = primary[0].product.series_doses if primary else 0
    components = {d.component for d in primary if d.component}
    counted = len(components) if components else len(primary)
    complete = bool(primary) and counted >= max(1, required)
    if complete and any(d.series in (ADDITIONAL, BOOSTER) for d in doses):
        return Level.BOOSTER
    return Level.COMPLETE if complete else Level.PARTIAL


def series_doses_for(dose: Dose, doses: list[Dose]) -> int:
    """``sd`` of a DCC entry: the primary series length, or the dose count for booster doses."""
    if dose.series == PRIMARY:
        return max(dose.product.series_doses, dose.dose_number)
    primary = [d for d in doses if d.series == PRIMARY]
    return max(len(primary) + len([d for d in doses if d.series != PRIMARY]), 1)
