"""The person's certificates: levels match the valid dose history (INV-32), issuance is deterministic,
errors, corrections, merges and lot decisions revoke, suspend or reinstate, and revocation is final (INV-33)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from eventkit.errors import DomainError
from eventkit.testing import Scenario
from services.certificate.domain import certificates as c
from services.certificate.domain import uvci
from services.certificate.domain.record import Level, level_of, valid_doses

from .builders import AZ, JANSSEN, NOW, PFIZER, TWO_AZ, dose, person, record


def fake_issue(request: c.IssueRequest) -> c.CertificateIssued:
    return c.CertificateIssued(request.certificate_id, request.record.person_id, request.level.value,
                               tuple(d.dose_id for d in request.doses), request.format, "KID", request.issued_at,
                               request.expires_at, b"", tuple(d.revision for d in request.doses),
                               request.record.person.revision)


def decide(state, command):
    if isinstance(command, c.RevokeCertificate):
        return c.revoke(state, command, NOW)
    return c.synchronise(state, command, issue=fake_issue)


def scenario() -> Scenario:
    return Scenario(decide=decide, evolve=c.evolve, initial=c.PersonCertificates.empty)


def sync(rec, history=()) -> list:
    return scenario().given(*history).when(c.Synchronise(rec, NOW)).then(*decide(_state(history), c.Synchronise(rec, NOW)))


def _state(history):
    state = c.PersonCertificates.empty()
    for event in history:
        state = c.evolve(state, event)
    return state


def kinds(events) -> list[tuple[str, str]]:
    return [(type(e).__name__, getattr(e, "level", getattr(e, "reason", ""))) for e in events]


# -- INV-32: the level matches the valid dose history -----------------------------------------------------
def test_one_astrazeneca_dose_is_partial_never_complete():
    assert level_of(valid_doses(record(TWO_AZ[0]))) is Level.PARTIAL


def test_two_astrazeneca_doses_are_complete():
    assert level_of(valid_doses(record(*TWO_AZ))) is Level.COMPLETE


def test_one_janssen_dose_completes_the_series():
    assert level_of(valid_doses(record(dose("D-J", 1, date(2021, 9, 1), product=JANSSEN)))) is Level.COMPLETE


def test_a_booster_after_a_complete_series_is_booster_level():
    booster = dose("D-3", 1, date(2022, 3, 1), product=PFIZER, series="BOOSTER")
    assert level_of(valid_doses(record(*TWO_AZ, booster))) is Level.BOOSTER


def test_a_dose_entered_in_error_does_not_count():
    wrong = replace(TWO_AZ[1], status="ENTERED_IN_ERROR")
    assert level_of(valid_doses(record(TWO_AZ[0], wrong))) is Level.PARTIAL


def test_a_dose_of_a_recalled_lot_does_not_count():
    recalled = replace(TWO_AZ[1], lot_status="RECALLED")
    assert level_of(valid_doses(record(TWO_AZ[0], recalled))) is Level.PARTIAL


def test_no_certificate_without_a_registered_person():
    rec = replace(record(*TWO_AZ), person=None)
    assert c.synchronise(c.PersonCertificates.empty(), c.Synchronise(rec, NOW), issue=fake_issue) == []


# -- issuance ---------------------------------------------------------------------------------------------
def test_first_dose_issues_a_partial_certificate_in_both_formats():
    events = sync(record(TWO_AZ[0]))
    assert kinds(events) == [("CertificateIssued", "PARTIAL"), ("CertificateIssued", "PARTIAL")]
    assert {e.format for e in events} == {c.EU_DCC, c.SMART_HEALTH_CARD}
    assert all(uvci.is_valid(e.certificate_id) for e in events)


def test_second_dose_issues_a_complete_certificate_and_supersedes_the_partial_one():
    history = sync(record(TWO_AZ[0]))
    events = sync(record(*TWO_AZ), history)
    assert kinds(events) == [("CertificateIssued", "COMPLETE"), ("CertificateReissued", "NEW_DOSE"),
                             ("CertificateIssued", "COMPLETE"), ("CertificateReissued", "NEW_DOSE")]
    state = _state(history + events)
    assert {h.status for h in state.held if h.level == "PARTIAL"} == {c.SUPERSEDED}


def test_processing_the_same_record_again_issues_nothing():
    history = sync(record(*TWO_AZ))
    assert scenario().given(*history).when(c.Synchronise(record(*TWO_AZ), NOW)).then() == []


def test_certificate_ids_are_derived_from_the_dose_events():
    first = c.desired_certificates(record(*TWO_AZ), "VN")
    again = c.desired_certificates(record(*reversed(TWO_AZ)), "VN")
    assert first[c.EU_DCC].certificate_id == again[c.EU_DCC].certificate_id
    assert first[c.EU_DCC].certificate_id != first[c.SMART_HEALTH_CARD].certificate_id


# -- revocation and correction ----------------------------------------------------------------------------
def test_a_dose_entered_in_error_revokes_its_certificates_and_reissues_for_the_remaining_dose():
    history = sync(record(TWO_AZ[0])) + []
    history = history + sync(record(*TWO_AZ), history)
    events = sync(record(TWO_AZ[0], replace(TWO_AZ[1], status="ENTERED_IN_ERROR")), history)
    assert kinds(events) == [("CertificateRevoked", "DOSE_ENTERED_IN_ERROR")] * 2 + [
        ("CertificateReissued", "CORRECTION")] * 2
    # the partial certificate of dose 1 is still the truth: it is the current certificate again
    state = _state(history + events)
    assert {h.level: h.status for h in state.held} == {"PARTIAL": c.ACTIVE, "COMPLETE": c.REVOKED}
    assert {state.current_of(f).level for f in c.FORMATS} == {"PARTIAL"}


def test_no_certificate_stays_valid_after_its_only_dose_was_entered_in_error():
    history = sync(record(TWO_AZ[0]))
    events = sync(record(replace(TWO_AZ[0], status="ENTERED_IN_ERROR")), history)
    assert kinds(events) == [("CertificateRevoked", "DOSE_ENTERED_IN_ERROR")] * 2
    assert all(h.status == c.REVOKED for h in _state(history + events).held)


def test_an_erroneous_first_dose_revokes_everything_and_reissues_a_partial_for_the_second():
    history = sync(record(TWO_AZ[0]))
    history = history + sync(record(*TWO_AZ), history)
    events = sync(record(replace(TWO_AZ[0], status="ENTERED_IN_ERROR"), TWO_AZ[1]), history)
    assert kinds(events) == [("CertificateRevoked", "DOSE_ENTERED_IN_ERROR")] * 4 + [
        ("CertificateIssued", "PARTIAL"), ("CertificateReissued", "CORRECTION"),
        ("CertificateIssued", "PARTIAL"), ("CertificateReissued", "CORRECTION")]


def test_a_corrected_dose_revokes_and_reissues_with_a_new_uvci():
    history = sync(record(*TWO_AZ))
    corrected = replace(TWO_AZ[1], revision="ev-correction-1", lot_number="ABV5309",
                        earlier_revisions=(TWO_AZ[1].revision,))
    events = sync(record(TWO_AZ[0], corrected), history)
    assert kinds(events)[:2] == [("CertificateRevoked", "DOSE_CORRECTED")] * 2
    assert ("CertificateIssued", "COMPLETE") in kinds(events) and ("CertificateReissued", "CORRECTION") in kinds(events)


def test_a_person_merged_away_has_every_certificate_revoked():
    history = sync(record(*TWO_AZ))
    merged = record(who=person(merged_into="P-0002"))
    assert kinds(sync(merged, history)) == [("CertificateRevoked", "IDENTITY_MERGE")] * 2


def test_corrected_person_details_revoke_and_reissue():
    history = sync(record(*TWO_AZ))
    events = sync(record(*TWO_AZ, who=person(revision="reg-2", date_of_birth="1980-05-18",
                                             earlier_revisions=("reg-1",))), history)
    assert kinds(events)[:2] == [("CertificateRevoked", "PERSON_CORRECTED")] * 2
    assert len([e for e in events if isinstance(e, c.CertificateIssued)]) == 2


# -- a record that is behind (a rebuild replaying) never revokes -----------------------------------------
@pytest.mark.parametrize("behind", [
    record(TWO_AZ[0]),                                                    # dose 2 not replayed yet
    record(TWO_AZ[0], replace(TWO_AZ[1], revision="ev-unknown")),         # a revision the record never had
    record(*TWO_AZ, who=person(revision="reg-0")),                        # details older than the certificate's
    replace(record(*TWO_AZ), person=None),                                # registration not replayed yet
])
def test_a_record_behind_its_certificates_decides_nothing(behind):
    history = sync(record(TWO_AZ[0]))
    history = history + sync(record(*TWO_AZ), history)
    assert scenario().given(*history).when(c.Synchronise(behind, NOW)).then() == []


# -- lot decisions: suspend, then reinstate or revoke -----------------------------------------------------
def test_a_suspended_lot_suspends_and_a_released_lot_reinstates():
    history = sync(record(*TWO_AZ))
    suspended = record(TWO_AZ[0], replace(TWO_AZ[1], lot_status="SUSPENDED"))
    events = sync(suspended, history)
    assert kinds(events) == [("CertificateSuspended", "LOT_UNDER_REVIEW")] * 2
    history = history + events
    assert kinds(sync(record(*TWO_AZ), history)) == [("CertificateReinstated", "LOT_RELEASED")] * 2


def test_a_recalled_lot_revokes_and_reissues_for_the_remaining_doses():
    history = sync(record(*TWO_AZ))
    events = sync(record(TWO_AZ[0], replace(TWO_AZ[1], lot_status="RECALLED")), history)
    assert kinds(events) == [("CertificateRevoked", "LOT_RECALL")] * 2 + [
        ("CertificateIssued", "PARTIAL"), ("CertificateReissued", "CORRECTION"),
        ("CertificateIssued", "PARTIAL"), ("CertificateReissued", "CORRECTION")]


# -- renewal before the 12-month expiry ------------------------------------------------------------------
def at(days: int):
    return c.Synchronise(record(*TWO_AZ), NOW + timedelta(days=days))


def test_a_certificate_is_renewed_within_thirty_days_of_its_expiry_and_not_before():
    history = sync(record(*TWO_AZ))
    assert scenario().given(*history).when(at(300)).then() == []
    renewal = decide(_state(history), at(340))
    assert kinds(renewal) == [("CertificateIssued", "COMPLETE"), ("CertificateReissued", "RENEWAL")] * 2
    assert {e.certificate_id for e in renewal if isinstance(e, c.CertificateIssued)}.isdisjoint(
        {e.certificate_id for e in history})
    assert scenario().given(*history, *renewal).when(at(340)).then() == []


def test_each_renewal_gets_its_own_uvci():
    history = sync(record(*TWO_AZ))
    first = decide(_state(history), at(340))
    second = decide(_state(history + first), at(680))
    ids = [e.certificate_id for e in history + first + second if isinstance(e, c.CertificateIssued)]
    assert len(ids) == len(set(ids)) == 6 and all(uvci.is_valid(i) for i in ids)


# -- manual revocation (INV-33: final) --------------------------------------------------------------------
def test_a_certificate_can_be_revoked_for_fraud_once():
    history = sync(record(*TWO_AZ))
    target = history[0].certificate_id
    scenario().given(*history).when(c.RevokeCertificate("P-0001", target, "FRAUD")).then(
        c.CertificateRevoked(target, "FRAUD", "P-0001", NOW))


def test_rejects_revoking_a_revoked_certificate_again():
    history = sync(record(*TWO_AZ))
    target = history[0].certificate_id
    history = history + [c.CertificateRevoked(target, "FRAUD", "P-0001", NOW)]
    scenario().given(*history).when(c.RevokeCertificate("P-0001", target, "FRAUD")).then_rejects(
        DomainError, rule="INV-33", field="certificate_id")


def test_rejects_revoking_a_certificate_of_another_person():
    scenario().given(*sync(record(*TWO_AZ))).when(
        c.RevokeCertificate("P-0001", "URN:UVCI:01:VN:SOMEONEELSE#0", "FRAUD")).then_rejects(
        DomainError, rule="INV-32", field="certificate_id")


def test_a_revoked_certificate_is_not_reissued_by_the_same_doses():
    history = sync(record(*TWO_AZ))
    history = history + [c.CertificateRevoked(e.certificate_id, "FRAUD", "P-0001", NOW) for e in history]
    assert scenario().given(*history).when(c.Synchronise(record(*TWO_AZ), NOW)).then() == []


@pytest.mark.parametrize("text,valid", [("URN:UVCI:01:VN:ABC#X", False)])
def test_uvci_check_characters(text, valid):
    derived = uvci.derive("VN", ["x"])
    assert uvci.is_valid(derived) and uvci.is_valid(text) is valid
    assert not uvci.is_valid(derived[:-1] + ("A" if derived[-1] != "A" else "B"))


def test_a_certificate_issued_under_the_pre_guideline_check_character_is_not_issued_again():
    """UVCIs issued before the check character followed the guideline end in another character; the same
    doses must find them (INV-34), not issue a second certificate per format."""
    history = sync(record(*TWO_AZ))
    legacy = [replace(e, certificate_id=e.certificate_id[:-1] + _other(e.certificate_id[-1]))
              for e in history if isinstance(e, c.CertificateIssued)]
    assert scenario().given(*legacy).when(c.Synchronise(record(*TWO_AZ), NOW)).then() == []
    dose_2_voided = record(TWO_AZ[0], replace(TWO_AZ[1], status="ENTERED_IN_ERROR"))
    revoked = [e for e in decide(_state(legacy), c.Synchronise(dose_2_voided, NOW))
               if isinstance(e, c.CertificateRevoked)]
    assert {e.certificate_id for e in revoked} == {e.certificate_id for e in legacy}


def _other(char: str) -> str:
    return "A" if char != "A" else "B"


def _state(events):
    state = c.PersonCertificates.empty()
    for event in events:
        state = c.evolve(state, event)
    return state


def test_products_resolve_to_eu_value_sets():
    assert (AZ.mp, AZ.series_doses, JANSSEN.series_doses, PFIZER.vp) == ("EU/1/21/1529", 2, 1, "1119349007")
