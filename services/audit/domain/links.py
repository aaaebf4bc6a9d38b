"""Which ids an event names, as *link keys* (pure): the joins every trail is assembled from.

A key is ``kind:value``. Each event type of the five services maps to the keys its payload yields; the
projection stores them beside the envelope (``audit_links``), so a trail is a handful of index look-ups and
nothing depends on the order events arrive in. Payloads are read only for these ids: names, ID numbers and
every other field stay where they are (the audit service keeps a payload's SHA-256, never the payload).

Kinds: ``dose`` ``person`` ``visit`` ``vial`` ``session`` ``shipment`` ``plan`` ``line`` (``plan/line``)
``certificate`` ``aefi`` ``appointment`` ``reservation`` ``lot`` (where the lot went: receipts, movements,
dispensations, vials, AEFIs) ``lotstatus`` (the lot's own life: registered, suspended, released, recalled,
expiry extended) ``lotdose`` (doses given from the lot) ``inflow`` (``lot@location``: stock of the lot arrived
at the location - a receipt, a dispatch towards it, a dispensation to a site) ``dispensed`` (``session/lot``)
``from`` (the location the stock left) ``booking`` (``person@session``: an appointment) ``replaced`` (a
certificate a reissue superseded).

``spec(get)`` functions receive ``get(path) -> list[str]``: the non-empty values of a field (``lines.lot_id``
walks a repeated message field); the projection supplies it over the decoded message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Get = Callable[[str], list[str]]
Spec = Callable[[Get], list[str]]


def key(kind: str, value: str) -> str:
    return f"{kind}:{value}"


def _each(kind: str, *paths: str) -> Spec:
    return lambda get: [key(kind, v) for p in paths for v in get(p)]


def _join(*specs: Spec) -> Spec:
    return lambda get: list(dict.fromkeys(k for s in specs for k in s(get)))


def _inflow(lot_path: str, to_path: str) -> Spec:
    return lambda get: [key("inflow", f"{lot}@{to}") for lot in get(lot_path) for to in get(to_path)]


def _line(plan_path: str = "plan_id", line_path: str = "line_id") -> Spec:
    return lambda get: [key("line", f"{p}/{n}") for p in get(plan_path) for n in get(line_path)]


def _pair(kind: str, left: str, right: str, sep: str) -> Spec:
    return lambda get: [key(kind, f"{a}{sep}{b}") for a in get(left) for b in get(right)]


def _consumed(get: Get) -> list[str]:
    kind = "vial" if get("source") == ["VIAL_OPENED"] else "dose"
    return [key(kind, v) for v in get("reference_id")]


PERSON = _each("person", "person_id")
LOT = _each("lot", "lot_id")
SHIPMENT = _each("shipment", "shipment_id")
PLAN = _each("plan", "plan_id")

_INVENTORY: dict[str, Spec] = {
    "LotRegistered": _each("lotstatus", "lot_id"),
    "LotExpiryExtended": _each("lotstatus", "lot_id"),
    "LotSuspended": _each("lotstatus", "lot_id"),
    "LotReleased": _each("lotstatus", "lot_id"),
    "LotRecalled": _each("lotstatus", "lot_id"),
    "DoseReceived": _join(LOT, _inflow("lot_id", "location_id")),
    "ShipmentDispatched": _join(SHIPMENT, _each("lot", "lines.lot_id"), _inflow("lines.lot_id", "to_location_id"),
                                _each("from", "from_location_id"), _each("plan", "allocation_plan_id"),
                                _line("allocation_plan_id", "allocation_line_id"), _each("session", "session_id"),
                                _pair("dispensed", "session_id", "lines.lot_id", "/")),
    "ShipmentReceived": _join(SHIPMENT, _each("lot", "lines.lot_id")),
    "ShipmentLost": _join(SHIPMENT, _each("lot", "lines.lot_id")),
    "ShipmentReturned": _join(SHIPMENT, _each("lot", "lines.lot_id")),
    "StockIssued": _join(SHIPMENT, LOT),
    "StockTransferredIn": _join(SHIPMENT, LOT),
    "StockAdjusted": LOT,
    "StockMovementReversed": LOT,
    "VialsThawed": LOT,
    "TemperatureExcursionDetected": SHIPMENT,
    "ExcursionAssessed": SHIPMENT,
    "StockConsumed": _join(LOT, _consumed),
    "ConsumptionDiscrepancyDetected": _join(LOT, _consumed),
}

_ALLOCATION: dict[str, Spec] = {
    "AllocationPlanDrafted": _join(PLAN, _each("lot", "lot_ids")),
    "AllocationPlanSubmitted": PLAN,
    "AllocationPlanApproved": PLAN,
    "AllocationPlanRejected": PLAN,
    "BatchAllocated": _join(PLAN, _line()),
    "AllocationReleased": _join(PLAN, _line(), _each("shipment", "shipment_ids")),
    "AllocationLineAmended": _join(PLAN, _line()),
    "AllocationCancelled": _join(PLAN, _line()),
    "DosesReservedForSecondDose": _each("reservation", "reservation_id"),
    "ReservationReleased": _each("reservation", "reservation_id"),
    "SessionPlanned": _each("session", "session_id"),
    "SessionStockDispensed": _join(_each("session", "session_id"), _each("lot", "lines.lot_id"),
                                   _pair("dispensed", "session_id", "lines.lot_id", "/"),
                                   _each("from", "from_location_id")),
}

_VISIT = _each("visit", "visit_id")
_IMMUNIZATION: dict[str, Spec] = {
    "SessionOpened": _each("session", "session_id"),
    "SessionClosed": _each("session", "session_id"),
    "PersonCheckedIn": _join(_VISIT, PERSON),
    "ScreeningCompleted": _join(_VISIT, PERSON),
    "VialOpened": _join(_each("vial", "vial_opening_id"), LOT),
    "VialDiscarded": _join(_each("vial", "vial_opening_id"), LOT),
    "VialRegistered": _join(_each("vial", "vial_opening_id"), _each("session", "session_id")),
    "VialDoseDrawn": _join(_each("vial", "vial_opening_id"), _each("dose", "dose_id"), PERSON, _VISIT),
    "DoseAdministered": _join(_each("dose", "dose_id"), PERSON, _VISIT, _each("vial", "vial_opening_id"),
                              _each("session", "session_id"), _each("lotdose", "lot_id"),
                              _each("site", "site_id")),
    "DoseNotAdministered": _join(PERSON, _VISIT),
    "DoseRecordedHistorical": _join(_each("dose", "dose_id"), PERSON),
    "DoseEnteredInError": _join(_each("dose", "dose_id"), PERSON),
    "DoseCorrected": _join(_each("dose", "dose_id"), PERSON),
    "ObservationCompleted": _join(_VISIT, PERSON),
    "AefiReported": _join(_each("aefi", "aefi_id"), PERSON, _each("dose", "dose_ids"), _each("lot", "lot_ids")),
    "AefiInvestigationOpened": _each("aefi", "aefi_id"),
    "AefiClassified": _join(_each("aefi", "aefi_id"), _each("lot", "lot_ids")),
    "NextDoseRecommended": PERSON,
}

_CERTIFICATE_ID = _each("certificate", "certificate_id")
_CERTIFICATE: dict[str, Spec] = {
    "CertificateIssued": _join(_CERTIFICATE_ID, PERSON, _each("dose", "dose_ids")),
    "CertificateRevoked": _join(_CERTIFICATE_ID, PERSON),
    "CertificateSuspended": _join(_CERTIFICATE_ID, PERSON),
    "CertificateReinstated": _join(_CERTIFICATE_ID, PERSON),
    "CertificateReissued": _join(_each("certificate", "old_certificate_id", "new_certificate_id"),
                                 _each("replaced", "old_certificate_id"), PERSON),
}

_APPOINTMENT = _each("appointment", "appointment_id")
_REGISTRATION: dict[str, Spec] = {
    "PersonsMerged": _each("person", "surviving_person_id", "merged_person_id"),
    "AppointmentScheduled": _join(_APPOINTMENT, PERSON, _pair("booking", "person_id", "session_id", "@")),
    "AppointmentCancelled": _join(_APPOINTMENT, PERSON, _pair("booking", "person_id", "session_id", "@")),
    "SessionSeatReserved": _APPOINTMENT,
    "SessionSeatReleased": _APPOINTMENT,
}

SPECS: dict[str, Spec] = {
    **{f"vaxtrail.inventory.v1.{k}": v for k, v in _INVENTORY.items()},
    **{f"vaxtrail.allocation.v1.{k}": v for k, v in _ALLOCATION.items()},
    **{f"vaxtrail.immunization.v1.{k}": v for k, v in _IMMUNIZATION.items()},
    **{f"vaxtrail.certificate.v1.{k}": v for k, v in _CERTIFICATE.items()},
    **{f"vaxtrail.registration.v1.{k}": v for k, v in _REGISTRATION.items()},
    "vaxtrail.audit.v1.PersonalDataAccessed": _each("person", "subject_person_id"),
}
"""Event type -> its keys. A type that is absent names nothing a trail follows (it still enters the log)."""


def links_of(event_type: str, get: Get, has_field: Callable[[str], bool]) -> list[str]:
    """The keys of one event. Registration types not listed link the person they name, if any."""
    spec = SPECS.get(event_type)
    if spec is None:
        if event_type.startswith("vaxtrail.registration.v1.") and has_field("person_id"):
            spec = PERSON
        else:
            return []
    return [k for k in spec(get) if len(k) <= 400]


def values(keys: Iterable[str], kind: str) -> list[str]:
    """The values of one kind among ``keys`` (``values(["lot:L1", "dose:D"], "lot") == ["L1"]``)."""
    prefix = kind + ":"
    return [k[len(prefix):] for k in keys if k.startswith(prefix)]
