"""Allocation domain: pure commands, events, states and decisions (no I/O, no framework imports).

- :mod:`.common`: value types shared by the aggregates (stock lines, the world a decision sees);
- :mod:`.plans`: the allocation plan aggregate and its four-eyes state machine (INV-15 .. INV-18);
- :mod:`.proposal`: the allocation methods that propose line doses from demand (pure arithmetic);
- :mod:`.reservations`: second-dose reserves (INV-18);
- :mod:`.sessions`: district session plans and dispensing to sites (INV-19).
"""
