"""Step 3, the dose gate: ``administer_dose`` checks INV-20 … INV-28 before a dose is recorded.

It reads the same-visit screening, the session (open?) and the vial the dose is drawn from, the lot and
presentation as the site sees them, the person (age), and from the person's record the earlier doses under
the schedule rules in force on the day and the postponements / contraindications noted by screenings at
other visits. It returns the ``DoseAdministered`` (and ``NextDoseRecommended``) for the person's stream and
the ``VialDoseDrawn`` for the vial's stream; the handler appends them atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal

from eventkit import products
from eventkit.clock import CAMPAIGN_ZONE, campaign_date
from eventkit.errors import DomainError

from . import schedule
from .events import DoseAdministered, IntervalOverride, VialDoseDrawn
from .record import PersonRecord, numbering, recommend
from .reference import Lot, PersonRef, Presentation, Site
from .screening import CAUTION, CONTRAINDICATED, POSTPONED, REFER
from .session import Session
from .vial import Vial, lot_usable
from .visit import Visit

ROUTES = frozenset({"IM", "SC", "ID"})
BODY_SITES = frozenset({"LEFT_DELTOID", "RIGHT_DELTOID", "LEFT_THIGH", "RIGHT_THIGH"})


@dataclass(frozen=True)
class AdministerDose:
    dose_id: str
    person_id: str
    visit_id: str
    vial_opening_id: str
    series: str
    dose_number: int
    administered_at: datetime
    performer_id: str
    route: str = "IM"
    body_site: str = "LEFT_DELTOID"
    lot_id: str = ""
    volume_ml: Decimal | None = None
    heterologous_consent: bool = False
    interval_override: IntervalOverride | None = None
    device_id: str = ""
    device_sequence: int = 0
    device_site: str = ""


@dataclass(frozen=True)
class DoseContext:
    """What the gate sees besides the person's record (loaded by the handler)."""

    visit: Visit
    session: Session
    site: Site
    lot: Lot | None
    presentation: Presentation | None
    person: PersonRef | None
    screening_event_id: str = ""
    read_model_positions: tuple[str, ...] = ()  # what the reference read models had seen (for auditors)
    vial: Vial | None = None  # the stream the command's vial_opening_id names (None: no such stream)
    zone: tzinfo = CAMPAIGN_ZONE  # the campaign zone: the day of a dose is its campaign date


def _reject(detail: str, field: str, rule: str) -> DomainError:
    return DomainError(detail, field=field, rule=rule)


def screening_gate(record: PersonRecord, ctx: DoseContext, presentation: Presentation, administered_at: datetime,
                   day: date) -> None:
    """INV-20: same-visit screening, before the dose, ELIGIBLE (or CAUTION / REFER at a hospital-capable site);
    nothing banned.

    Postponements and contraindications from other visits come from the person's record (event-sourced, and
    version-checked by the dose's append), never from a read model. A contraindication names a product key or
    a platform (screening normalises the answer); an entry stored before that is normalised here too."""
    s = ctx.visit.screening
    if s is None:
        raise _reject("a dose needs a screening at the same visit", "visit_id", "INV-20")
    if s.screened_at is not None and administered_at < s.screened_at:
        raise _reject(f"the dose is timed before the visit's screening at {s.screened_at.isoformat()}",
                      "administered_at", "INV-20")
    if s.outcome == POSTPONED:
        raise _reject(f"the screening postponed vaccination until {s.postponed_until_date}", "visit_id", "INV-20")
    if s.outcome == CONTRAINDICATED:
        raise _reject("the screening found a contraindication", "visit_id", "INV-20")
    if s.outcome in (CAUTION, REFER) and not ctx.site.hospital_capable:
        raise _reject(f"{s.outcome} is vaccinated only at a hospital-capable site", "visit_id", "INV-20")
    visit_id = ctx.visit.visit_id
    banned = {products.contraindication_target(p) or p.strip().upper()
              for p in (*s.contraindicated_products, *record.contraindicated(visit_id))}
    product = schedule.product_of(presentation.vaccine_code)
    if banned & {presentation.presentation_id.upper(), presentation.vaccine_code.upper(), product,
                 presentation.platform.upper()}:
        raise _reject(f"{product} is contraindicated for this person", "vial_opening_id", "INV-20")
    postponed_until = record.postponed_until(visit_id)
    if postponed_until is not None and day < postponed_until:
        raise _reject(f"vaccination is postponed until {postponed_until}", "administered_at", "INV-20")


