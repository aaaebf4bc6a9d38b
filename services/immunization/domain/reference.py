"""Facts from other services' topics that decisions need, as the local read models hold them.

The handlers read these from the immunization database (projections of the registration, inventory and
allocation topics) and pass them to the pure decisions; nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

# Sessions, lot expiry dates and the "same day" rules are days of the campaign calendar: the decisions take
# the campaign zone as an argument and call eventkit.clock (campaign_date, end_of_day).


@dataclass(frozen=True)
class PersonRef:
    person_id: str
    approved: bool
    district_code: str
    date_of_birth: date | None


@dataclass(frozen=True)
class Site:
    location_id: str
    province_code: str
    district_code: str
    hospital_capable: bool

    @property
    def scope_path(self) -> list[str]:
        return ["national", f"province:{self.province_code}", f"district:{self.district_code}",
                f"site:{self.location_id}"]


@dataclass(frozen=True)
class Presentation:
    presentation_id: str
    version: int
    vaccine_code: str
    doses_per_vial: int
    extra_doses_allowed: int
    dose_volume_ml: Decimal | None
    open_vial_window_hours: int
    min_age_years: int
    components: tuple[str, ...]
    series_doses: int
    platform: str


@dataclass(frozen=True)
class Lot:
    """A lot as seen from one site: its status there, its effective expiry, whether the site holds it."""

    lot_id: str
    lot_number: str
    presentation_id: str
    presentation_version: int
    effective_expiry: date
    status: str  # RELEASED | SUSPENDED | RECALLED (the strictest of national, province and site scopes)
    held_at_site: bool
    # Unassessed temperature excursions (id, started at) on the storage unit the site's stock of the lot sits
    # in - on every unit of the site when the stock's unit is not recorded (INV-13).
    open_excursions: tuple[tuple[str, datetime | None], ...] = ()


@dataclass(frozen=True)
class SessionPlan:
    session_id: str
    site_id: str
    session_date: date
    starts_at: datetime
    ends_at: datetime
    presentation_id: str
    district_health_centre_id: str
