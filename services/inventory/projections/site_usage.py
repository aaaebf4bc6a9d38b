"""Projection ``site_usage`` (immunization topic): doses opened, administered and left in discarded vials per
site x lot x campaign day - the open-vial half of the wastage read model.

``VialOpened`` counts the vial's doses as opened, ``DoseAdministered`` one dose administered, ``VialDiscarded``
its residual doses as open-vial wastage, each on the campaign day of its business time (``opened_at``,
``administered_at``, ``discarded_at``; :func:`eventkit.clock.campaign_date`), so wastage over a date range can
count them. Before issue 17 projection ``consumption`` kept these totals without a day; this projection took
them over under a new name, so it fills the dated table from offset 0 when it first runs, as a rebuild does.
"""

from __future__ import annotations

from datetime import UTC, tzinfo

from eventkit.clock import CAMPAIGN_ZONE, campaign_date
from eventkit.projections import Projection
from eventkit.readmodels import declare
from vaxtrail.immunization.v1 import events_pb2 as immunization


def site_usage(zone: tzinfo = CAMPAIGN_ZONE) -> Projection:
    def usage(conn, site: str, lot: str, at, *, opened: int = 0, administered: int = 0, residual: int = 0) -> None:
        conn.execute(
            "INSERT INTO site_usage (location_id, lot_id, usage_day, doses_opened, doses_administered, residual_doses)"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (location_id, lot_id, usage_day) DO UPDATE SET"
            " doses_opened = site_usage.doses_opened + excluded.doses_opened,"
            " doses_administered = site_usage.doses_administered + excluded.doses_administered,"
            " residual_doses = site_usage.residual_doses + excluded.residual_doses",
            (site, lot, campaign_date(at.ToDatetime(tzinfo=UTC), zone), opened, administered, residual))

    def vial_opened(conn, event, m: immunization.VialOpened) -> None:
        usage(conn, m.site_id, m.lot_id, m.opened_at, opened=m.doses_in_vial)

    def dose_administered(conn, event, m: immunization.DoseAdministered) -> None:
        usage(conn, m.site_id, m.lot_id, m.administered_at, administered=1)

    def vial_discarded(conn, event, m: immunization.VialDiscarded) -> None:
        usage(conn, m.site_id, m.lot_id, m.discarded_at, residual=m.residual_doses)

    return declare("site_usage", {immunization.VialOpened: vial_opened,
                                  immunization.DoseAdministered: dose_administered,
                                  immunization.VialDiscarded: vial_discarded}, tables=("site_usage",))