def vial_checks(command: AdministerDose, ctx: DoseContext) -> tuple[Lot, Presentation]:
    """INV-28 (same lot, same site, through an open vial), INV-10/11, INV-26 window, INV-25 budget."""
    session, vial = ctx.session, ctx.vial
    if vial is None or vial.vial_opening_id != command.vial_opening_id or vial.session_id != session.session_id:
        raise _reject("no such vial opened in this session", "vial_opening_id", "INV-28")
    if command.lot_id and command.lot_id != vial.lot_id:
        raise _reject(f"the dose's lot {command.lot_id} differs from its vial's lot {vial.lot_id}", "lot_id", "INV-28")
    lot = lot_usable(ctx.lot, command.administered_at, zone=ctx.zone)
    presentation = ctx.presentation
    if presentation is None:
        raise _reject("the lot's presentation is unknown here", "vial_opening_id", "INV-28")
    if session.status != "OPEN":
        raise _reject("the session is not open", "vial_opening_id", "INV-26")
    if vial.discarded:
        raise _reject("the vial was already discarded", "vial_opening_id", "INV-26")
    if not vial.opened_at <= command.administered_at < vial.discard_at:
        raise _reject(f"the vial had to be discarded at {vial.discard_at.isoformat()}", "administered_at", "INV-26")
    if vial.drawn >= vial.doses_in_vial + presentation.extra_doses_allowed:
        raise _reject(f"the vial's {vial.doses_in_vial} doses (+{presentation.extra_doses_allowed} extra) are "
                      "all drawn", "vial_opening_id", "INV-25")
    return lot, presentation


def age_and_pregnancy(ctx: DoseContext, presentation: Presentation, rules: schedule.ScheduleRules, day: date) -> None:
    product = schedule.product_of(presentation.vaccine_code)
    person = ctx.person
    if person is None or person.date_of_birth is None:
        raise _reject("the person's date of birth is unknown here", "person_id", "INV-24")
    minimum = max(presentation.min_age_years, rules.min_age.get(product, 18))
    age = schedule.age_on(person.date_of_birth, day)
    if age < minimum:
        raise _reject(f"{product} needs age >= {minimum} on {day} ({rules.rule_id}); the person is {age}",
                      "vial_opening_id", "INV-24")
    screening = ctx.visit.screening
    if screening is not None and screening.pregnancy_weeks is not None and product in rules.not_in_pregnancy:
        raise _reject(f"{product} is not given in pregnancy", "vial_opening_id", "INV-24")


def continuity(record: PersonRecord, command: AdministerDose, presentation: Presentation,
               rules: schedule.ScheduleRules) -> None:
    """INV-22: same product within a primary series unless mixing was allowed that day and consented."""
    product = schedule.product_of(presentation.vaccine_code)
    required = schedule.required_component(product, command.dose_number if command.series == "PRIMARY" else 1)
    given = schedule.component_of(presentation.components, presentation.vaccine_code)
    if required and given != required:
        raise _reject(f"{product} dose {command.dose_number} is component {required}, the vial holds "
                      f"{given or 'an unknown component'}", "vial_opening_id", "INV-22")
    primary = record.valid("PRIMARY")
    earlier = primary[-1].product if primary else product
    if command.series in ("BOOSTER", "ADDITIONAL") and rules.booster_any_product:
        return  # an additional dose follows the booster's product rule (docs/services/immunization.md)
    if command.series == "PRIMARY" and not primary:
        return
    if earlier == product:
        return
    if (earlier, product) not in rules.heterologous:
        raise _reject(f"{earlier} then {product} is not an allowed combination on this date ({rules.rule_id})",
                      "vial_opening_id", "INV-22")
    if not command.heterologous_consent:
        raise _reject(f"{earlier} then {product} needs recorded consent", "heterologous_consent", "INV-22")


