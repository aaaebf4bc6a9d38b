"""Value types the allocation aggregates share, and the snapshot of other services' data a decision sees.

Decisions never query anything: the handler reads the local read models (built from the inventory,
registration and immunization topics) and the service's own event store, and passes the result in as
plain frozen dataclasses defined here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from eventkit.errors import DomainError
from services.allocation.domain.holdings import Holding, committed_to

SERIES = frozenset({"PRIMARY", "ADDITIONAL", "BOOSTER"})


@dataclass(frozen=True)
class StockLine:
    """A quantity of one lot (``vaxtrail.common.v1.StockLine``)."""

    lot_id: str
    doses: int
    vials: int


@dataclass(frozen=True)
class LotStock:
    """One lot at one store, as the read models see it."""

    lot_id: str
    presentation_id: str
    on_hand: int
    effective_expiry: date | None
    usable: bool = True


@dataclass(frozen=True)
class Recipient:
    """A unit a plan may allocate to: a province store, a special unit or a district health centre."""

    unit_id: str
    kind: str
    location_id: str
    province_code: str = ""
    active: bool = True


@dataclass(frozen=True)
class SupplyPicture:
    """What a plan decision sees of the world at its source store, for one presentation.

    ``committed_elsewhere`` is what other plans from the same store and presentation still hold
    (allocated − dispatched, for submitted, approved and released plans); ``committed_non_first_elsewhere``
    the part of it for doses other than first doses; ``reserved`` the second-dose reserve held at the
    store; ``lot_outstanding`` what earlier releases picked per lot and inventory has not dispatched yet.
    """

    source_location_id: str
    presentation_id: str
    doses_per_vial: int
    lots: tuple[LotStock, ...] = ()
    recipients: dict[str, Recipient] = field(default_factory=dict)
    committed_elsewhere: int = 0
    committed_non_first_elsewhere: int = 0
    reserved: int = 0
    dispatched_for_plan: int = 0
    lot_outstanding: dict[str, int] = field(default_factory=dict)
    today: date | None = None
    holdings_elsewhere: tuple[Holding, ...] = ()
    """What each other plan still holds and the lots it may take it from (``committed_elsewhere`` in parts)."""

    def committed_against(self, lot_ids: tuple[str, ...]) -> int:
        """What other plans hold that must come from ``lot_ids`` (all of ``committed_elsewhere`` when the
        plan pins no lot): see :mod:`services.allocation.domain.holdings`."""
        if not lot_ids or not self.holdings_elsewhere:
            return self.committed_elsewhere
        supply = {lot.lot_id: lot.on_hand for lot in self.lots if lot.usable}
        return committed_to(lot_ids, self.holdings_elsewhere, supply)

    def lot(self, lot_id: str) -> LotStock | None:
        return next((lot for lot in self.lots if lot.lot_id == lot_id), None)


def require_whole_vials(doses: int, doses_per_vial: int, field_name: str) -> int:
    """The number of vials ``doses`` make; doses must be positive whole vials (INV-2)."""
    if doses <= 0:
        raise DomainError(f"doses must be a positive whole number, got {doses}", field=field_name, rule="INV-2")
    if doses_per_vial > 0 and doses % doses_per_vial:
        raise DomainError(f"{doses} doses are not whole vials of {doses_per_vial} doses", field=field_name,
                          rule="INV-2")
    return doses // doses_per_vial if doses_per_vial > 0 else doses
