"""Session dispensations as inventory knows them (from its read model of the allocation topic), and the check
every dispatch to a vaccination site must pass: stock reaches a site only against a district's dispensation to
one of its sessions (``SessionStockDispensed``) or an allocation line naming the site, never unchecked
(INV-15 / INV-17).

A dispatch citing a session goes from the dispensing district store to the session's site, carries only the
dispensed lots, and together with the earlier shipments citing the same session stays within the doses
dispensed per lot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from eventkit.errors import DomainError
from services.inventory.domain.reference import LocationRegistered
from services.inventory.domain.shipments import DispatchShipment


@dataclass(frozen=True)
class Dispensation:
    """Every ``SessionStockDispensed`` of one session, summed per lot, with the doses already shipped citing it."""

    session_id: str
    from_location_id: str
    to_site_id: str
    dispensed: Mapping[str, int]
    shipped: Mapping[str, int] = field(default_factory=dict)


def check_site_supply(command: DispatchShipment, sender: LocationRegistered, receiver: LocationRegistered,
                      dispensation: Dispensation | None, doses_by_lot: Mapping[str, int]) -> None:
    """Stock for a site cites a dispensation (``session_id``) or an allocation line; a dispensation is shipped
    from its district store to its site, within its lots and doses."""
    if not command.session_id:
        if receiver.kind == "SITE" and not command.allocation_line_id:
            raise DomainError(f"{receiver.location_id} is a vaccination site: a shipment to it cites the session "
                              "dispensation (session_id) or the allocation line it fulfils", field="session_id",
                              rule="INV-17")
        return
    if receiver.kind != "SITE":
        raise DomainError(f"a dispensation goes to a session's site, and {receiver.location_id} is a "
                          f"{receiver.kind}", field="to_location_id", rule="INV-17")
    if dispensation is None or not dispensation.dispensed:
        raise DomainError(f"no dispensation to session {command.session_id} is known (yet) to inventory",
                          field="session_id", rule="INV-17")
    if dispensation.to_site_id != receiver.location_id:
        raise DomainError(f"session {command.session_id} is at {dispensation.to_site_id}, not "
                          f"{receiver.location_id}", field="to_location_id", rule="INV-17")
    if dispensation.from_location_id != sender.location_id:
        raise DomainError(f"session {command.session_id} was dispensed from {dispensation.from_location_id}, not "
                          f"{sender.location_id}", field="from_location_id", rule="INV-17")
    for index, line in enumerate(command.lines):
        dispensed = dispensation.dispensed.get(line.lot_id, 0)
        if not dispensed:
            raise DomainError(f"lot {line.lot_id} was not dispensed to session {command.session_id} (dispensed: "
                              f"{', '.join(sorted(dispensation.dispensed))})", field=f"lines[{index}].lot_id",
                              rule="INV-17")
        shipped = dispensation.shipped.get(line.lot_id, 0)
        if shipped + doses_by_lot.get(line.lot_id, 0) > dispensed:
            raise DomainError(f"{dispensed} doses of {line.lot_id} dispensed to session {command.session_id}, "
                              f"{shipped} already shipped: {doses_by_lot.get(line.lot_id, 0)} more exceed the "
                              "dispensation", field=f"lines[{index}].doses", rule="INV-15")