def interval(record: PersonRecord, command: AdministerDose, day: date, rules: schedule.ScheduleRules) -> None:
    """INV-21: the minimum interval of the rules in force; an early dose needs an override with an approver."""
    primary = record.valid("PRIMARY")
    if command.series == "PRIMARY":
        if not primary:
            return
        previous = primary[-1]
        rule = rules.primary_interval.get(previous.product)
    else:
        rule = rules.booster if command.series == "BOOSTER" else rules.additional
        if rule is None:
            raise _reject(f"no {command.series.lower()} dose rule is in force on {day} ({rules.rule_id})",
                          "series", "INV-21")
        same = record.valid(command.series)
        previous = same[-1] if same else primary[-1]
    if rule is None:
        return
    days = (day - previous.given_on).days
    if days >= rule.minimum:
        return
    override = command.interval_override
    if override is None or not override.reason.strip() or not override.approver_id.strip():
        raise _reject(f"{days} days after the previous dose; {rules.rule_id} requires at least {rule.minimum} "
                      "(an early dose needs an interval override with reason and approver)", "administered_at",
                      "INV-21")


def administer_dose(record: PersonRecord, command: AdministerDose, ctx: DoseContext, *, now: datetime) -> list:
    visit = ctx.visit
    if not visit.visit_id or visit.person_id != command.person_id or visit.session_id != ctx.session.session_id:
        raise _reject("no check-in of this person at this session", "visit_id", "INV-20")
    if command.administered_at > now + timedelta(minutes=5):
        raise _reject("administered_at is in the future", "administered_at", "INV-8")
    if record.given_at_visit(command.visit_id):
        raise _reject("a dose was already given at this visit", "visit_id", "INV-23")
    if record.dose(command.dose_id) is not None:
        raise _reject("this dose id is already recorded", "dose_id", "INV-34")
    if command.route not in ROUTES or command.body_site not in BODY_SITES:
        raise _reject(f"route must be one of {sorted(ROUTES)}, body_site one of {sorted(BODY_SITES)}", "route",
                      "INV-28")
    lot, presentation = vial_checks(command, ctx)
    day = campaign_date(command.administered_at, ctx.zone)
    screening_gate(record, ctx, presentation, command.administered_at, day)
    rules = schedule.rules_in_force(day)
    age_and_pregnancy(ctx, presentation, rules, day)
    product = schedule.product_of(presentation.vaccine_code)
    numbering(record, command.series, command.dose_number, product, rules)
    continuity(record, command, presentation, rules)
    interval(record, command, day, rules)
    volume = command.volume_ml or presentation.dose_volume_ml or Decimal("0.5")
    dose = DoseAdministered(
        command.dose_id, command.person_id, command.visit_id, ctx.session.session_id, ctx.session.site_id,
        command.administered_at, presentation.presentation_id, lot.lot_id, lot.lot_number, lot.effective_expiry,
        command.vial_opening_id, command.series, command.dose_number, volume, command.route, command.body_site,
        command.performer_id, ctx.screening_event_id, command.heterologous_consent, command.interval_override,
        command.device_id, command.device_sequence, presentation.vaccine_code,
        schedule.component_of(presentation.components, presentation.vaccine_code), rules.rule_id,
        visit.presence_code_verified, presentation.platform, ctx.read_model_positions)
    drawn = VialDoseDrawn(command.vial_opening_id, command.dose_id, command.person_id, command.visit_id,
                          ctx.session.session_id, ctx.session.site_id, lot.lot_id, command.administered_at)
    return [dose, *recommend(record, [dose], day, command.administered_at), drawn]
