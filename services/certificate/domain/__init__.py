"""Certificate domain (pure): the person's canonical record, certificate levels, UVCIs, keys and decisions.

- :mod:`.record`        the canonical record (a superset of WHO DDCC:VS) and the level rule (INV-32);
- :mod:`.products`      EU DCC value sets for the 2021 products (vp / mp / ma) and their series doses;
- :mod:`.uvci`          deterministic UVCIs with the guideline's Luhn mod N check character;
- :mod:`.events`        the certificate events;
- :mod:`.certificates`  the person's certificates aggregate: state, evolve, synchronise and revoke;
- :mod:`.keys`          the signing-key and trust-list streams: events, state, evolve and decisions;
- :mod:`.revocations`   the revocation-list stream: one ``RevocationListPublished`` per list version;
- :mod:`.commands`      the commands ``handlers.py`` handles.
"""
