"""Queries over the certificate read models, used by the API and by the handlers' dependencies.

- :class:`CertificateViews` - the citizen's record (person, doses, next dose, certificates with their QR
  strings), who may look a person up (scope path), and the revocation list;
- :func:`load_record` - the canonical record the issuer decides on (``canonical_records``, see
  ``projections/records.py``), resolved to EU value-set codes;
- :func:`keep_documents` - the issuer's signed QR strings, first write wins (``certificate_documents``);
- :func:`keep_revocation_list` - the signed revocation list of each published version, first write wins
  (``revocation_lists``).
"""

from __future__ import annotations

from collections.abc import Mapping

from eventkit import products
from eventkit.product_codes import resolve
from services.certificate.domain.certificates import EU_DCC, SMART_HEALTH_CARD
from services.certificate.domain.record import CanonicalRecord, Dose, Person
from services.certificate.formats.shc import revocation_id
from services.certificate.signing.lists import uvci_hash
from vaxtrail.certificate.v1 import events_pb2

LISTED_CHANGES = tuple(message.DESCRIPTOR.full_name for message in (
    events_pb2.CertificateRevoked, events_pb2.CertificateSuspended, events_pb2.CertificateReinstated))
"""The event types that change the revocation list (each bumps ``list_versions['revocation']`` once)."""

_CERTS = ("SELECT v.certificate_id, v.format, v.level, v.status, v.reason, v.replaced_by, v.key_id, v.dose_ids,"
          " v.issued_at, v.expires_at, d.content, v.current FROM certificate_view v"
          " LEFT JOIN certificate_documents d ON d.certificate_id = v.certificate_id"
          " WHERE v.person_id = %s ORDER BY v.issued_at, v.certificate_id")


