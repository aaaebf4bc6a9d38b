"""Every event the certificate service appends survives protobuf and back; every event type on the
consumed topics is either handled or explicitly ignored by its projection."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventkit.access import PersonalDataAccessed
from eventkit.codec import topic_event_types
from services.certificate.codec import build_codec
from services.certificate.domain import certificates as c
from services.certificate.domain.keys import SigningKeyActivated, SigningKeyRetired, TrustListPublished
from services.certificate.projections.certificates import certificate_views
from services.certificate.projections.records import canonical_records

from .builders import NOW

UVCI = "URN:UVCI:01:VN:ABCDEFGHIJKLMNOPQRSTUVWX#K"
EVENTS = [
    c.CertificateIssued(UVCI, "P-0001", "COMPLETE", ("D-1", "D-2"), c.EU_DCC, "a2lkLWtpZA==", NOW,
                        NOW + timedelta(days=365), b"\x01" * 32, ("ev-1", "ev-2"), "reg-1"),
    c.CertificateRevoked(UVCI, "DOSE_ENTERED_IN_ERROR", "P-0001", NOW),
    c.CertificateSuspended(UVCI, "LOT_UNDER_REVIEW", "P-0001", NOW),
    c.CertificateReinstated(UVCI, "LOT_RELEASED", "P-0001", NOW),
    c.CertificateReissued(UVCI, "URN:UVCI:01:VN:ZZZ#1", "NEW_DOSE", "P-0001", NOW),
    SigningKeyActivated("a2lkLWtpZA==", c.EU_DCC, "ES256", b"\x30\x82", "", NOW, NOW + timedelta(days=730), NOW),
    SigningKeyActivated("thumb", c.SMART_HEALTH_CARD, "ES256", b"", '{"kty":"EC"}', None, None, NOW),
    SigningKeyRetired("a2lkLWtpZA==", "ROTATED", NOW),
    TrustListPublished(3, b"\x02" * 32, 4, NOW),
    PersonalDataAccessed("officer-79", "province_officer", "CARE", "P-0001", "GET /v1/persons/<person_id>/record"),
]


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: type(e).__name__)
def test_every_certificate_event_round_trips(event):
    codec = build_codec()
    assert codec.decode(codec.event_type(event), codec.encode(event)) == event


def test_the_own_topic_projection_covers_every_event_type_of_the_topic():
    projection = certificate_views(build_codec())
    assert set(projection.handlers) | projection.ignored == topic_event_types("certificate")


def test_the_canonical_record_projection_covers_the_three_consumed_topics():
    projection = canonical_records()
    every = topic_event_types("registration") | topic_event_types("immunization") | topic_event_types("inventory")
    assert set(projection.handlers) | projection.ignored == every
    assert "vaxtrail.immunization.v1.DoseEnteredInError" in projection.handlers
    assert "vaxtrail.inventory.v1.LotRecalled" in projection.handlers
