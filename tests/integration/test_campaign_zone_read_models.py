"""Issue 18 against the real PostgreSQL (no broker needed): the read models that store a dose's day take it in
the deployment's campaign zone (``CAMPAIGN_TIME_ZONE``), one at a time and as a batch - immunization's
``dose_view.administered_date`` and certificate's ``record_doses.administered_on`` (the day printed on a
certificate). Before, certificate wrote ``'Asia/Ho_Chi_Minh'`` into its SQL and immunization took the default
zone, whatever the deployment said.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import psycopg
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from eventkit import db
from services.certificate import bootstrap as certificate
from services.certificate.projections.records import canonical_records
from services.immunization import bootstrap as immunization_service
from services.immunization.codec import build_codec
from services.immunization.projections.views import immunization_views
from tests.unit.immunization.builders import given
from vaxtrail.immunization.v1 import events_pb2 as immunization

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
EARLY = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 2 March in Ho Chi Minh City, still 1 March in São Paulo
DOSE = "vaxtrail.immunization.v1.DoseAdministered"


def envelope() -> SimpleNamespace:
    return SimpleNamespace(event_id=uuid.uuid4(), event_type=DOSE)


@pytest.mark.parametrize("batched", [False, True], ids=["one at a time", "as a batch"])
def test_the_certificate_record_takes_the_day_in_the_campaign_zone(database, batched):
    db.migrate(database, certificate.MIGRATIONS)
    at = Timestamp()
    at.FromDatetime(EARLY)
    message = immunization.DoseAdministered(dose_id="D-1", person_id="P-1", administered_at=at, series="PRIMARY",
                                            dose_number=1, presentation_id="AZ-10", lot_id="L-1", site_id="S-1")
    projection = canonical_records(SAO_PAULO)
    with psycopg.connect(database) as conn:
        if batched:
            projection.batch(conn, [(envelope(), message)])
        else:
            projection.handlers[DOSE](conn, envelope(), message)
        assert conn.execute("SELECT administered_on FROM record_doses").fetchone()[0] == date(2026, 3, 1)


@pytest.mark.parametrize("batched", [False, True], ids=["one at a time", "as a batch"])
def test_the_immunization_dose_view_takes_the_day_in_the_campaign_zone(database, batched):
    db.migrate(database, immunization_service.MIGRATIONS)
    dose = replace(given(date(2026, 3, 2)), administered_at=EARLY)
    projection = immunization_views(build_codec(), SAO_PAULO)
    with psycopg.connect(database) as conn:
        if batched:
            projection.batch(conn, [(envelope(), dose)])
        else:
            projection.handlers[DOSE](conn, envelope(), dose)
        assert conn.execute("SELECT administered_date FROM dose_view").fetchone()[0] == date(2026, 3, 1)
