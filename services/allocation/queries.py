"""Queries over the service's read models of other services' topics (supply, demand, doses given).

Each returns plain values or domain dataclasses. The API reads them directly; handlers read them through
``Deps.read`` and combine them with what the service's own events promise
(:mod:`services.allocation.domain.promises`) into what a decision sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from eventkit import readmodels
from eventkit.errors import DomainError, NotFound
from services.allocation.domain.common import LotStock, Recipient
from services.allocation.domain.proposal import Demand
from services.allocation.domain.sessions import Site

_EXPIRY = "coalesce(l.extended_expiry, l.label_expiry)"
_ACTIVE = "(active_until IS NULL OR active_until >= current_date)"
_CURRENT_FIRST = f"{_ACTIVE} DESC,"
_CURRENT_LAST = f"{_ACTIVE} ASC,"


@dataclass(frozen=True)
class Presentation:
    presentation_id: str
    doses_per_vial: int
    series_doses: int


READ_MODELS = ("supply", "demand", "doses_given")
"""The projections the decisions read (:mod:`services.allocation.projections`)."""


class Queries:
    """The read-model queries, over a connection pool."""

    def __init__(self, pool) -> None:
        self._pool = pool

    def public_rows(self, first: date, last: date, zone: str) -> list[tuple]:
        """Doses ``allocated`` (lines of approved plans, by the day of approval) and ``released`` to provinces
        and special units (a special unit counts for the province of its location; a province plan's district
        lines are the province's own share again and are left out): ``(province_code, day, measure, count)``."""
        province = ("CASE WHEN {k} = 'PROVINCE' THEN {u} ELSE (SELECT s.province_code FROM supply_locations s"
                    " WHERE s.location_id = {u}) END")
        lines = province.format(k="l.recipient_unit_kind", u="l.recipient_unit_id")
        releases = province.format(k="r.recipient_unit_kind", u="r.recipient_unit_id")
        return self._all(
            "SELECT coalesce(code, ''), day, measure, sum(doses)::bigint FROM ("
            f" SELECT {lines} AS code, (p.approved_at AT TIME ZONE %(zone)s)::date AS day, 'allocated' AS measure,"
            "  l.doses FROM public_allocation_lines l JOIN public_allocation_plans p ON p.plan_id = l.plan_id"
            "  WHERE p.status <> 'CANCELLED' AND p.approved_at IS NOT NULL"
            "  AND l.recipient_unit_kind IN ('PROVINCE', 'SPECIAL_UNIT')"
            f" UNION ALL SELECT {releases}, (r.released_at AT TIME ZONE %(zone)s)::date, 'released', r.doses"
            "  FROM public_allocation_releases r WHERE r.recipient_unit_kind IN ('PROVINCE', 'SPECIAL_UNIT')) AS f"
            " WHERE day BETWEEN %(first)s AND %(last)s GROUP BY 1, 2, 3",
            {"zone": zone, "first": first, "last": last})

    def _all(self, query: str, params: tuple | dict = ()) -> list[tuple]:
        with self._pool.connection() as conn:
            return conn.execute(query, params).fetchall()

    # -- supply tree --------------------------------------------------------------------------------
    def store_of(self, level: str, province_code: str, source_location_id: str | None) -> str:
        """The source store of a plan: the one named, else the national store / the province's store (the
        active one registered last, as :meth:`recipients` picks it)."""
        kind = "NATIONAL_STORE" if level == "NATIONAL" else "PROVINCE_STORE"
        rows = self._all(
            "SELECT location_id, province_code FROM supply_locations WHERE kind = %s"
            f" ORDER BY {_CURRENT_FIRST} registered_at DESC NULLS LAST, location_id DESC", (kind,))
        for location_id, code in rows:
            if (source_location_id in (None, location_id)) and (level == "NATIONAL" or code == province_code):
                return location_id
        raise DomainError(f"no {kind.lower().replace('_', ' ')} {source_location_id or province_code or ''} is known",
                          field="source_location_id", rule="INV-17")

    def holding_store(self, location_id: str) -> str:
        """A store that can hold a second-dose reserve: the national store or a province store."""
        found = self.location(location_id)
        if found is None or found["kind"] not in ("NATIONAL_STORE", "PROVINCE_STORE"):
            raise DomainError(f"{location_id} is not a national or province store", field="held_at_location_id",
                              rule="INV-18")
        return location_id

    def recipients(self, level: str, province_code: str, today: date) -> dict[str, Recipient]:
        if level == "NATIONAL":
            rows = self._all(
                "SELECT CASE WHEN kind = 'PROVINCE_STORE' THEN province_code ELSE location_id END,"
                " CASE WHEN kind = 'PROVINCE_STORE' THEN 'PROVINCE' ELSE 'SPECIAL_UNIT' END,"
                " location_id AS store, province_code, active_until FROM supply_locations"
                " WHERE kind IN ('PROVINCE_STORE', 'SPECIAL_UNIT')"
                f" ORDER BY {_CURRENT_LAST} registered_at NULLS FIRST, location_id")
        else:
            rows = self._all(
                "SELECT district_code, 'DISTRICT', location_id, province_code, active_until FROM supply_locations"
                " WHERE kind = 'DISTRICT_STORE' AND province_code = %s"
                f" ORDER BY {_CURRENT_LAST} registered_at NULLS FIRST, location_id",
                (province_code,))
        # Several stores of one unit (a store moved): the active one registered last wins (the last row).
        return {unit: Recipient(unit, kind, location, province, until is None or until >= today)
                for unit, kind, location, province, until in rows}

    def site(self, site_id: str) -> tuple[Site | None, list[str]]:
        """The site and its scope path (national, province, district, site). The site's district store is its
        parent; else the district's store (the active one registered last, as everywhere)."""
        row = next(iter(self._all(
            "SELECT s.location_id, s.kind, s.injection_tables, s.active_from, s.active_until, d.location_id,"
            " s.province_code, s.district_code FROM supply_locations s LEFT JOIN supply_locations d"
            " ON d.kind = 'DISTRICT_STORE' AND d.district_code = s.district_code"
            " AND d.province_code = s.province_code WHERE s.location_id = %s"
            " ORDER BY d.location_id = s.parent_id DESC NULLS LAST,"
            " (d.active_until IS NULL OR d.active_until >= current_date) DESC,"
            " d.registered_at DESC NULLS LAST, d.location_id DESC LIMIT 1", (site_id,))), None)
        if row is None:
            return None, ["national", f"site:{site_id}"]
        site = Site(row[0], row[1], row[2], row[3], row[4], row[5] or "")
        return site, ["national", f"province:{row[6]}", f"district:{row[7]}", f"site:{site_id}"]

    def scope_of(self, location_id: str) -> list[str]:
        """The scope path of a location: ``national``, then its province, district and (a site) itself.

        A location the read model does not know (yet) is on the national path only: only national staff
        learn that it is unknown.
        """
        found = self.location(location_id)
        if found is None:
            return ["national"]
        path = ["national"]
        if found["province_code"]:
            path.append(f"province:{found['province_code']}")
        if found["district_code"] and found["kind"] in ("DISTRICT_STORE", "SITE"):
            path.append(f"district:{found['district_code']}")
        if found["kind"] == "SITE":
            path.append(f"site:{location_id}")
        return path

    def location(self, location_id: str) -> dict | None:
        rows = self._all(
            "SELECT location_id, kind, name, parent_id, province_code, district_code, injection_tables, active_from,"
            " active_until FROM supply_locations WHERE location_id = %s", (location_id,))
        if not rows:
            return None
        keys = ("location_id", "kind", "name", "parent_id", "province_code", "district_code", "injection_tables",
                "active_from", "active_until")
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in zip(keys, rows[0], strict=True)}

    # -- products and stock -------------------------------------------------------------------------
    def presentation(self, presentation_id: str) -> Presentation:
        row = next(iter(self._all(
            "SELECT doses_per_vial, series_doses FROM supply_presentations WHERE presentation_id = %s"
            " ORDER BY version DESC LIMIT 1", (presentation_id,))), None)
        if row is None:
            raise DomainError(f"presentation {presentation_id} is not defined", field="presentation_id",
                              rule="INV-17")
        return Presentation(presentation_id, row[0], row[1])

    def lots_at(self, location_id: str, presentation_id: str, today: date) -> tuple[LotStock, ...]:
        rows = self._all(
            f"SELECT s.lot_id, l.presentation_id, s.doses, {_EXPIRY}, l.status FROM supply_stock s"
            " JOIN supply_lots l USING (lot_id) WHERE s.location_id = %s AND l.presentation_id = %s"
            " ORDER BY s.lot_id", (location_id, presentation_id))
        return tuple(LotStock(lot, pres, doses, expiry,
                              status == "RELEASED" and doses > 0 and (expiry is None or expiry >= today))
                     for lot, pres, doses, expiry, status in rows)

    def dispatched(self, reference_ids: list[str]) -> dict[tuple[str, str, str], int]:
        """Doses inventory dispatched per (reference, line, lot) for plans or sessions."""
        if not reference_ids:
            return {}
        rows = self._all(
            "SELECT reference_id, line_id, lot_id, sum(doses) FROM supply_dispatched WHERE reference_id = ANY(%s)"
            " GROUP BY reference_id, line_id, lot_id", (reference_ids,))
        return {(ref, line, lot): int(doses) for ref, line, lot, doses in rows}

    # -- demand and progress ------------------------------------------------------------------------
    def demand(self, level: str, recipients: dict[str, Recipient], groups: tuple[str, ...]) -> dict[str, Demand]:
        """Approved registrants per recipient (in ``groups`` when given) and per priority group.

        A person counts for the recipient location they are assigned to (district centre, special unit),
        otherwise, in NATIONAL plans, for their approving province. Counted in SQL: no person rows leave
        the database.
        """
        by_location = {r.location_id: r.unit_id for r in recipients.values()}
        unit_key = ("CASE WHEN p.district_health_centre_id = ANY(%(locations)s) THEN p.district_health_centre_id"
                    " ELSE 'province:' || p.province_code END")
        in_groups = (" AND EXISTS (SELECT 1 FROM demand_groups x WHERE x.person_id = p.person_id"
                     " AND x.group_code = ANY(%(groups)s))") if groups else ""
        params = {"locations": list(by_location), "groups": list(groups)}
        totals = self._all(
            f"SELECT {unit_key}, count(*) FROM demand_people p WHERE p.approved AND NOT p.merged{in_groups}"
            " GROUP BY 1", params)
        per_group = self._all(
            f"SELECT {unit_key}, g.group_code, count(*) FROM demand_people p JOIN demand_groups g USING (person_id)"
            f" WHERE p.approved AND NOT p.merged{in_groups} GROUP BY 1, 2", params)

        def unit_of(key: str) -> str | None:
            if key in by_location:
                return by_location[key]
            code = key.removeprefix("province:")
            return code if level == "NATIONAL" and key.startswith("province:") and code in recipients else None

        population: dict[str, int] = dict.fromkeys(recipients, 0)
        by_group: dict[str, dict[str, int]] = {unit: {} for unit in recipients}
        for key, count in totals:
            if (unit := unit_of(key)) is not None:
                population[unit] += count
        for key, group, count in per_group:
            if (unit := unit_of(key)) is not None and (not groups or group in groups):
                by_group[unit][group] = by_group[unit].get(group, 0) + count
        return {unit: Demand(unit, population[unit], by_group[unit]) for unit in recipients}

    def doses_given_at(self, site_id: str) -> dict[str, dict[str, int]]:
        """Doses given at one site (not voided), per product and ``<series> <dose number>``."""
        found: dict[str, dict[str, int]] = {}
        for presentation, series, number, count in self._all(
                "SELECT presentation_id, series, dose_number, count(*) FROM doses_given WHERE site_id = %s"
                " AND NOT voided GROUP BY presentation_id, series, dose_number", (site_id,)):
            found.setdefault(presentation, {})[f"{series} {number}"] = int(count)
        return found

    def positions(self) -> tuple[str, ...]:
        """Where this service's read models stand (``topic:partition:offset``), recorded on its decisions."""
        return readmodels.positions(self._pool, READ_MODELS)

    def unit_of_site(self, site_id: str) -> str:
        """The recipient unit a site's doses count for (as in :meth:`doses_given`): its special unit, or its province
        code."""
        row = next(iter(self._all(
            "SELECT CASE WHEN u.kind = 'SPECIAL_UNIT' THEN u.location_id ELSE s.province_code END"
            " FROM supply_locations s LEFT JOIN supply_locations u ON u.location_id = s.parent_id"
            " WHERE s.location_id = %s", (site_id,))), None)
        if row is None:
            raise NotFound(f"site {site_id} is not in the supply read model (yet)", field="site_id")
        return row[0]

    def doses_given(self, unit_id: str, presentation_id: str) -> tuple[int, int]:
        """(first, second) PRIMARY doses of a product given at sites of a province code or special unit."""
        rows = self._all(
            "SELECT d.dose_number, count(*) FROM doses_given d JOIN supply_locations s ON s.location_id = d.site_id"
            " WHERE NOT d.voided AND d.series = 'PRIMARY' AND d.presentation_id = %s AND d.dose_number IN (1, 2)"
            " AND (s.parent_id = %s OR (s.province_code = %s AND NOT EXISTS (SELECT 1 FROM supply_locations u"
            "  WHERE u.location_id = s.parent_id AND u.kind = 'SPECIAL_UNIT'))) GROUP BY d.dose_number",
            (presentation_id, unit_id, unit_id))
        counts = dict(rows)
        return int(counts.get(1, 0)), int(counts.get(2, 0))

    def stock_summary(self, location_id: str, presentation_id: str, today: date) -> list[dict]:
        return [{"lot_id": lot.lot_id, "on_hand": lot.on_hand, "usable": lot.usable,
                 "effective_expiry": lot.effective_expiry.isoformat() if lot.effective_expiry else None}
                for lot in self.lots_at(location_id, presentation_id, today)]
