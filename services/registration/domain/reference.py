"""Reference data the registration domain checks against: administrative units and priority-group catalogues.

Both are plain, immutable lookups built from the versioned JSON seeds in ``services/registration/reference/``
(loaded by the composition root; this module does no I/O). Priority-group catalogues are versioned by
effective date (PROCESS.md: rules that changed during 2021 are never hard-coded as one truth).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from eventkit.errors import DomainError


@dataclass(frozen=True)
class AdminUnits:
    """GSO codes: province (2 digits) -> district (3 digits) -> commune (5 digits)."""

    version: str
    provinces: Mapping[str, str]
    districts: Mapping[str, tuple[str, str]]  # district code -> (province code, name)
    communes: Mapping[str, tuple[str, str]]  # commune code -> (district code, name)
    provinces_with_districts: frozenset[str]
    districts_with_communes: frozenset[str]

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> AdminUnits:
        provinces, districts, communes = {}, {}, {}
        for province in document["provinces"]:
            provinces[province["code"]] = province["name"]
            for district in province.get("districts", ()):
                districts[district["code"]] = (province["code"], district["name"])
                for commune in district.get("communes", ()):
                    communes[commune["code"]] = (district["code"], commune["name"])
        with_districts = frozenset(p["code"] for p in document["provinces"] if p.get("districts"))
        with_communes = frozenset(d for d, _ in districts.items()
                                  if any(c[0] == d for c in communes.values()))
        return cls(document["version"], provinces, districts, communes, with_districts, with_communes)

    def check(self, province: str, district: str, commune: str, *, prefix: str = "address") -> None:
        """Raise unless the codes exist and nest. Where the seed lists no children, only the format is checked."""
        if province not in self.provinces:
            raise DomainError(f"unknown province code {province!r}", field=f"{prefix}.province_code",
                              rule="admin-code")
        if not district:
            if commune:
                raise DomainError("a commune needs its district", field=f"{prefix}.district_code", rule="admin-code")
            return
        if province in self.provinces_with_districts:
            if self.districts.get(district, ("",))[0] != province:
                raise DomainError(f"district {district!r} is not a district of province {province}",
                                  field=f"{prefix}.district_code", rule="admin-code")
        elif not (len(district) == 3 and district.isdigit()):
            raise DomainError("a district code is 3 digits", field=f"{prefix}.district_code", rule="admin-code")
        if not commune:
            return
        if district in self.districts_with_communes:
            if self.communes.get(commune, ("",))[0] != district:
                raise DomainError(f"commune {commune!r} is not a commune of district {district}",
                                  field=f"{prefix}.commune_code", rule="admin-code")
        elif not (len(commune) == 5 and commune.isdigit()):
            raise DomainError("a commune code is 5 digits", field=f"{prefix}.commune_code", rule="admin-code")


@dataclass(frozen=True)
class Catalogue:
    version: str
    legal_basis: str
    effective_from: date
    effective_until: date | None
    groups: tuple[tuple[str, str], ...]  # (code, title) in priority order

    def rank(self, code: str) -> int:
        return [c for c, _ in self.groups].index(code) + 1

    def active_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_until is None or day <= self.effective_until)


@dataclass(frozen=True)
class PriorityCatalogues:
    catalogues: tuple[Catalogue, ...]

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> PriorityCatalogues:
        return cls(tuple(
            Catalogue(c["version"], c["legal_basis"], date.fromisoformat(c["effective_from"]),
                      date.fromisoformat(c["effective_until"]) if c.get("effective_until") else None,
                      tuple((g["code"], g["title"]) for g in c["groups"]))
            for c in document["catalogues"]
        ))

    def active(self, day: date) -> Catalogue:
        """The catalogue version in force on ``day`` (INV-31)."""
        for catalogue in self.catalogues:
            if catalogue.active_on(day):
                return catalogue
        raise DomainError(f"no priority-group catalogue was in force on {day.isoformat()}",
                          field="effective_date", rule="INV-31")

    def get(self, version: str) -> Catalogue | None:
        return next((c for c in self.catalogues if c.version == version), None)

    def rank(self, version: str, code: str) -> int:
        """Position of a group in its catalogue (1 = highest priority); 99 when unknown."""
        catalogue = self.get(version)
        if catalogue is None or code not in {c for c, _ in catalogue.groups}:
            return 99
        return catalogue.rank(code)
