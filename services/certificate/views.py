"""Queries over the certificate read models (the citizen's record, certificates, revocation lists)."""

from __future__ import annotations

from services.certificate.domain.certificates import EU_DCC, SMART_HEALTH_CARD
from services.certificate.formats.shc import revocation_id
from services.certificate.signing.lists import uvci_hash

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
        live = [c for c in self.certificates(person_id) if c["format"] == fmt and c["current"]
                and c["status"] in ("ACTIVE", "SUSPENDED")]
        return live[-1] if live else None

    def revocation_list(self) -> tuple[int, dict[str, list[str]], dict[str, list[str]]]:
        """(version, DCC hashes by kid, SHC rids by kid) of revoked and suspended certificates."""
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
