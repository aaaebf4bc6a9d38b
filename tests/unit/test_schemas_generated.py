"""The committed protobuf package matches the .proto files, and every catalogued event has its message.

The event list below mirrors the catalogue (shared/domain/EVENTS.md) explicitly: tests never read
../shared, and a change to the catalogue must show up here as a reviewed change.
"""

from __future__ import annotations

import difflib
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schemas" / "gen"

EXPECTED_EVENTS: dict[str, tuple[str, ...]] = {
    "registration": (
        "PersonRegistered", "PersonDetailsCorrected", "PersonsMerged", "PriorityGroupAssigned",
        "PriorityGroupRevoked", "RegistrationApproved", "RegistrationRejected", "PersonAssignedToDistrict",
        "AppointmentScheduled", "AppointmentCancelled", "NationalIdClaimed", "NationalIdReleased",
        "SessionSeatReserved", "SessionSeatReleased", "BulkUploadCompleted",
    ),
    "inventory": (
        "PresentationDefined", "LotRegistered", "LotExpiryExtended", "LotSuspended", "LotReleased",
        "LotRecalled", "DoseReceived", "ShipmentDispatched", "ShipmentReceived", "ShipmentLost",
        "ShipmentReturned", "StockAdjusted", "PhysicalCountRecorded", "StockMovementReversed",
        "StorageUnitRegistered", "TemperatureExcursionDetected", "ExcursionAssessed", "VialsThawed",
        "LocationRegistered", "LocationDeactivated", "StockIssued", "StockTransferredIn", "StockConsumed",
        "ConsumptionDiscrepancyDetected",
    ),
    "allocation": (
        "AllocationPlanDrafted", "BatchAllocated", "AllocationPlanSubmitted", "AllocationPlanApproved",
        "AllocationPlanRejected", "AllocationReleased", "AllocationLineAmended", "AllocationCancelled",
        "DosesReservedForSecondDose", "ReservationReleased", "SessionPlanned", "SessionStockDispensed",
    ),
    "immunization": (
        "SessionOpened", "SessionClosed", "PersonCheckedIn", "ScreeningCompleted", "VialOpened",
        "VialDiscarded", "DoseAdministered", "DoseNotAdministered", "DoseRecordedHistorical",
        "DoseEnteredInError", "DoseCorrected", "ObservationCompleted", "AefiReported",
        "AefiInvestigationOpened", "AefiClassified", "NextDoseRecommended", "VialDoseDrawn", "VialRegistered",
    ),
    "certificate": (
        "CertificateIssued", "CertificateRevoked", "CertificateSuspended", "CertificateReinstated",
        "CertificateReissued", "SigningKeyActivated", "SigningKeyRetired", "TrustListPublished",
        "RevocationListPublished",
    ),
    "audit": ("AuditCheckpointSigned", "AuditChainBroken", "PersonalDataAccessed"),
}


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def _describe_difference(name: str, committed: bytes, fresh: bytes) -> str:
    diff = difflib.unified_diff(
        committed.decode(errors="replace").splitlines(), fresh.decode(errors="replace").splitlines(),
        f"schemas/gen/{name}", f"make proto: {name}", lineterm="", n=1,
    )
    return "\n".join(list(diff)[:20])


def test_committed_generated_code_is_what_make_proto_produces(tmp_path: Path) -> None:
    fresh_root = tmp_path / "gen"
    subprocess.run(
        [sys.executable, str(ROOT / "schemas" / "generate.py"), "--out", str(fresh_root)],
        check=True, capture_output=True, text=True,
    )
    committed, fresh = _tree(COMMITTED), _tree(fresh_root)

    problems = [f"missing from schemas/gen: {name}" for name in sorted(fresh.keys() - committed.keys())]
    problems += [f"in schemas/gen but not generated: {name}" for name in sorted(committed.keys() - fresh.keys())]
    problems += [
        _describe_difference(name, committed[name], fresh[name])
        for name in sorted(fresh.keys() & committed.keys())
        if committed[name] != fresh[name]
    ]
    assert not problems, "schemas/gen is stale; run `make proto` and commit the result:\n" + "\n".join(problems)


def test_generating_twice_gives_identical_files(tmp_path: Path) -> None:
    generate = [sys.executable, str(ROOT / "schemas" / "generate.py"), "--out"]
    subprocess.run([*generate, str(tmp_path / "a")], check=True, capture_output=True)
    subprocess.run([*generate, str(tmp_path / "b")], check=True, capture_output=True)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


@pytest.mark.parametrize("service", sorted(EXPECTED_EVENTS))
def test_events_proto_holds_exactly_the_catalogued_events(service: str) -> None:
    module = importlib.import_module(f"vaxtrail.{service}.v1.events_pb2")
    messages = set(module.DESCRIPTOR.message_types_by_name)
    expected = set(EXPECTED_EVENTS[service])

    assert expected - messages == set(), f"events without a message in {service}/v1/events.proto"
    assert messages - expected == set(), f"messages in {service}/v1/events.proto that are not catalogued events"
    for name in expected:
        assert getattr(module, name).DESCRIPTOR.full_name == f"vaxtrail.{service}.v1.{name}"


@pytest.mark.parametrize("service", sorted(EXPECTED_EVENTS))
def test_events_use_strings_not_protobuf_enums(service: str) -> None:
    module = importlib.import_module(f"vaxtrail.{service}.v1.events_pb2")
    assert not module.DESCRIPTOR.enum_types_by_name
    for message in module.DESCRIPTOR.message_types_by_name.values():
        assert all(field.enum_type is None for field in message.fields), message.full_name


def test_dose_received_keeps_its_published_field_numbers() -> None:
    from vaxtrail.inventory.v1.events_pb2 import DoseReceived

    fields = {field.name: (field.number, field.type) for field in DoseReceived.DESCRIPTOR.fields}
    f = DoseReceived.DESCRIPTOR.fields_by_name["doses"]
    string, int64, int32, boolean, message = f.TYPE_STRING, f.TYPE_INT64, f.TYPE_INT32, f.TYPE_BOOL, f.TYPE_MESSAGE
    assert fields == {
        "location_id": (1, string), "lot_id": (2, string), "doses": (3, int64), "vials": (4, int32),
        "source": (5, string), "shipment_reference": (6, string), "received_at": (7, message),
        "storage_unit_id": (8, string), "vvm_stage": (9, int32), "temperature_log_ok": (10, boolean),
        "presentation_id": (11, string),
    }
    assert DoseReceived.DESCRIPTOR.fields_by_name["received_at"].message_type.full_name == "google.protobuf.Timestamp"


def test_envelope_message_mirrors_the_event_envelope() -> None:
    from vaxtrail.envelope.v1.envelope_pb2 import Envelope, EventRecord

    assert [field.name for field in Envelope.DESCRIPTOR.fields] == [
        "event_id", "event_type", "aggregate_type", "aggregate_id", "aggregate_version", "occurred_at",
        "recorded_at", "producer", "actor_id", "actor_role", "correlation_id", "causation_id",
        "idempotency_key", "prev_hash", "hash", "position",
    ]
    assert [field.name for field in EventRecord.DESCRIPTOR.fields] == ["envelope", "payload"]
