"""The versioned reference-data seed (``reference.v<N>.json``) as domain commands.

The file is data, never applied directly: ``POST /v1/reference/seed`` (national_admin) turns it into
``LocationRegistered`` / ``PresentationDefined`` / ``LotRegistered`` events through the same decisions as
the single-item routes, skipping what is already registered (idempotent): :class:`LoadSeed` is that command.
Locations are listed parents first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from services.inventory.domain import lots, reference

SEED_DIR = Path(__file__).parent
CURRENT_VERSION = 1


def seed_path(version: int = CURRENT_VERSION) -> Path:
    return SEED_DIR / f"reference.v{version}.json"


@dataclass(frozen=True)
class LoadSeed:
    """Register every location, presentation version and lot of a seed not registered yet, in one append."""

    version: int
    locations: tuple[reference.RegisterLocation, ...]
    presentations: tuple[reference.DefinePresentation, ...]
    lots: tuple[lots.RegisterLot, ...]


@dataclass(frozen=True)
class SeedDocument:
    version: int
    data: dict[str, Any]

    @classmethod
    def load(cls, version: int = CURRENT_VERSION) -> SeedDocument:
        path = seed_path(version)
        if not path.exists():
            raise FileNotFoundError(f"no reference seed version {version} ({path.name})")
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(int(data["version"]), data)

    def command(self, now: datetime) -> LoadSeed:
        return LoadSeed(self.version, tuple(self.locations(now)), tuple(self.presentations(now)),
                        tuple(self.lots(now)))

    def locations(self, now: datetime) -> list[reference.RegisterLocation]:
        return [location_command(item, now) for item in self.data.get("locations", [])]

    def presentations(self, now: datetime) -> list[reference.DefinePresentation]:
        return [presentation_command(item, now) for item in self.data.get("presentations", [])]

    def lots(self, now: datetime) -> list[lots.RegisterLot]:
        return [lot_command(item, now) for item in self.data.get("lots", [])]


def location_command(item: dict[str, Any], now: datetime) -> reference.RegisterLocation:
    fields = dict(item)
    fields["supplied_by"] = tuple(fields.get("supplied_by", ()))
    fields["storage_capabilities"] = tuple(fields.get("storage_capabilities", ()))
    fields["active_from"] = date.fromisoformat(fields["active_from"])
    return reference.RegisterLocation(**fields, registered_at=now)


def presentation_command(item: dict[str, Any], now: datetime) -> reference.DefinePresentation:
    fields = dict(item)
    fields["dose_volume_ml"] = Decimal(fields["dose_volume_ml"])
    diluent = fields.get("diluent_volume_ml")
    fields["diluent_volume_ml"] = Decimal(diluent) if diluent else None
    fields["components"] = tuple(fields.get("components", ()))
    fields["storage_ranges"] = tuple(
        reference.StorageRange(r["condition"], Decimal(r["min_celsius"]), Decimal(r["max_celsius"]),
                               int(r.get("max_days", 0)))
        for r in fields.get("storage_ranges", ())
    )
    return reference.DefinePresentation(**fields, defined_at=now)


def lot_command(item: dict[str, Any], now: datetime) -> lots.RegisterLot:
    fields = dict(item)
    fields["manufacture_date"] = date.fromisoformat(fields["manufacture_date"])
    fields["label_expiry_date"] = date.fromisoformat(fields["label_expiry_date"])
    return lots.RegisterLot(**fields, registered_at=now)
