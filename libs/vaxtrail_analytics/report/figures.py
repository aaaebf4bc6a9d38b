"""The campaign's figures, computed with DuckDB over an export's views (and stock from inventory's read model).

Definitions (docs/analysts.md repeats them):

- a **person** is a ``PersonRegistered`` not retired by ``PersonsMerged``; their province and district are the
  registered address's; age = report year − birth year; doses of a merged person count for the survivor;
- a **dose** is a ``DoseAdministered`` or ``DoseRecordedHistorical`` not voided by ``DoseEnteredInError``; a
  person "has dose k" with a PRIMARY-series dose numbered k;
- **coverage** = persons with dose k ÷ target population (census, :mod:`.population`); null where the
  reference has no figure. District and priority-group tables divide by the *registered* persons instead
  (there is no census figure for them), and say so in ``denominator``;
- **drop-out** dose 1 → 2 = (persons with dose 1 − persons with dose 2) ÷ persons with dose 1;
- **doses per day**: doses given (not historical), by the day in Vietnam time (UTC+7) of ``administered_at``;
- **days of supply** = doses in stock in the province ÷ mean doses given per day there over the 7 days up to
  the report's date (null when none were given);
- **wastage**: open-vial = ``VialDiscarded.residual_doses``, closed-vial = ``StockAdjusted`` debits flagged
  ``closed_vial``; rate = wasted ÷ (wasted + given);
- **AEFI rate** = distinct ``AefiReported`` naming the lot ÷ doses given from the lot × 100,000;
- **time to certificate** = recorded time of the first ``CertificateIssued`` naming a dose − recorded time of
  the dose (both the log's clock), in minutes.
"""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa

from eventkit.clock import CAMPAIGN_TIME_ZONE
from eventkit.codec import find_event_message_class
from vaxtrail_analytics.export.columns import payload_columns, schema_of
from vaxtrail_analytics.export.privacy import Pseudonymised
from vaxtrail_analytics.report.population import AGE_BANDS, Population

NEEDED = {
    "registration_person_registered": "vaxtrail.registration.v1.PersonRegistered",
    "registration_persons_merged": "vaxtrail.registration.v1.PersonsMerged",
    "registration_priority_group_assigned": "vaxtrail.registration.v1.PriorityGroupAssigned",
    "registration_priority_group_revoked": "vaxtrail.registration.v1.PriorityGroupRevoked",
    "immunization_dose_administered": "vaxtrail.immunization.v1.DoseAdministered",
    "immunization_dose_recorded_historical": "vaxtrail.immunization.v1.DoseRecordedHistorical",
    "immunization_dose_entered_in_error": "vaxtrail.immunization.v1.DoseEnteredInError",
    "immunization_vial_discarded": "vaxtrail.immunization.v1.VialDiscarded",
    "immunization_aefi_reported": "vaxtrail.immunization.v1.AefiReported",
    "certificate_certificate_issued": "vaxtrail.certificate.v1.CertificateIssued",
    "inventory_location_registered": "vaxtrail.inventory.v1.LocationRegistered",
    "inventory_lot_registered": "vaxtrail.inventory.v1.LotRegistered",
    "inventory_presentation_defined": "vaxtrail.inventory.v1.PresentationDefined",
    "inventory_stock_adjusted": "vaxtrail.inventory.v1.StockAdjusted",
}
_SCHEMA_POLICY = Pseudonymised(b"x" * 32)  # only to derive column names and types of empty views


