"""Readable test data for the immunization domain: sites, presentations, lots, sessions, visits, doses."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from eventkit.clock import CAMPAIGN_ZONE as LOCAL_TZ
from services.immunization.domain import events as ev
from services.immunization.domain import session, vial, visit
from services.immunization.domain.dose_gate import AdministerDose, DoseContext
from services.immunization.domain.reference import Lot, PersonRef, Presentation, SessionPlan, Site

NOW = datetime(2026, 1, 1, tzinfo=LOCAL_TZ)
COMMUNE = Site("S-79-760-01", "79", "760", hospital_capable=False)
HOSPITAL = Site("H-79-760", "79", "760", hospital_capable=True)


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)


def presentation(name: str) -> Presentation:
    return {
        "AZ": Presentation("AZ-VAXZEVRIA-10", 1, "210", 10, 0, Decimal("0.5"), 6, 18, (), 2, "VIRAL_VECTOR"),
        "PFIZER": Presentation("PFIZER-COMIRNATY-6", 1, "208", 6, 0, Decimal("0.3"), 6, 12, (), 2, "MRNA"),
        "SINOPHARM": Presentation("SINOPHARM-VERO-1", 1, "510", 1, 0, Decimal("0.5"), 6, 18, (), 2, "INACTIVATED"),
        "SPUTNIK-I": Presentation("SPUTNIK-V-I", 1, "SPUTNIK-V", 1, 0, Decimal("0.5"), 6, 18, ("I",), 2,
                                  "VIRAL_VECTOR"),
        "SPUTNIK-II": Presentation("SPUTNIK-V-II", 1, "SPUTNIK-V", 1, 0, Decimal("0.5"), 6, 18, ("II",), 2,
                                   "VIRAL_VECTOR"),
    }[name]


def lot(name: str = "AZ", *, number: str = "ABV5300", status: str = "RELEASED", expiry: date = date(2022, 6, 30),
        held: bool = True) -> Lot:
    p = presentation(name)
    return Lot(f"LOT-{number}", number, p.presentation_id, 1, expiry, status, held)


def plan(day: date, site: Site = COMMUNE, session_id: str = "SES-1") -> SessionPlan:
    return SessionPlan(session_id, site.location_id, day, at(day, 7), at(day, 17), "AZ-VAXZEVRIA-10", "DHC-760")


def open_session(day: date, site: Site = COMMUNE) -> session.Session:
    """An open session (opened at 07:00)."""
    return session.evolve(session.Session.empty(), ev.SessionOpened("SES-1", site.location_id, (), at(day, 7)))


def opened_vial(day: date, vial_id: str = "VIAL-1", name: str = "AZ", drawn: int = 0, site: Site = COMMUNE) -> vial.Vial:
    """A vial of session SES-1 opened at 08:00 (discard at 14:00) with ``drawn`` doses already drawn."""
    p = presentation(name)
    state = vial.evolve(vial.Vial.empty(), ev.VialOpened(vial_id, site.location_id, "SES-1", lot(name).lot_id,
                                                         p.doses_per_vial, at(day, 8), at(day, 14),
                                                         p.presentation_id, 1))
    for i in range(drawn):
        state = vial.evolve(state, ev.VialDoseDrawn(vial_id, f"D-{i}", "P-x", "V-x", "SES-1", site.location_id,
                                                    lot(name).lot_id, at(day, 8, i)))
    return state


def screened_visit(day: date, *, person_id: str = "P-1", outcome_of: dict | None = None) -> visit.Visit:
    """A checked-in visit screened under the ruleset of ``day`` (vitals / answers from ``outcome_of``)."""
    state = visit.evolve(visit.Visit.empty(), ev.PersonCheckedIn("V-1", person_id, "SES-1", at(day, 8), "QR", True,
                                                                 site_id=COMMUNE.location_id))
    spec = outcome_of or {}
    command = visit.Screen("V-1", "screener-1", spec.get("vitals", ev.Vitals(Decimal("36.8"), 78, 120, 75, 16)),
                           tuple(ev.ScreeningAnswer(k, v) for k, v in spec.get("answers", {}).items()),
                           spec.get("pregnancy_weeks"), at(day, 8, 5))
    [screened] = visit.screen(state, command, now=NOW)
    return visit.evolve(state, screened)


ADULT = PersonRef("P-1", True, "760", date(1980, 5, 17))


def context(day: date, name: str = "AZ", *, site: Site = COMMUNE, drawn: int = 0, visit_state=None,
            person: PersonRef = ADULT, lot_state: Lot | None = None, **extra) -> DoseContext:
    return DoseContext(visit_state or screened_visit(day), open_session(day, site), site, lot_state or lot(name),
                       presentation(name), person, "screening-event-1", vial=opened_vial(day, "VIAL-1", name, drawn, site),
                       **extra)


def dose(day: date, hour: int = 9, minute: int = 0, **changes) -> AdministerDose:
    command = AdministerDose("D-NEW", "P-1", "V-1", "VIAL-1", "PRIMARY", 1, at(day, hour, minute), "vaccinator-1")
    return replace(command, **changes)


def given(day: date, name: str = "AZ", series: str = "PRIMARY", number: int = 1, dose_id: str | None = None,
          component: str = "") -> ev.DoseAdministered:
    p = presentation(name)
    return ev.DoseAdministered(
        dose_id or f"D-{series}-{number}", "P-1", f"V-{day}", "SES-0", COMMUNE.location_id, at(day, 9),
        p.presentation_id, lot(name).lot_id, "ABV5300", date(2022, 6, 30), "VIAL-0", series, number, Decimal("0.5"),
        "IM", "LEFT_DELTOID", "vaccinator-1", "s-1", False, None, "", 0, p.vaccine_code, component,
        "VN-SCHEDULE", True, p.platform)

