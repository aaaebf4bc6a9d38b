"""Inventory domain: pure commands, events, states and decisions (no I/O, no framework imports).

Modules, one per aggregate family:

- :mod:`.reference` - the supply tree (``location:<id>``) and presentation versions (``presentation:<id>``);
- :mod:`.lots` - lots, their expiry and their RELEASED / SUSPENDED / RECALLED state (``lot:<id>``);
- :mod:`.stock` - the stock item (``<location_id>/<lot_id>``): a dated timeline of movements, so a
  backdated movement is checked against every later balance (INV-1), and the checks decisions share;
- :mod:`.ledger_events` and :mod:`.ledger` - ledger events / commands and the decisions on a stock item;
- :mod:`.shipments` - shipments between locations (``shipment:<id>``): dispatch, proof of delivery,
  lost, returned, and the allocation-line check;
- :mod:`.coldchain` - storage units (``storage-unit:<id>``), temperature excursions and assessments;
- :mod:`.consumption` - consumption reported by immunization, or the discrepancy it raises.

Every decision raises :class:`eventkit.errors.DomainError` naming the rule (INV-n) and the field.
"""
