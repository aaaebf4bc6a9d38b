"""The person's certificates: one aggregate per person (``certificates:<person_id>``).

Every certificate event of a person goes to one stream, so one optimistic-concurrency check (INV-37)
orders issuance, supersession, suspension and revocation for that person, and a verifier-facing read
model sees them in order (Kafka key = aggregate id).

:func:`synchronise` compares the certificates held with what the canonical record supports now:

1. every non-revoked certificate that attests something no longer true is revoked - a dose entered in
   error, a dose corrected, a dose of a recalled lot, a person merged away or their details corrected
   (INV-32: no certificate stays valid after its dose was entered in error);
2. the certificate the valid doses support (one per format, level by :func:`record.level_of`) is issued
   unless it already exists - its UVCI is derived from the doses, so re-processing issues nothing new;
   the previous current certificate is superseded (``CertificateReissued`` NEW_DOSE) or, when it was
   just revoked, replaced (``CertificateReissued`` CORRECTION) - by a new certificate, or by an earlier
   one that is true again (dose 2 voided: the dose-1 certificate becomes current again); a current
   certificate within ``renew_within`` (30 days) of its expiry is renewed (``CertificateReissued``
   RENEWAL, a new UVCI: the seed plus the renewal generation);
3. certificates attesting a dose of a suspended lot are suspended, and reinstated when it is released.

A superseded certificate (e.g. dose 1 of 2) stays valid: it is still a true statement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from eventkit.errors import DomainError
from services.certificate.domain import uvci
from services.certificate.domain.commands import RevokeCertificate
from services.certificate.domain.events import (
    CertificateIssued,
    CertificateReinstated,
    CertificateReissued,
    CertificateRevoked,
    CertificateSuspended,
)
from services.certificate.domain.record import SUSPENDED, CanonicalRecord, Dose, Level, level_of, valid_doses

EU_DCC = "EU_DCC_HC1"
SMART_HEALTH_CARD = "SMART_HEALTH_CARD"
FORMATS = (EU_DCC, SMART_HEALTH_CARD)
VALIDITY = timedelta(days=365)
RENEW_WITHIN = timedelta(days=30)

ACTIVE, SUPERSEDED, SUSPENDED_STATUS, REVOKED = "ACTIVE", "SUPERSEDED", "SUSPENDED", "REVOKED"
REVOCATION_REASONS = frozenset({"DOSE_ENTERED_IN_ERROR", "DOSE_CORRECTED", "IDENTITY_MERGE", "PERSON_CORRECTED",
                                "FRAUD", "LOT_RECALL"})


__all__ = ["CertificateIssued", "CertificateReinstated", "CertificateReissued", "CertificateRevoked",
           "CertificateSuspended", "PersonCertificates", "RevokeCertificate", "evolve", "revoke", "synchronise"]


def aggregate_id(person_id: str) -> str:
    return f"certificates:{person_id}"


# -- state ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Held:
    """One certificate as the aggregate knows it."""

    certificate_id: str
    format: str
    level: str
    doses: tuple[tuple[str, str], ...]
    person_revision: str
    status: str
    suspended_from: str = ""
    issued_at: datetime | None = None
    expires_at: datetime | None = None
    renews: str = ""  # the first certificate of the same content, when this one is a renewal


@dataclass(frozen=True)
class PersonCertificates:
    person_id: str = ""
    held: tuple[Held, ...] = ()
    current: tuple[tuple[str, str], ...] = ()  # (format, certificate id) of the latest issued per format

    @classmethod
    def empty(cls) -> PersonCertificates:
        return cls()

    def get(self, certificate_id: str) -> Held | None:
        """The certificate with this UVCI - or with the same UVCI under another check character (those
        issued before the check character followed the guideline, see :mod:`.uvci`)."""
        exact = next((h for h in self.held if h.certificate_id == certificate_id), None)
        if exact is not None:
            return exact
        wanted = uvci.body(certificate_id)
        return next((h for h in self.held if uvci.body(h.certificate_id) == wanted), None)

    def current_of(self, fmt: str) -> Held | None:
        wanted = dict(self.current).get(fmt)
        return self.get(wanted) if wanted else None


def _with_status(state: PersonCertificates, certificate_id: str, **changes) -> PersonCertificates:
    held = tuple(replace(h, **changes) if h.certificate_id == certificate_id else h for h in state.held)
    return replace(state, held=held)


def evolve(state: PersonCertificates, event: object) -> PersonCertificates:
    if isinstance(event, CertificateIssued):
        held = Held(event.certificate_id, event.format, event.level,
                    tuple(zip(event.dose_ids, event.dose_revisions, strict=True)), event.person_revision, ACTIVE,
                    issued_at=event.issued_at, expires_at=event.expires_at)
        current = tuple((f, c) for f, c in state.current if f != event.format) + ((event.format, event.certificate_id),)
        return replace(state, person_id=event.person_id, held=state.held + (held,), current=current)
    if isinstance(event, CertificateRevoked):
        return _with_status(state, event.certificate_id, status=REVOKED)
    if isinstance(event, CertificateSuspended):
        previous = state.get(event.certificate_id)
        return _with_status(state, event.certificate_id, status=SUSPENDED_STATUS,
                            suspended_from=previous.status if previous else ACTIVE)
    if isinstance(event, CertificateReinstated):
        previous = state.get(event.certificate_id)
        return _with_status(state, event.certificate_id, status=(previous.suspended_from or ACTIVE), suspended_from="")
    if isinstance(event, CertificateReissued):
        old, new = state.get(event.old_certificate_id), state.get(event.new_certificate_id)
        if old is not None and old.status == ACTIVE:
            state = _with_status(state, old.certificate_id, status=SUPERSEDED)
        elif old is not None and old.status == SUSPENDED_STATUS:
            state = _with_status(state, old.certificate_id, suspended_from=SUPERSEDED)
        if new is not None and new.status == SUPERSEDED:
            state = _with_status(state, new.certificate_id, status=ACTIVE)
        if new is not None and event.reason == "RENEWAL" and old is not None:
            state = _with_status(state, new.certificate_id, renews=old.renews or old.certificate_id)
        if new is not None:
            current = tuple((f, c) for f, c in state.current if f != new.format) + ((new.format, new.certificate_id),)
            state = replace(state, current=current)
        return state
    raise TypeError(f"PersonCertificates cannot apply {type(event).__name__}")


# -- commands ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IssueRequest:
    """What a signer needs to produce one certificate (the domain decided it; the signer makes it)."""

    certificate_id: str
    format: str
    level: Level
    record: CanonicalRecord
    doses: tuple[Dose, ...]
    issued_at: datetime
    expires_at: datetime


Issue = Callable[[IssueRequest], CertificateIssued]


@dataclass(frozen=True)
class Synchronise:
    record: CanonicalRecord
    now: datetime
    country: str = "VN"
    renew_within: timedelta = RENEW_WITHIN


@dataclass(frozen=True)
class Desired:
    certificate_id: str
    level: Level
    doses: tuple[Dose, ...]
    seed: tuple[str, ...] = ()


def desired_certificates(record: CanonicalRecord, country: str) -> dict[str, Desired]:
    """The certificate per format the record supports now (empty when none)."""
    doses = valid_doses(record)
    level = level_of(doses)
    if level is None or not record.identified:
        return {}
    person = record.person
    refs = sorted(f"{d.dose_id}@{d.revision}" for d in doses)
    seeds = {fmt: (fmt, record.person_id, person.revision, *refs) for fmt in FORMATS}
    return {fmt: Desired(uvci.derive(country, seed), level, tuple(doses), seed) for fmt, seed in seeds.items()}


BEHIND = "BEHIND"


def stale_reason(held: Held, record: CanonicalRecord) -> str | None:
    """Why a held certificate no longer states the truth; None while it does; BEHIND when the record has
    not yet seen what the certificate was made from (a read-model rebuild replaying): never revoke on
    missing information, only on evidence - a voided dose, a recall, a merge, a *newer* revision."""
    person = record.person
    if person is None:
        return BEHIND
    if person.merged_into:
        return "IDENTITY_MERGE"
    for dose_id, revision in held.doses:
        dose = record.dose(dose_id)
        if dose is None:
            return BEHIND
        if dose.status != "VALID":
            return "DOSE_ENTERED_IN_ERROR"
        if dose.lot_status == "RECALLED":
            return "LOT_RECALL"
        if dose.revision != revision:
            return "DOSE_CORRECTED" if revision in dose.earlier_revisions else BEHIND
    if held.person_revision != person.revision:
        return "PERSON_CORRECTED" if held.person_revision in person.earlier_revisions else BEHIND
    return None


def synchronise(state: PersonCertificates, command: Synchronise, *, issue: Issue) -> list[object]:
    """Bring the person's certificates in line with the canonical record (see the module docstring)."""
    record, now = command.record, command.now
    events: list[object] = []
    revoked_now: set[str] = set()
    reasons = {h.certificate_id: stale_reason(h, record) for h in state.held if h.status != REVOKED}
    if BEHIND in reasons.values():
        return []  # the record is catching up (rebuild); the replay marks the person again
    for certificate_id, reason in reasons.items():
        if reason:
            events.append(CertificateRevoked(certificate_id, reason, record.person_id, now))
            revoked_now.add(certificate_id)
    desired = {fmt: _as_held(state, want) for fmt, want in desired_certificates(record, command.country).items()}
    issued: list[CertificateIssued] = []
    for fmt, want in desired.items():
        previous = state.current_of(fmt)
        same_content = previous is not None and want.certificate_id in (previous.certificate_id, previous.renews)
        if state.get(want.certificate_id) is None:
            new = issue(IssueRequest(want.certificate_id, fmt, want.level, record, want.doses, now, now + VALIDITY))
            events.append(new)
            issued.append(new)
            if previous is not None:
                corrected = previous.status == REVOKED or previous.certificate_id in revoked_now
                events.append(CertificateReissued(previous.certificate_id, want.certificate_id,
                                                  "CORRECTION" if corrected else "NEW_DOSE", record.person_id, now))
        elif same_content and _due_for_renewal(previous, revoked_now, command):
            generation = 1 + sum(1 for h in state.held if h.renews == want.certificate_id)
            renewal_id = uvci.derive(command.country, [*want.seed, f"renewal:{generation}"])
            new = issue(IssueRequest(renewal_id, fmt, want.level, record, want.doses, now, now + VALIDITY))
            events += [new, CertificateReissued(previous.certificate_id, renewal_id, "RENEWAL", record.person_id, now)]
            issued.append(new)
        elif previous is not None and not same_content \
                and (previous.status == REVOKED or previous.certificate_id in revoked_now) \
                and state.get(want.certificate_id).status != REVOKED:
            # A later dose was voided: the earlier certificate (superseded, still true) is current again.
            events.append(CertificateReissued(previous.certificate_id, want.certificate_id, "CORRECTION",
                                              record.person_id, now))
    events.extend(_suspensions(state, record, issued, revoked_now, now))
    return events