def ensure_views(con) -> list[str]:
    """An empty, typed view for each needed event type the export has none of; returns their names."""
    present = {name for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    made = []
    for name, event_type in NEEDED.items():
        if name not in present:
            columns = payload_columns(find_event_message_class(event_type).DESCRIPTOR, _SCHEMA_POLICY)
            con.register(name, pa.Table.from_pylist([], schema=schema_of(columns)))
            made.append(name)
    return made


def _birth_year(con) -> str:
    columns = {c for (c,) in con.execute("SELECT column_name FROM (DESCRIBE registration_person_registered)").fetchall()}
    return "birth_year" if "birth_year" in columns else "TRY_CAST(left(date_of_birth, 4) AS INTEGER)"


def define_facts(con, as_of: datetime) -> None:
    bands = " ".join(f"WHEN age BETWEEN {lo} AND {hi} THEN '{band}'" for band, lo, hi in AGE_BANDS)
    con.execute(f"""
    CREATE OR REPLACE TEMP VIEW merged AS
      SELECT merged_person_id AS person_id, surviving_person_id AS survivor FROM registration_persons_merged;
    CREATE OR REPLACE TEMP VIEW persons AS
      SELECT person_id, address_province_code AS province, address_district_code AS district, birth_year,
             CASE {bands} ELSE 'unknown' END AS age_band
      FROM (SELECT person_id, address_province_code, address_district_code, {_birth_year(con)} AS birth_year,
                   {as_of.year} - {_birth_year(con)} AS age FROM registration_person_registered)
      WHERE person_id NOT IN (SELECT person_id FROM merged);
    CREATE OR REPLACE TEMP VIEW doses AS
      WITH given AS (
        SELECT dose_id, person_id, series, dose_number, administered_at, site_id, lot_id, false AS historical,
               recorded_at FROM immunization_dose_administered
        UNION ALL
        SELECT dose_id, person_id, series, dose_number, TRY_CAST(administered_date AS TIMESTAMPTZ), '', '', true,
               recorded_at FROM immunization_dose_recorded_historical)
      SELECT g.*, coalesce(m.survivor, g.person_id) AS person FROM given g LEFT JOIN merged m USING (person_id)
      WHERE dose_id NOT IN (SELECT dose_id FROM immunization_dose_entered_in_error);
    CREATE OR REPLACE TEMP VIEW levels AS
      SELECT person, bool_or(series = 'PRIMARY' AND dose_number = 1) AS d1,
             bool_or(series = 'PRIMARY' AND dose_number = 2) AS d2, bool_or(series = 'BOOSTER') AS booster
      FROM doses GROUP BY person;
    CREATE OR REPLACE TEMP VIEW covered AS
      SELECT p.*, coalesce(l.d1, false) AS d1, coalesce(l.d2, false) AS d2, coalesce(l.booster, false) AS booster
      FROM persons p LEFT JOIN levels l ON l.person = p.person_id;
    CREATE OR REPLACE TEMP VIEW sites AS
      SELECT location_id, arg_max(province_code, recorded_at) AS province, arg_max(kind, recorded_at) AS kind
      FROM inventory_location_registered GROUP BY location_id;
    CREATE OR REPLACE TEMP VIEW products AS
      SELECT l.lot_id, l.presentation_id, coalesce(p.brand, l.presentation_id) AS product
      FROM (SELECT lot_id, arg_max(presentation_id, recorded_at) AS presentation_id FROM inventory_lot_registered
            GROUP BY lot_id) l
      LEFT JOIN (SELECT presentation_id, arg_max(brand, version) AS brand FROM inventory_presentation_defined
                 GROUP BY presentation_id) p USING (presentation_id);
    """)


def _rows(con, query: str, *params) -> list[dict]:
    cursor = con.execute(query, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _pct(part, whole) -> float | None:
    return round(100.0 * part / whole, 4) if whole else None


def coverage(con, population: Population) -> dict:
    by_province = _rows(con, "SELECT province, count(*) AS registered, count(*) FILTER (d1) AS dose1,"
                             " count(*) FILTER (d2) AS dose2, count(*) FILTER (booster) AS booster"
                             " FROM covered GROUP BY province ORDER BY province")
    for row in by_province:
        target = population.provinces.get(row["province"])
        row.update(name=population.names.get(row["province"], row["province"]), target_population=target,
                   dose1_coverage_pct=_pct(row["dose1"], target), dose2_coverage_pct=_pct(row["dose2"], target),
                   dose1_of_registered_pct=_pct(row["dose1"], row["registered"]))
    by_district = _rows(con, "SELECT province, district, count(*) AS registered, count(*) FILTER (d1) AS dose1,"
                             " count(*) FILTER (d2) AS dose2 FROM covered GROUP BY ALL ORDER BY ALL")
    for row in by_district:
        row.update(dose1_coverage_pct=_pct(row["dose1"], row["registered"]),
                   dose2_coverage_pct=_pct(row["dose2"], row["registered"]), denominator="registered")
    by_age = _rows(con, "SELECT province, age_band, count(*) AS registered, count(*) FILTER (d1) AS dose1,"
                        " count(*) FILTER (d2) AS dose2 FROM covered GROUP BY ALL ORDER BY ALL")
    for row in by_age:
        target = population.bands.get(row["province"], {}).get(row["age_band"])
        row.update(target_population=target, dose1_coverage_pct=_pct(row["dose1"], target),
                   dose2_coverage_pct=_pct(row["dose2"], target))
    by_group = _rows(con, """
        WITH changes AS (
          SELECT person_id, group_code, catalogue_version, recorded_at, true AS member
            FROM registration_priority_group_assigned
          UNION ALL
          SELECT person_id, group_code, catalogue_version, recorded_at, false
            FROM registration_priority_group_revoked),
        current AS (SELECT person_id, group_code, catalogue_version, arg_max(member, recorded_at) AS member
                    FROM changes GROUP BY ALL)
        SELECT g.catalogue_version, g.group_code, count(*) AS registered, count(*) FILTER (c.d1) AS dose1,
               count(*) FILTER (c.d2) AS dose2
        FROM current g JOIN covered c ON c.person_id = g.person_id WHERE g.member GROUP BY ALL ORDER BY ALL""")
    for row in by_group:
        row.update(dose1_coverage_pct=_pct(row["dose1"], row["registered"]),
                   dose2_coverage_pct=_pct(row["dose2"], row["registered"]), denominator="registered")
    by_dose = _rows(con, "SELECT d.series, d.dose_number, count(DISTINCT d.person) AS persons FROM doses d"
                         " JOIN persons p ON p.person_id = d.person GROUP BY ALL ORDER BY ALL")
    for row in by_dose:
        row.update(target_population=population.national,
                   coverage_pct=_pct(row["persons"], population.national))
    return {"by_province": by_province, "by_district": by_district, "by_age_band": by_age,
            "by_priority_group": by_group, "by_dose_number": by_dose}


def dropout(con) -> list[dict]:
    rows = _rows(con, "SELECT province, count(*) FILTER (d1) AS dose1, count(*) FILTER (d2) AS dose2"
                      " FROM covered GROUP BY province HAVING count(*) FILTER (d1) > 0 ORDER BY province")
    for row in rows:
        row["dropout_pct"] = _pct(row["dose1"] - row["dose2"], row["dose1"])
    return rows


def doses_per_day(con, zone: str = CAMPAIGN_TIME_ZONE) -> list[dict]:
    """Doses per campaign day: the day of ``zone`` (an IANA name, ``CAMPAIGN_TIME_ZONE``) each was given on."""
    return _rows(con, "SELECT timezone(?, administered_at)::DATE AS day, count(*) AS doses"
                      " FROM doses WHERE NOT historical GROUP BY day ORDER BY day", zone)


def supply(con, stock_by_province: dict[str, int], as_of: datetime) -> list[dict]:
    given = {r["province"]: r["doses"] for r in _rows(con, """
        SELECT s.province, count(*) AS doses FROM doses d JOIN sites s ON s.location_id = d.site_id
        WHERE NOT d.historical AND d.administered_at > ?::TIMESTAMPTZ - INTERVAL 7 DAY
          AND d.administered_at <= ?::TIMESTAMPTZ GROUP BY ALL""", as_of, as_of)}
    out = []
    for province in sorted(set(stock_by_province) | set(given)):
        per_day = given.get(province, 0) / 7
        stock = stock_by_province.get(province, 0)
        out.append({"province": province or "national stores", "stock_doses": stock,
                    "doses_per_day_7d": round(per_day, 4),
                    "days_of_supply": round(stock / per_day, 2) if per_day else None})
    return out


def wastage(con) -> list[dict]:
    rows = _rows(con, """
        WITH facts AS (
          SELECT site_id AS location_id, lot_id, residual_doses AS open_vial, 0 AS closed_vial, 0 AS given
            FROM immunization_vial_discarded
          UNION ALL
          SELECT location_id, lot_id, 0, -doses, 0 FROM inventory_stock_adjusted WHERE closed_vial AND doses < 0
          UNION ALL
          SELECT site_id, lot_id, 0, 0, 1 FROM doses WHERE NOT historical)
        SELECT coalesce(p.product, f.lot_id) AS product, coalesce(nullif(s.province, ''), 'national stores')
               AS province, sum(open_vial)::BIGINT AS open_vial_doses, sum(closed_vial)::BIGINT AS closed_vial_doses,
               sum(given)::BIGINT AS doses_given
        FROM facts f LEFT JOIN sites s USING (location_id) LEFT JOIN products p USING (lot_id)
        GROUP BY ALL ORDER BY ALL""")
    for row in rows:
        wasted = row["open_vial_doses"] + row["closed_vial_doses"]
        row["wastage_rate_pct"] = _pct(wasted, wasted + row["doses_given"])
    return rows


def aefi(con) -> list[dict]:
    rows = _rows(con, """
        WITH reports AS (SELECT DISTINCT aefi_id, unnest(lot_ids) AS lot_id, serious FROM immunization_aefi_reported),
        given AS (SELECT lot_id, count(*) AS doses FROM doses WHERE NOT historical GROUP BY lot_id)
        SELECT coalesce(p.product, g.lot_id) AS product, g.lot_id, g.doses AS doses_given,
               count(DISTINCT r.aefi_id) AS aefi_reports, count(DISTINCT r.aefi_id) FILTER (r.serious) AS serious
        FROM given g LEFT JOIN reports r USING (lot_id) LEFT JOIN products p USING (lot_id)
        GROUP BY ALL ORDER BY ALL""")
    for row in rows:
        row["aefi_per_100k_doses"] = round(row["aefi_reports"] / row["doses_given"] * 100_000, 2)
    return rows


def certificate_delay(con) -> dict:
    row = _rows(con, """
        WITH first AS (SELECT dose_id, min(recorded_at) AS issued FROM
                         (SELECT unnest(dose_ids) AS dose_id, recorded_at FROM certificate_certificate_issued)
                       GROUP BY dose_id),
        delays AS (SELECT epoch(f.issued - d.recorded_at) / 60.0 AS minutes FROM doses d
                   LEFT JOIN first f USING (dose_id) WHERE NOT d.historical)
        SELECT count(*) AS doses, count(minutes) AS certified, median(minutes) AS median_minutes,
               quantile_cont(minutes, 0.9) AS p90_minutes, max(minutes) AS max_minutes FROM delays""")[0]
    row["histogram"] = _rows(con, """
        WITH first AS (SELECT dose_id, min(recorded_at) AS issued FROM
                         (SELECT unnest(dose_ids) AS dose_id, recorded_at FROM certificate_certificate_issued)
                       GROUP BY dose_id)
        SELECT epoch(f.issued - d.recorded_at) / 60.0 AS minutes FROM doses d JOIN first f USING (dose_id)
        WHERE NOT d.historical ORDER BY minutes""")
    return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}
