"""The person aggregate: identity, priority groups, approval, district assignment and the active appointment.

Pure: ``evolve(state, event)`` and one decision function per command, each raising
:class:`~eventkit.errors.DomainError` (422 naming the rule and field) when the command breaks a rule.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo

from eventkit.clock import CAMPAIGN_ZONE, campaign_date
from eventkit.errors import DomainError
from services.registration.domain import events as ev
from services.registration.domain import validation as v
from services.registration.domain.commands import RegisterPerson
from services.registration.domain.reference import AdminUnits, PriorityCatalogues

PENDING, APPROVED, REJECTED = "PENDING", "APPROVED", "REJECTED"
CHANNELS = ("APP", "PORTAL", "ORGANISATION_BULK", "ON_SITE")


@dataclass(frozen=True)
class References:
    admin_units: AdminUnits
    catalogues: PriorityCatalogues
    zone: tzinfo = CAMPAIGN_ZONE
    """The campaign zone (``CAMPAIGN_TIME_ZONE``): "not in the future" compares campaign days."""

    def today(self, now: datetime) -> date:
        return campaign_date(now, self.zone)


@dataclass(frozen=True)
class Person:
    person_id: str = ""
    details: ev.PersonRegistered | None = None
    status: str = PENDING
    decision: ev.RegistrationApproved | ev.RegistrationRejected | None = None
    groups: tuple[ev.PriorityGroupAssigned, ...] = ()
    district: ev.PersonAssignedToDistrict | None = None
    appointment: ev.AppointmentScheduled | None = None
    merged_into: str = ""

    @classmethod
    def empty(cls) -> Person:
        return cls()

    @property
    def registered(self) -> bool:
        return self.details is not None

    @property
    def province_code(self) -> str:
        return self.details.address.province_code if self.details else ""


def evolve(state: Person, event: object) -> Person:
    if isinstance(event, ev.PersonRegistered):
        return replace(state, person_id=event.person_id, details=event)
    if isinstance(event, ev.PersonDetailsCorrected):
        return replace(state, details=apply_changes(state.details, event.changes))
    if isinstance(event, ev.PersonsMerged):
        return replace(state, merged_into=event.surviving_person_id)
    if isinstance(event, ev.PriorityGroupAssigned):
        return replace(state, groups=(*state.groups, event))
    if isinstance(event, ev.PriorityGroupRevoked):
        return replace(state, groups=tuple(g for g in state.groups if (g.group_code, g.catalogue_version)
                                           != (event.group_code, event.catalogue_version)))
    if isinstance(event, ev.RegistrationApproved):
        return replace(state, status=APPROVED, decision=event)
    if isinstance(event, ev.RegistrationRejected):
        return replace(state, status=REJECTED, decision=event)
    if isinstance(event, ev.PersonAssignedToDistrict):
        return replace(state, district=event)
    if isinstance(event, ev.AppointmentScheduled):
        return replace(state, appointment=event)
    if isinstance(event, ev.AppointmentCancelled):
        return replace(state, appointment=None)
    raise TypeError(f"Person cannot apply {type(event).__name__}")


# -- registration -----------------------------------------------------------------------------------------

def register(state: Person, command: RegisterPerson, refs: References, *, now: datetime) -> list[object]:
    """A new person (plus its priority group when the command names one). Uniqueness: see identity.py."""
    if state.registered:
        raise DomainError(f"person {command.person_id} already exists", field="person_id", rule="INV-31")
    registered = validated_registration(command, refs, today=refs.today(now), now=now)
    produced: list[object] = [registered]
    if command.priority_group:
        evidence = command.priority_evidence or (f"upload:{command.upload_id}:line:{command.upload_line}"
                                                 if command.upload_id else "")
        produced.append(decide_group(Person(command.person_id, registered), command.priority_group, None,
                                     evidence, refs.today(now), refs.catalogues, now=now, zone=refs.zone))
    return produced


def validated_registration(c: RegisterPerson, refs: References, *, today: date, now: datetime) -> ev.PersonRegistered:
    """Every field checked and normalised: the PersonRegistered the command would produce."""
    v.check_date_of_birth(c.date_of_birth, today)
    sex = v.check_choice(c.sex, v.SEXES, "sex")
    nationality = v.check_country(c.nationality)
    national_id = v.normalise_national_id(
        c.national_id_kind, c.national_id, nationality=nationality, province_codes=refs.admin_units.provinces,
        sex=sex, date_of_birth=c.date_of_birth, estimated=c.date_of_birth_estimated)
    refs.admin_units.check(c.address.province_code, c.address.district_code, c.address.commune_code)
    v.check_choice(c.channel, CHANNELS, "channel")
    if c.relationship:
        v.check_choice(c.relationship, v.RELATIONSHIPS, "relationship")
    address = replace(c.address, address_line=v.check_free_text(c.address.address_line, "address.address_line", 200))
    return ev.PersonRegistered(
        person_id=c.person_id, national_id=national_id, national_id_kind=c.national_id_kind,
        full_name=v.normalise_name(c.full_name), date_of_birth=c.date_of_birth,
        date_of_birth_estimated=c.date_of_birth_estimated, sex=sex, phone=v.normalise_phone(c.phone),
        address=address, occupation=v.check_free_text(c.occupation, "occupation", 100), channel=c.channel,
        registered_by=c.registered_by, registered_by_kind=c.registered_by_kind, nationality=nationality,
        account_id=c.account_id, relationship=c.relationship, upload_id=c.upload_id, upload_line=c.upload_line,
        registered_at=now, site_id=c.site_id if c.channel == "ON_SITE" else "",
    )


def require_active(state: Person, field: str = "person_id") -> None:
    if not state.registered:
        raise DomainError("no such person", field=field, rule="person-exists")
    if state.merged_into:
        raise DomainError(f"person {state.person_id} was merged into {state.merged_into}", field=field,
                          rule="person-merged")


# -- corrections ------------------------------------------------------------------------------------------

CORRECTABLE = ("national_id_kind", "national_id", "full_name", "date_of_birth", "date_of_birth_estimated", "sex",
               "phone", "occupation", "nationality", "address.province_code", "address.district_code",
               "address.commune_code", "address.address_line")


def _text(details: ev.PersonRegistered, name: str) -> str:
    value = getattr(details.address, name[8:]) if name.startswith("address.") else getattr(details, name)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, date) else str(value)


def apply_changes(details: ev.PersonRegistered, changes: tuple[ev.FieldChange, ...]) -> ev.PersonRegistered:
    address, updates = details.address, {}
    for change in changes:
        if change.field.startswith("address."):
            address = replace(address, **{change.field[8:]: change.new_value})
        elif change.field == "date_of_birth":
            updates["date_of_birth"] = date.fromisoformat(change.new_value)
        elif change.field == "date_of_birth_estimated":
            updates["date_of_birth_estimated"] = change.new_value == "true"
        else:
            updates[change.field] = change.new_value
    return replace(details, address=address, **updates)


def correct(state: Person, new_values: dict[str, str], reason: str, evidence: str, refs: References, *,
            now: datetime) -> ev.PersonDetailsCorrected:
    """The corrected fields (old -> new) after re-validating the whole corrected record."""
    require_active(state)
    if not reason.strip():
        raise DomainError("a correction needs a reason", field="reason", rule="correction-reason")
    unknown = sorted(set(new_values) - set(CORRECTABLE))
    if unknown:
        raise DomainError(f"{unknown[0]} cannot be corrected", field=f"changes.{unknown[0]}", rule="correctable")
    estimated = new_values.get("date_of_birth_estimated")
    if estimated is not None and estimated not in ("true", "false"):
        # anything else used to read as "false" and come back as "the correction changes nothing"
        raise DomainError("date_of_birth_estimated is true or false", field="changes.date_of_birth_estimated",
                          rule="bool-format")
    old = state.details
    raw = tuple(ev.FieldChange(name, _text(old, name), value) for name, value in sorted(new_values.items()))
    try:
        candidate = apply_changes(old, raw)
    except ValueError as exc:
        raise DomainError(str(exc), field="changes.date_of_birth", rule="date-format") from exc
    checked = validated_registration(_as_command(candidate), refs, today=refs.today(now), now=now)
    changes = tuple(ev.FieldChange(c.field, c.old_value, _text(checked, c.field)) for c in raw)
    changes = tuple(c for c in changes if c.old_value != c.new_value)
    if not changes:
        raise DomainError("the correction changes nothing", field="changes", rule="correction-empty")
    return ev.PersonDetailsCorrected(state.person_id, changes, reason.strip(), evidence.strip(), now)


def _as_command(d: ev.PersonRegistered) -> RegisterPerson:
    return RegisterPerson(
        person_id=d.person_id, national_id_kind=d.national_id_kind, national_id=d.national_id, full_name=d.full_name,
        date_of_birth=d.date_of_birth, sex=d.sex, address=d.address, channel=d.channel,
        registered_by=d.registered_by, registered_by_kind=d.registered_by_kind,
        date_of_birth_estimated=d.date_of_birth_estimated, phone=d.phone, occupation=d.occupation,
        nationality=d.nationality, account_id=d.account_id, relationship=d.relationship)


def merge(survivor: Person, merged: Person, reason: str, *, now: datetime) -> ev.PersonsMerged:
    """Retire ``merged`` in favour of ``survivor`` (an explicit, reasoned merge of duplicates)."""
    require_active(survivor, "surviving_person_id")
    require_active(merged, "merged_person_id")
    if survivor.person_id == merged.person_id:
        raise DomainError("a person cannot be merged into itself", field="merged_person_id", rule="merge")
    if not reason.strip():
        raise DomainError("a merge needs a reason", field="reason", rule="merge")
    if merged.appointment is not None:
        raise DomainError("cancel the merged person's appointment first", field="merged_person_id", rule="merge")
    return ev.PersonsMerged(survivor.person_id, merged.person_id, reason.strip(), now)


# -- priority groups (INV-31) -----------------------------------------------------------------------------

def decide_group(state: Person, group_code: str, catalogue_version: str | None, evidence: str, effective: date,
                 catalogues: PriorityCatalogues, *, now: datetime,
                 zone: tzinfo = CAMPAIGN_ZONE) -> ev.PriorityGroupAssigned:
    require_active(state)
    if effective > campaign_date(now, zone):
        raise DomainError("the effective date is in the future", field="effective_date", rule="INV-31")
    active = catalogues.active(effective)
    if catalogue_version and catalogue_version != active.version:
        raise DomainError(f"catalogue {catalogue_version} is not the version in force on {effective.isoformat()} "
                          f"({active.version})", field="catalogue_version", rule="INV-31")
    if group_code not in {code for code, _ in active.groups}:
        raise DomainError(f"group {group_code!r} is not in catalogue {active.version} "
                          f"({len(active.groups)} groups)", field="group_code", rule="INV-31")
    if not evidence.strip():
        raise DomainError("a priority group is assigned with evidence", field="evidence", rule="INV-31")
    if any((g.group_code, g.catalogue_version) == (group_code, active.version) for g in state.groups):
        raise DomainError(f"{group_code} ({active.version}) is already assigned", field="group_code",
                          rule="priority-group-assigned")
    return ev.PriorityGroupAssigned(state.person_id, group_code, active.version, evidence.strip(), effective, now)


def revoke_group(state: Person, group_code: str, catalogue_version: str, reason: str, evidence: str, *,
                 now: datetime) -> ev.PriorityGroupRevoked:
    require_active(state)
    if not any((g.group_code, g.catalogue_version) == (group_code, catalogue_version) for g in state.groups):
        raise DomainError(f"{group_code} ({catalogue_version}) is not assigned", field="group_code",
                          rule="priority-group-assigned")
    if not reason.strip():
        raise DomainError("a revocation needs a reason", field="reason", rule="priority-group-revoke")
    return ev.PriorityGroupRevoked(state.person_id, group_code, catalogue_version, evidence, reason.strip(), now)


# -- approval and district assignment ---------------------------------------------------------------------

def approve(state: Person, approver_id: str, reason: str, *, now: datetime) -> ev.RegistrationApproved:
    _require_pending(state)
    return ev.RegistrationApproved(state.person_id, approver_id, state.province_code, reason.strip(), now)


def reject(state: Person, approver_id: str, reason: str, *, now: datetime) -> ev.RegistrationRejected:
    _require_pending(state)
    if not reason.strip():
        raise DomainError("a rejection needs a reason", field="reason", rule="approval-reason")
    return ev.RegistrationRejected(state.person_id, approver_id, state.province_code, reason.strip(), now)


def _require_pending(state: Person) -> None:
    require_active(state)
    if state.status != PENDING:
        raise DomainError(f"the registration was already decided ({state.status})", field="person_id",
                          rule="approval-state")


@dataclass(frozen=True)
class DistrictCentre:
    """A district health centre as inventory's LocationRegistered describes it (local read model)."""

    location_id: str
    province_code: str
    district_code: str
    active: bool = True
    source_event_id: str = ""


def assign_district(state: Person, centre: DistrictCentre | None, wave: str, *,
                    now: datetime) -> ev.PersonAssignedToDistrict:
    require_active(state)
    if state.status != APPROVED:
        raise DomainError("only an approved registration is assigned to a district", field="person_id",
                          rule="approval-state")
    if centre is None or not centre.active:
        raise DomainError("unknown or inactive district health centre", field="district_health_centre_id",
                          rule="district-centre")
    if centre.province_code != state.province_code:
        raise DomainError(f"the centre is in province {centre.province_code}, the person in {state.province_code}",
                          field="district_health_centre_id", rule="district-centre")
    if state.district is not None and state.district.district_health_centre_id == centre.location_id:
        raise DomainError("already assigned to this centre", field="district_health_centre_id",
                          rule="district-centre")
    return ev.PersonAssignedToDistrict(state.person_id, centre.location_id, wave, centre.province_code,
                                       centre.district_code, now, centre.source_event_id)
