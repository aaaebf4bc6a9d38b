"""Registration composition root: the service's wiring (no blueprints or projections of its own yet)."""

from __future__ import annotations

from pathlib import Path

from eventkit.service import ServiceWiring

WIRING = ServiceWiring(migrations=Path(__file__).parent / "migrations")