def _as_held(state: PersonCertificates, want: Desired) -> Desired:
    """The desired certificate under the UVCI the person already holds for it (same identifier, earlier
    check character), so a certificate issued before the check character changed is never issued again."""
    held = state.get(want.certificate_id)
    return replace(want, certificate_id=held.certificate_id) if held is not None else want


def _due_for_renewal(previous: Held, revoked_now: set[str], command: Synchronise) -> bool:
    """An active current certificate close to its expiry is renewed - at most monthly, so a certificate
    whose expiry was clamped to its signer's notAfter cannot be renewed in a loop (rotate the signer)."""
    if previous.status != ACTIVE or previous.certificate_id in revoked_now or previous.expires_at is None:
        return False
    old_enough = previous.issued_at is None or command.now - previous.issued_at >= command.renew_within
    return old_enough and previous.expires_at - command.now <= command.renew_within


def _suspensions(state, record: CanonicalRecord, issued, revoked_now: set[str], now: datetime) -> list[object]:
    suspended_doses = {d.dose_id for d in record.doses if d.lot_status == SUSPENDED}
    candidates = [(h.certificate_id, h.status, [d for d, _ in h.doses]) for h in state.held
                  if h.status != REVOKED and h.certificate_id not in revoked_now]
    candidates += [(e.certificate_id, ACTIVE, list(e.dose_ids)) for e in issued]
    events: list[object] = []
    for certificate_id, status, dose_ids in candidates:
        under_review = any(d in suspended_doses for d in dose_ids)
        if under_review and status != SUSPENDED_STATUS:
            events.append(CertificateSuspended(certificate_id, "LOT_UNDER_REVIEW", record.person_id, now))
        elif not under_review and status == SUSPENDED_STATUS:
            events.append(CertificateReinstated(certificate_id, "LOT_RELEASED", record.person_id, now))
    return events


def revoke(state: PersonCertificates, command: RevokeCertificate, now: datetime) -> list[object]:
    """A manual revocation (e.g. fraud). A revocation is final: revoking twice is refused (INV-33)."""
    held = state.get(command.certificate_id)
    if held is None:
        raise DomainError(f"certificate {command.certificate_id} does not belong to this person",
                          field="certificate_id", rule="INV-32")
    if command.reason not in REVOCATION_REASONS:
        raise DomainError(f"reason must be one of {sorted(REVOCATION_REASONS)}", field="reason", rule="INV-32")
    if held.status == REVOKED:
        raise DomainError(f"certificate {command.certificate_id} is already revoked; a revocation is final",
                          field="certificate_id", rule="INV-33")
    return [CertificateRevoked(held.certificate_id, command.reason, state.person_id, now)]
