"""Allocation domain: pure commands, events, states and decisions (no I/O, no framework imports).

- :mod:`.common`: value types shared by the aggregates (stock lines, the world a decision sees);
- :mod:`.commands`: the commands the API hands to the bus;
- :mod:`.plans` (events in :mod:`.plan_events`): the allocation plan aggregate and its four-eyes state
  machine (INV-15 .. INV-18); :mod:`.release`: releasing an approved plan, lots picked earliest expiry first;
- :mod:`.proposal`: the allocation methods that propose line doses from demand (pure arithmetic);
- :mod:`.reservations`: second-dose reserves (INV-18);
- :mod:`.sessions`: district session plans and dispensing to sites (INV-19);
- :mod:`.promises`: what the own events promise from a store, combined with inventory's dispatches.
"""