class CertificateViews:
    def __init__(self, pool) -> None:
        self._pool = pool

    def person(self, person_id: str) -> dict | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT full_name, date_of_birth, nationality, province_code, district_code, merged_into"
                " FROM record_persons WHERE person_id = %s", (person_id,)).fetchone()
        if row is None:
            return None
        return {"full_name": row[0], "date_of_birth": row[1], "nationality": row[2], "province_code": row[3],
                "district_code": row[4], "merged_into": row[5] or None}

    def scope_path(self, person_id: str) -> list[str]:
        """Who may look this person up: national, their province and district, sites that vaccinated them."""
        person = self.person(person_id) or {}
        path = ["national"]
        if person.get("province_code"):
            path.append(f"province:{person['province_code']}")
        if person.get("district_code"):
            path.append(f"district:{person['district_code']}")
        with self._pool.connection() as conn:
            sites = conn.execute("SELECT DISTINCT site_id FROM record_doses WHERE person_id = %s AND site_id <> ''",
                                 (person_id,)).fetchall()
        return path + [f"site:{s[0]}" for s in sites] + [f"person:{person_id}"]

    def doses(self, person_id: str) -> list[dict]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT d.dose_id, d.administered_on, d.series, d.dose_number, d.historical,"
                " coalesce(nullif(p.brand, ''), d.product, d.presentation_id), d.lot_number, d.site_id, d.country,"
                " d.status, coalesce(l.status, 'RELEASED') FROM record_doses d"
                " LEFT JOIN record_presentations p ON p.presentation_id = d.presentation_id"
                " LEFT JOIN record_lots l ON l.lot_id = d.lot_id AND d.lot_id <> ''"
                " WHERE d.person_id = %s ORDER BY d.administered_on, d.dose_id", (person_id,)).fetchall()
        return [{"dose_id": r[0], "date": r[1].isoformat(), "series": r[2], "dose_number": r[3], "historical": r[4],
                 "product": r[5] or "", "lot_number": r[6], "site_id": r[7], "country": r[8], "status": r[9],
                 "lot_status": r[10]} for r in rows]

    def next_dose(self, person_id: str) -> dict | None:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT series, dose_number, earliest_date, due_date, latest_date FROM record_next_dose"
                               " WHERE person_id = %s", (person_id,)).fetchone()
        if row is None:
            return None
        return dict(zip(("series", "dose_number", "earliest_date", "due_date", "latest_date"), row, strict=True))

    def certificates(self, person_id: str) -> list[dict]:
        with self._pool.connection() as conn:
            rows = conn.execute(_CERTS, (person_id,)).fetchall()
        return [{"certificate_id": r[0], "format": r[1], "level": r[2], "status": r[3], "reason": r[4],
                 "replaced_by": r[5] or None, "key_id": r[6], "dose_ids": list(r[7]),
                 "issued_at": r[8].isoformat(), "expires_at": r[9].isoformat(), "qr": r[10], "current": r[11]}
                for r in rows]

    def current(self, person_id: str, fmt: str) -> dict | None:
        """The latest certificate of a format that is not revoked (active or suspended)."""
        return current_of(self.certificates(person_id), fmt)

    def revocation_changes(self) -> int:
        """How often the revoked / suspended set changed (``certificate_views`` counts): the list publisher
        recomputes the list only when this moved."""
        with self._pool.connection() as conn:
            return conn.execute("SELECT coalesce(max(version), 0) FROM list_versions WHERE list = 'revocation'"
                                ).fetchone()[0]

    def revocation_changes_recorded(self) -> int:
        """How many changes of the revoked / suspended set the store holds (revocations, suspensions,
        reinstatements): :meth:`revocation_changes` equals it once ``certificate_views`` has applied them all."""
        with self._pool.connection() as conn:
            return conn.execute("SELECT count(*) FROM events WHERE event_type = ANY(%s)",
                                (list(LISTED_CHANGES),)).fetchone()[0]

    def published_revocation_list(self) -> tuple[int, str] | None:
        """(version, signed JWS) of the latest published revocation list; None before the first."""
        with self._pool.connection() as conn:
            row = conn.execute("SELECT version, signed FROM revocation_lists ORDER BY version DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else None

    def revocation_list(self) -> tuple[int, dict[str, list[str]], dict[str, list[str]]]:
        """(changes, DCC hashes by kid, SHC rids by kid) of revoked and suspended certificates now."""
        with self._pool.connection() as conn:
            version = conn.execute("SELECT coalesce(max(version), 0) FROM list_versions WHERE list = 'revocation'"
                                   ).fetchone()[0]
            rows = conn.execute("SELECT certificate_id, format, key_id FROM certificate_view"
                                " WHERE status IN ('REVOKED', 'SUSPENDED') ORDER BY certificate_id").fetchall()
        dcc: dict[str, list[str]] = {}
        shc: dict[str, list[str]] = {}
        for certificate_id, fmt, key_id in rows:
            if fmt == EU_DCC:
                dcc.setdefault(key_id, []).append(uvci_hash(certificate_id))
            elif fmt == SMART_HEALTH_CARD:
                shc.setdefault(key_id, []).append(revocation_id(certificate_id))
        return version, dcc, shc


# -- the canonical record the issuer decides on ---------------------------------------------------------
_PERSON = ("SELECT person_id, full_name, family_name, given_name, date_of_birth, date_of_birth_estimated, nationality,"
           " revision, merged_into, province_code, district_code, earlier_revisions FROM record_persons"
           " WHERE person_id = %s")
_DOSES = (
    "SELECT d.dose_id, d.revision, d.administered_on, d.series, d.dose_number, d.historical, d.product,"
    " d.lot_number, d.lot_id, d.country, d.site_id, d.status, coalesce(l.status, 'RELEASED'),"
    " d.presentation_id, p.presentation_id IS NOT NULL, coalesce(p.brand, ''), coalesce(p.vaccine_code, ''),"
    " coalesce(p.manufacturer, ''), coalesce(p.series_doses, 0), coalesce(p.platform, ''),"
    " coalesce(nullif(d.lot_number, ''), l.lot_number, ''), d.earlier_revisions"
    " FROM record_doses d LEFT JOIN record_lots l ON l.lot_id = d.lot_id AND d.lot_id <> ''"
    " LEFT JOIN record_presentations p ON p.presentation_id = d.presentation_id"
    " WHERE d.person_id = %s ORDER BY d.administered_on, d.dose_id"
)


class IncompleteRecord(Exception):
    """A dose refers to a presentation this service has not heard of yet (it will be marked again)."""


def load_record(conn, person_id: str) -> CanonicalRecord:
    row = conn.execute(_PERSON, (person_id,)).fetchone()
    person = Person(*row[:-1], earlier_revisions=tuple(row[-1])) if row else None
    doses = []
    for r in conn.execute(_DOSES, (person_id,)).fetchall():
        (dose_id, revision, on, series, number, historical, product, _lot_number, lot_id, country, site, status,
         lot_status, presentation_id, known, brand, code, manufacturer, series_doses, platform, lot_number,
         earlier) = r
        if historical:
            codes = resolve(product)
        elif known:
            codes = resolve(brand, code, presentation_id, platform=platform, series_doses=series_doses,
                            manufacturer=manufacturer)
        else:
            raise IncompleteRecord(f"presentation {presentation_id} of dose {dose_id} is not known yet")
        component = products.component_of(product if historical else code)
        doses.append(Dose(dose_id, revision, on, series, number, codes, lot_number, lot_id, country, site,
                          historical, status, lot_status, tuple(earlier), component))
    return CanonicalRecord(person_id, person, tuple(doses))


def keep_revocation_list(pool, version: int, signed: str) -> str:
    """Store the signed revocation list of ``version`` unless one is stored; returns the kept one."""
    with pool.connection() as conn, conn.transaction():
        conn.execute("INSERT INTO revocation_lists (version, signed) VALUES (%s, %s) ON CONFLICT (version) DO NOTHING",
                     (version, signed))
        return conn.execute("SELECT signed FROM revocation_lists WHERE version = %s", (version,)).fetchone()[0]


def keep_documents(pool, person_id: str, documents: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """Store each signed QR string (certificate id -> (format, text)) unless one is stored already; returns
    the text kept per certificate id - the earlier one after an interrupted issuance (see handlers.py)."""
    kept: dict[str, str] = {}
    with pool.connection() as conn, conn.transaction():
        for certificate_id, (fmt, text) in documents.items():
            conn.execute("INSERT INTO certificate_documents (certificate_id, person_id, format, content)"
                         " VALUES (%s, %s, %s, %s) ON CONFLICT (certificate_id) DO NOTHING",
                         (certificate_id, person_id, fmt, text))
            kept[certificate_id] = conn.execute(
                "SELECT content FROM certificate_documents WHERE certificate_id = %s", (certificate_id,)
            ).fetchone()[0]
    return kept


def current_of(certificates: list[dict], fmt: str) -> dict | None:
    """The current certificate of a format among ``certificates`` (one read of :meth:`CertificateViews.certificates`), so
    an answer that lists a person's certificates and names the current ones is one snapshot: two reads could
    fall either side of a revoke-and-reissue the projection commits in between."""
    live = [c for c in certificates if c["format"] == fmt and c["current"] and c["status"] in ("ACTIVE", "SUSPENDED")]
    return live[-1] if live else None
