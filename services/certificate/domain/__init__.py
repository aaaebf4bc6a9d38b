"""Certificate domain (pure): the person's canonical record, certificate levels, UVCIs and decisions.

- :mod:`.record`        the canonical record (a superset of WHO DDCC:VS) and the level rule (INV-32);
- :mod:`.products`      EU DCC value sets for the 2021 products (vp / mp / ma) and their series doses;
- :mod:`.uvci`          deterministic UVCIs with the Luhn mod N check character;
- :mod:`.events`        the certificate events;
- :mod:`.certificates`  the person's certificates aggregate: state, evolve, synchronise and revoke.
"""
